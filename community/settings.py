"""Sodan's settings: every knob is an environment variable, declared here with its type.

The defaults are the embedded ones, so a newcomer needs nothing installed: SQLite,
an in-process cache, Celery tasks run eagerly, e-mail printed to the console.
Production sets DEBUG=0, SECRET_KEY, DATABASE_URL (PostgreSQL), CACHE_URL and
CELERY_BROKER_URL (Redis); see README.md.

https://docs.djangoproject.com/en/5.2/ref/settings/
"""

import sys
from pathlib import Path

import environ
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from community.cache import AllauthRateLimits

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# --- Core ------------------------------------------------------------------------------
DEBUG: bool = env.bool("DEBUG", default=True)

SECRET_KEY: str = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. With DEBUG off Sodan refuses to start without one: "
            "set SECRET_KEY in the environment to a long random string, e.g. the output of "
            "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`."
        )
    SECRET_KEY = "django-insecure-sodan-development-key-never-use-in-production"  # noqa: S105

# Brands' own domains must pass this check too: in production ALLOWED_HOSTS=* and
# themes.middleware.BrandSiteMiddleware refuses any host that is neither a main host
# (SODAN_MAIN_HOSTS) nor a verified brand domain. ".localhost" lets the demo's brand
# domain (hoshino.localhost, which resolves to this machine) reach runserver.
ALLOWED_HOSTS: list[str] = env.list(
    "ALLOWED_HOSTS", default=["127.0.0.1", "localhost", ".localhost", "[::1]", "testserver"]
)
# The main site's own host names (the directory of every brand). Empty: SITE_URL's host and
# the exact names in ALLOWED_HOSTS.
SODAN_MAIN_HOSTS: list[str] = env.list("SODAN_MAIN_HOSTS", default=[])
CSRF_TRUSTED_ORIGINS: list[str] = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL: str = env.str("SITE_URL", default="http://127.0.0.1:8000")

INSTALLED_APPS = [
    # Sodan's rooms (see STYLE: one job each)
    "community",
    "brands",
    "qa",
    "feedback",
    "integrations",  # events for a brand's tools, over feedback's webhooks
    "moderation",
    "search",
    "outbox",
    "themes",
    "api",  # the REST API, /api/v1/ (api/README.md)
    "cases",  # private cases opened from a thread (cases/README.md)
    "privacy",  # exports, erasure, social accounts, brands' disclosure (privacy/README.md)
    "legal",  # removal requests under the 2025 platform law, transparency (legal/README.md)
    "line",  # a brand's LINE official account: webhook, answers, pushes, relay (line/README.md)
    "follows",  # follow and mute; "is it solved?" follow-ups (follows/README.md)
    "attachments",  # images in posts and cases, by their post's rule (attachments/README.md)
    "mailin",  # replies and new threads by e-mail (mailin/README.md)
    "reputation",  # per-brand reputation, levels and badges (reputation/README.md)
    "knowledge",  # solved threads become brand knowledge articles (knowledge/README.md)
    "sso",  # brands' company single sign-on, SAML 2.0 or OpenID Connect (sso/README.md)
    # Wagtail: community home, guidelines and brand pages; the staff admin
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.simple_translation",  # "Translate" for brand pages (themes/README.md)
    "wagtail.locales",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    # Accounts
    "allauth",
    "allauth.account",
    "allauth.mfa",  # two-factor: authenticator apps, recovery codes, security keys, passkeys
    "allauth.socialaccount",  # LINE, Google, Apple, Yahoo! JAPAN, company SSO
    "allauth.socialaccount.providers.line",
    "allauth.socialaccount.providers.google",
    "allauth.socialaccount.providers.apple",
    "allauth.socialaccount.providers.openid_connect",  # Yahoo! JAPAN ID, company OIDC
    "allauth.socialaccount.providers.saml",  # company SAML 2.0 (sso/)
    # Django
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django_htmx",
    "csp",
    # The REST API: Django REST framework, its OpenAPI document, the docs page's assets
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Sodan's 404/403/500 pages with DEBUG on too (SODAN_OWN_ERROR_PAGES); first in the list,
    # so every other middleware's process_exception is asked before it.
    "themes.error_pages.OwnErrorPagesMiddleware",
    "community.middleware.RequestBodyLimitMiddleware",
    "community.db_router.ReadReplicaMiddleware",  # replicas: reads there, unless one just wrote
    "themes.middleware.BrandSiteMiddleware",  # brand domains: host → brand, never another's
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # django-csp's, with the settings' policy built once per process (community/middleware.py)
    "community.middleware.SettingsPolicyCSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "community.mfa.TwoFactorMiddleware",  # powers wait for two-factor (community/mfa.py)
    "sso.middleware.SignOnMiddleware",  # company sign-in: its provider in CSP, refusals
    "community.middleware.NulCharacterMiddleware",  # NUL in an address or query: 404/400
    "moderation.middleware.RateLimitMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "community.root_urls"
WSGI_APPLICATION = "community.wsgi.application"
AUTH_USER_MODEL = "community.User"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "themes" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "community.context_processors.site",
            ],
        },
    },
]

# --- Database --------------------------------------------------------------------------
# https://django-environ.readthedocs.io/en/latest/types.html#environ-env-db-url
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = env.bool("CONN_HEALTH_CHECKS", default=True)
    # Prepared statements: PostgreSQL plans a query once per connection instead of on
    # every request (planning the thread page's joins took longer than running them).
    # Needs parameters bound on the server. Set DATABASE_PREPARED_STATEMENTS=0 behind a
    # pooler in transaction mode (PgBouncer), which cannot keep statements per client.
    # https://docs.djangoproject.com/en/5.2/ref/databases/#server-side-parameters-binding
    if env.bool("DATABASE_PREPARED_STATEMENTS", default=True):
        DATABASES["default"].setdefault("OPTIONS", {}).update(
            server_side_binding=True, prepare_threshold=5
        )
    # Behind PgBouncer in transaction mode a server-side cursor (QuerySet.iterator) cannot
    # outlive its transaction: set DATABASE_DISABLE_SERVER_SIDE_CURSORS=1 there too.
    # https://docs.djangoproject.com/en/5.2/ref/databases/#transaction-pooling-server-side-cursors
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = env.bool(
        "DATABASE_DISABLE_SERVER_SIDE_CURSORS", default=False
    )
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # SQLite (`make demo`): concurrent writers wait their turn instead of answering 500
    # "database is locked". WAL lets pages read while one request writes; writers wait up to
    # SODAN_SQLITE_TIMEOUT seconds for the lock; transactions take the write lock when they
    # begin (IMMEDIATE), since a read-then-write transaction that finds another writer is
    # refused at once (no wait could help it); synchronous=NORMAL is safe in WAL mode.
    # https://docs.djangoproject.com/en/5.2/ref/databases/#sqlite-transaction-behavior
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        init_command="PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        timeout=env.float("SODAN_SQLITE_TIMEOUT", default=20.0),
        transaction_mode="IMMEDIATE",
    )
# Read replicas (community/db_router.py): PostgreSQL streaming replicas of the primary,
# comma-separated URLs. Requests read from one, writes and Celery tasks use the primary; a
# person who wrote reads from the primary for SODAN_READ_PRIMARY_SECONDS; an unreachable
# replica is skipped for SODAN_REPLICA_RETRY_SECONDS. Empty: everything on "default".
# https://docs.djangoproject.com/en/5.2/topics/db/multi-db/
DATABASE_REPLICA_URLS: list[str] = env.list("DATABASE_REPLICA_URLS", default=[])
SODAN_READ_PRIMARY_SECONDS: int = env.int("SODAN_READ_PRIMARY_SECONDS", default=5)
SODAN_REPLICA_RETRY_SECONDS: float = env.float("SODAN_REPLICA_RETRY_SECONDS", default=10.0)
SODAN_REPLICA_DATABASES: list[str] = []
for _number, _url in enumerate(DATABASE_REPLICA_URLS, start=1):
    _replica = env.db_url_config(_url)
    for _key in ("CONN_MAX_AGE", "CONN_HEALTH_CHECKS", "DISABLE_SERVER_SIDE_CURSORS"):
        if _key in DATABASES["default"]:
            _replica[_key] = DATABASES["default"][_key]
    _replica.setdefault("OPTIONS", {}).update(DATABASES["default"].get("OPTIONS", {}))
    # A replica that is down costs a request this long at most before the primary serves it.
    _replica["OPTIONS"]["connect_timeout"] = env.int("SODAN_REPLICA_CONNECT_TIMEOUT", default=2)
    # Tests use the primary's test database; nothing is created or flushed on a replica.
    _replica["TEST"] = {"MIRROR": "default"}
    DATABASES[f"replica{_number}"] = _replica
    SODAN_REPLICA_DATABASES.append(f"replica{_number}")
DATABASE_ROUTERS = ["community.db_router.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ------------------------------------------------------------------------------
# A real cache backend always: allauth's and Sodan's rate limits count in it.
# Local memory per process by default, Redis in production (CACHE_URL=redis://...).
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://sodan")}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    # Django's backend, sharing one Redis client instead of building one per call, and
    # answering as an empty cache while Redis is down or slow (community/cache.py): short
    # timeouts, so an outage costs each request a fraction of a second at most.
    CACHES["default"]["BACKEND"] = "community.cache.RedisCache"
    CACHES["default"].setdefault("OPTIONS", {}).update(
        socket_connect_timeout=env.float("SODAN_CACHE_CONNECT_TIMEOUT", default=0.25),
        socket_timeout=env.float("SODAN_CACHE_SOCKET_TIMEOUT", default=0.5),
    )
# After a failed call, skip Redis for this long before trying it again (per process).
SODAN_CACHE_RETRY_SECONDS: float = env.float("SODAN_CACHE_RETRY_SECONDS", default=5.0)
# Sessions are read from the cache and written through to the database: a signed-in
# page pays no query for its session (the database copy survives a cache flush), and a
# thread page reads it in the same cache round trip as the page (community/sessions.py).
SESSION_ENGINE = "community.sessions"

# --- Celery -----------------------------------------------------------------------------
# https://docs.celeryq.dev/en/stable/django/first-steps-with-django.html
CELERY_BROKER_URL: str = env.str("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER: bool = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not CELERY_BROKER_URL)
CELERY_TASK_EAGER_PROPAGATES = True
# A task is acknowledged once it ran, and handed back to the queue when its worker process
# dies, so a killed worker loses nothing; one task at a time per process holds no others.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Redis gives an unacknowledged task to another worker after this long: longer than the
# longest task (an outbox sweep stops after two minutes; reindexing is a resumable command).
SODAN_TASK_VISIBILITY_TIMEOUT: int = env.int("SODAN_TASK_VISIBILITY_TIMEOUT", default=900)
# Seconds to connect to the broker, and to wait for its answer: a request that publishes
# after commit never waits longer (outbox.publish), and tries once.
SODAN_BROKER_CONNECT_TIMEOUT: float = env.float("SODAN_BROKER_CONNECT_TIMEOUT", default=2.0)
SODAN_BROKER_SOCKET_TIMEOUT: float = env.float("SODAN_BROKER_SOCKET_TIMEOUT", default=10.0)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": SODAN_TASK_VISIBILITY_TIMEOUT,
    "socket_connect_timeout": SODAN_BROKER_CONNECT_TIMEOUT,
    "socket_timeout": SODAN_BROKER_SOCKET_TIMEOUT,
}
CELERY_BROKER_CONNECTION_TIMEOUT = SODAN_BROKER_CONNECT_TIMEOUT
# Workers wait for the broker for ever, from start-up on; publishers never retry (the
# outbox sweep delivers what a failed publish left).
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
CELERY_TASK_PUBLISH_RETRY = False
# The outbox (outbox/README.md): after a failed publish, requests skip publishing for this
# long; a message is given up (kept, shown as failed in the admin) after this many attempts.
SODAN_OUTBOX_BROKER_BACKOFF_SECONDS: int = env.int(
    "SODAN_OUTBOX_BROKER_BACKOFF_SECONDS", default=30
)
SODAN_OUTBOX_MAX_ATTEMPTS: int = env.int("SODAN_OUTBOX_MAX_ATTEMPTS", default=12)
SODAN_OUTBOX_SWEEP_SECONDS: int = env.int("SODAN_OUTBOX_SWEEP_SECONDS", default=30)
# A deliverer holds a message this long; a message held by a worker that died is delivered
# again by the sweep after it. Longer than any one delivery (mail and webhook timeouts).
SODAN_OUTBOX_LEASE_SECONDS: int = env.int("SODAN_OUTBOX_LEASE_SECONDS", default=300)
# Every task on a named queue, one worker pool per queue (deploy/; docs/deploy.md):
# email (notifications, e-mails, moderation notices and alerts), search (indexing),
# webhooks (brands' endpoints, slow or down at times, kept away from e-mail), default
# (periodic checks: response targets, domains). An outbox message's delivery is published
# on the queue of the task it runs (outbox.services; community.celery.queue_for); the
# outbox's own sweep and prune run on email. First match wins.
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ROUTES = {
    "community.tasks.*": {"queue": "email"},
    "outbox.tasks.*": {"queue": "email"},
    "search.tasks.*": {"queue": "search"},
    "moderation.tasks.crisis_alert_webhook": {"queue": "webhooks"},
    "moderation.tasks.crisis_check": {"queue": "default"},
    "moderation.tasks.*": {"queue": "email"},
    "cases.tasks.*": {"queue": "email"},
    "line.tasks.relay_deliver": {"queue": "webhooks"},  # a brand's own LINE tool
    "line.tasks.*": {"queue": "email"},  # LINE answers and pushes, like e-mails
    "legal.tasks.*": {"queue": "email"},
    "mailin.tasks.*": {"queue": "email"},
    "privacy.tasks.exports_expire": {"queue": "default"},
    "privacy.tasks.*": {"queue": "email"},
    "brands.feedback.tasks.deliver_webhook": {"queue": "webhooks"},
    "brands.feedback.tasks.*": {"queue": "email"},
    "integrations.tasks.*": {"queue": "webhooks"},
    "sso.tasks.*": {"queue": "default"},
    "brands.tasks.notify_*": {"queue": "email"},
    "brands.tasks.send_*": {"queue": "email"},
    "brands.tasks.*": {"queue": "default"},
    "themes.tasks.*": {"queue": "default"},
    "attachments.tasks.*": {"queue": "default"},
    "follows.tasks.follow_up_deliver": {"queue": "email"},
    "follows.tasks.followed_news_deliver": {"queue": "email"},
    "follows.tasks.*": {"queue": "default"},
}
# https://docs.celeryq.dev/en/stable/userguide/periodic-tasks.html
CELERY_BEAT_SCHEDULE: dict = {
    # Threads past their brand's response target alert its admins once (brands/tasks.py).
    "brands-response-targets": {
        "task": "brands.tasks.response_targets_check",
        "schedule": env.int("SODAN_RESPONSE_TARGET_CHECK_SECONDS", default=300),
    },
    # Retry search index changes that failed, and re-queue anything the index missed.
    "search-outbox-sweep": {"task": "search.tasks.outbox_sweep", "schedule": 60.0},
    "search-reconcile": {"task": "search.tasks.reconcile", "schedule": 3600.0},
    # Deliver outbox messages whose kick was lost, whose backoff passed or whose worker
    # died; forget delivered ones after a week.
    "outbox-sweep": {"task": "outbox.tasks.sweep", "schedule": float(SODAN_OUTBOX_SWEEP_SECONDS)},
    "outbox-prune": {"task": "outbox.tasks.prune", "schedule": 86400.0},
    # Brand powers end for whom a company's identity provider dropped (sso/README.md).
    "sso-links-check": {
        "task": "sso.tasks.sign_on_links_check",
        "schedule": env.float("SODAN_SSO_CHECK_SECONDS", default=3600.0),
    },
    # Crisis surges of the last hour; alerts nobody acknowledged go to the brand's admins.
    "moderation-crisis-check": {
        "task": "moderation.tasks.crisis_check",
        "schedule": env.int("SODAN_CRISIS_CHECK_SECONDS", default=300),
    },
    # Verify brands' pending domains; stop serving one whose DNS record was removed.
    "themes-domains-recheck": {"task": "themes.tasks.domains_recheck", "schedule": 3600.0},
    # Remove members' data exports once they expire (privacy/tasks.py).
    "privacy-exports-expire": {"task": "privacy.tasks.exports_expire", "schedule": 3600.0},
    # Remove stored attachment files no row names (a post whose transaction rolled back).
    "attachments-orphans-sweep": {"task": "attachments.tasks.orphans_sweep", "schedule": 3600.0},
    # Brands' scheduled report e-mails: each schedule sends once per finished period
    # (week, month, fiscal quarter or fiscal year, April to March; brands/tasks.py).
    "brands-report-emails": {
        "task": "brands.tasks.report_emails_send",
        "schedule": env.int("SODAN_REPORT_EMAILS_CHECK_SECONDS", default=3600),
    },
}
# "Is it solved?" follow-ups and silent threads for the inbox; news of new threads in
# followed products and brands, one message per person per pass (follows/README.md).
CELERY_BEAT_SCHEDULE["follows-follow-ups"] = {
    "task": "follows.tasks.follow_ups_send",
    "schedule": env.int("SODAN_FOLLOW_UP_CHECK_SECONDS", default=3600),
}
CELERY_BEAT_SCHEDULE["follows-followed-news"] = {
    "task": "follows.tasks.followed_news_send",
    "schedule": env.int("SODAN_FOLLOWED_NEWS_SECONDS", default=3600),
}
# Ask the asker (and the me-too people) this many days after a thread's first answer when
# none is accepted; mark it for the brand's inbox this many days after an unanswered
# question; one-click links work this many days.
SODAN_FOLLOW_UP_AFTER_DAYS: int = env.int("SODAN_FOLLOW_UP_AFTER_DAYS", default=3)
SODAN_FOLLOW_UP_SILENT_AFTER_DAYS: int = env.int("SODAN_FOLLOW_UP_SILENT_AFTER_DAYS", default=4)
SODAN_FOLLOW_UP_LINK_DAYS: int = env.int("SODAN_FOLLOW_UP_LINK_DAYS", default=30)
# Daily and weekly digests for those who chose one; each person, kind and period once
# (community/digests.py).
CELERY_BEAT_SCHEDULE["community-digests"] = {
    "task": "community.tasks.digests_send",
    "schedule": env.int("SODAN_DIGESTS_CHECK_SECONDS", default=3600),
}
# One-click unsubscribe links in e-mails (RFC 8058) work this many days; a mailbox that
# takes "unsubscribe <token>" requests, if any, is named in the List-Unsubscribe header too.
SODAN_UNSUBSCRIBE_LINK_DAYS: int = env.int("SODAN_UNSUBSCRIBE_LINK_DAYS", default=365)
SODAN_UNSUBSCRIBE_MAILTO: str = env.str("SODAN_UNSUBSCRIBE_MAILTO", default="")
CELERY_TIMEZONE = "UTC"
# Thread page views are tallied per process and added to the threads this often, for the
# brands' deflection report (qa/view_counts.py); 0 never adds them on its own.
SODAN_VIEW_COUNT_FLUSH_SECONDS: int = env.int("SODAN_VIEW_COUNT_FLUSH_SECONDS", default=60)

# --- LINE (line/README.md) ---------------------------------------------------------------
# https://developers.line.biz/en/reference/messaging-api/ . Each brand's channel secret and
# access token come from SODAN_LINE_<SLUG>_SECRET / _TOKEN (or its integrations page).
SODAN_LINE_API_BASE: str = env.str("SODAN_LINE_API_BASE", default="https://api.line.me")
SODAN_LINE_TIMEOUT_SECONDS: float = env.float("SODAN_LINE_TIMEOUT_SECONDS", default=5.0)
# A push LINE keeps refusing as busy (429) or failing (5xx) is given up after this many tries.
SODAN_LINE_PUSH_MAX_ATTEMPTS: int = env.int("SODAN_LINE_PUSH_MAX_ATTEMPTS", default=8)
# How long the chat's links (finish a question on the web, ask privately, link LINE) work.
SODAN_LINE_LINK_MAX_AGE_SECONDS: int = env.int(
    "SODAN_LINE_LINK_MAX_AGE_SECONDS", default=3 * 24 * 3600
)
# The chat's language for someone who has not linked an account (LINE does not say).
SODAN_LINE_LANGUAGE: str = env.str("SODAN_LINE_LANGUAGE", default="ja")

# --- E-mail -----------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL: str = env.str("DEFAULT_FROM_EMAIL", default="Sodan <noreply@sodan.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Mail in (mailin/README.md): replies to notifications and threads started by e-mail.
# Reply addresses are reply+<signed token>@SODAN_MAILIN_DOMAIN (empty: SITE_URL's host),
# signed with SODAN_MAILIN_SECRET (empty: derived from SECRET_KEY), valid this many days.
SODAN_MAILIN_DOMAIN: str = env.str("SODAN_MAILIN_DOMAIN", default="")
SODAN_MAILIN_SECRET: str = env.str("SODAN_MAILIN_SECRET", default="")
SODAN_MAILIN_TOKEN_MAX_AGE_DAYS: int = env.int("SODAN_MAILIN_TOKEN_MAX_AGE_DAYS", default=90)
# A thread started by e-mail waits this many days for its sender to open the confirmation
# link. Mail providers' inbound webhooks (django-anymail, mailin/README.md): Mailgun's
# webhook signing key switches its endpoint on; Postmark's needs the basic-auth
# "user:password" in SODAN_MAILIN_WEBHOOK_SECRET (also checked on Mailgun's when set).
SODAN_MAILIN_CONFIRM_DAYS: int = env.int("SODAN_MAILIN_CONFIRM_DAYS", default=7)
# The largest message the SMTP receiver (manage.py mailin_smtpd) takes, in bytes.
SODAN_MAILIN_MAX_BYTES: int = env.int("SODAN_MAILIN_MAX_BYTES", default=25 * 1024 * 1024)
ANYMAIL: dict = {
    "MAILGUN_WEBHOOK_SIGNING_KEY": env.str("SODAN_MAILIN_MAILGUN_SIGNING_KEY", default=""),
    "WEBHOOK_SECRET": env.str("SODAN_MAILIN_WEBHOOK_SECRET", default=""),
}

# --- Accounts (django-allauth) ----------------------------------------------------------
# https://docs.allauth.org/en/latest/account/configuration.html
# Django's and allauth's backends, which can load a reader's facts with their user row
# (community/auth_backends.py: a thread page from the cache costs one query).
AUTHENTICATION_BACKENDS = [
    "community.auth_backends.ModelBackend",
    "community.auth_backends.AuthenticationBackend",
]
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_ADAPTER = "community.adapters.AccountAdapter"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Sodan] "
# allauth's own rate limits (its defaults: sign-ins, failed attempts, resets, sign-ups per
# minute), switched off while the cache is unavailable so that signing in keeps working.
# Sodan's hourly sign-up limit per address is SODAN_SIGNUPS_PER_HOUR below.
ACCOUNT_RATE_LIMITS = AllauthRateLimits()
# Two-factor (https://docs.allauth.org/en/latest/mfa/configuration.html): optional for
# customers, required before brand roles, moderator appointments and staff powers work
# (community/mfa.py); the dangerous actions ask for it again.
SODAN_MFA_REQUIRED_FOR_POWERS: bool = env.bool("SODAN_MFA_REQUIRED_FOR_POWERS", default=True)
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_PASSKEY_LOGIN_ENABLED = True
MFA_TOTP_ISSUER: str = env.str("SODAN_MFA_TOTP_ISSUER", default="Sodan")
# Security keys on http://localhost while developing (browsers allow WebAuthn there only).
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN: bool = env.bool("SODAN_WEBAUTHN_INSECURE_ORIGIN", default=DEBUG)
# Company single sign-on per brand (sso/README.md). Powers of someone the company's provider
# has not vouched for (SAML, or OIDC without a refresh token) for this many hours end; the
# next sign-in through it gives them back. OIDC with a refresh token is asked each check.
SODAN_SSO_UNSEEN_HOURS: int = env.int("SODAN_SSO_UNSEEN_HOURS", default=24)
SODAN_SSO_HTTP_TIMEOUT: float = env.float("SODAN_SSO_HTTP_TIMEOUT", default=10.0)
# SAML addresses such as http://idp:8080 (no dot in the host), for private networks.
SODAN_SSO_ALLOW_SINGLE_LABEL_DOMAINS: bool = env.bool(
    "SODAN_SSO_ALLOW_SINGLE_LABEL_DOMAINS", default=False
)
# Social sign-in (https://docs.allauth.org/en/latest/socialaccount/configuration.html): each
# provider is on only when its keys are in the environment. An address that already has an
# account is never merged silently: the person logs in to that account and connects the
# provider there. An address the provider does not vouch for (LINE, often none at all) is
# asked for and confirmed by e-mail before the person takes part; disconnecting the last way
# in (no password, no confirmed address) is refused.
SOCIALACCOUNT_ADAPTER = "community.adapters.SocialAccountAdapter"
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = False
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_PROVIDERS: dict = {}
# allauth's SAML provider with its views (python3-saml, xmlsec) imported on first use (sso/saml/).
SOCIALACCOUNT_PROVIDERS["saml"] = {"provider_class": "sso.saml.provider.SAMLProvider"}
if env.str("SODAN_LINE_CHANNEL_ID", default=""):
    SOCIALACCOUNT_PROVIDERS["line"] = {
        "APPS": [
            {
                "client_id": env.str("SODAN_LINE_CHANNEL_ID"),
                "secret": env.str("SODAN_LINE_CHANNEL_SECRET", default=""),
            }
        ],
        "SCOPE": ["profile", "openid", "email"],
    }
if env.str("SODAN_GOOGLE_CLIENT_ID", default=""):
    SOCIALACCOUNT_PROVIDERS["google"] = {
        "APPS": [
            {
                "client_id": env.str("SODAN_GOOGLE_CLIENT_ID"),
                "secret": env.str("SODAN_GOOGLE_CLIENT_SECRET", default=""),
            }
        ],
        "SCOPE": ["profile", "email"],
    }
if env.str("SODAN_APPLE_SERVICE_ID", default=""):
    SOCIALACCOUNT_PROVIDERS["apple"] = {
        "APPS": [
            {
                "client_id": env.str("SODAN_APPLE_SERVICE_ID"),
                "secret": env.str("SODAN_APPLE_KEY_ID", default=""),
                "key": env.str("SODAN_APPLE_TEAM_ID", default=""),
                "settings": {"certificate_key": env.str("SODAN_APPLE_PRIVATE_KEY", default="")},
            }
        ]
    }
if env.str("SODAN_YAHOOJP_CLIENT_ID", default=""):
    # Yahoo! JAPAN ID speaks OpenID Connect: allauth's generic provider, named yahoojp.
    SOCIALACCOUNT_PROVIDERS["openid_connect"] = {
        "APPS": [
            {
                "provider_id": "yahoojp",
                "name": "Yahoo! JAPAN ID",
                "client_id": env.str("SODAN_YAHOOJP_CLIENT_ID"),
                "secret": env.str("SODAN_YAHOOJP_CLIENT_SECRET", default=""),
                "settings": {
                    "server_url": "https://auth.login.yahoo.co.jp/yconnect/v2",
                    "scope": ["openid", "profile", "email"],
                },
            }
        ]
    }
# Where the sign-in forms may send people: each switched-on provider's authorization page.
SOCIAL_SIGN_IN_ORIGINS: list[str] = [
    origin
    for key, origin in (
        ("line", "https://access.line.me"),
        ("google", "https://accounts.google.com"),
        ("apple", "https://appleid.apple.com"),
        ("openid_connect", "https://auth.login.yahoo.co.jp"),
    )
    if key in SOCIALACCOUNT_PROVIDERS
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Internationalisation ---------------------------------------------------------------
# The language follows the browser (Accept-Language) and can be switched (a cookie).
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("ja", _("Japanese"))]
LOCALE_PATHS = [BASE_DIR / "community" / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="Asia/Tokyo")
USE_I18N = True
USE_TZ = True

# --- Static and media -------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
ATTACHMENTS_STORAGE: str = env.str("ATTACHMENTS_STORAGE", default="")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Images people attach (attachments/README.md): under MEDIA_ROOT/attachments by default;
    # an S3-compatible bucket with ATTACHMENTS_STORAGE=storages.backends.s3.S3Storage and
    # django-storages' AWS_* variables (the "s3" extra). Served only by attachments.views.
    "attachments": (
        {"BACKEND": ATTACHMENTS_STORAGE}
        if ATTACHMENTS_STORAGE
        else {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(MEDIA_ROOT / "attachments")},
        }
    ),
    "staticfiles": {
        "BACKEND": env.str(
            "STATICFILES_STORAGE",
            default=(
                "django.contrib.staticfiles.storage.StaticFilesStorage"
                if DEBUG
                else "whitenoise.storage.CompressedManifestStaticFilesStorage"
            ),
        )
    },
}

# --- Wagtail ----------------------------------------------------------------------------
WAGTAIL_SITE_NAME = "Sodan"
# Wagtail's own localisation: a brand page's blocks in each language, translated pages at
# the same address (https://docs.wagtail.org/en/stable/advanced_topics/i18n.html).
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
WAGTAILADMIN_BASE_URL = SITE_URL
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["csv", "pdf", "txt"]
# Wagtail's own default, written out because of the line below: no HEIC.
WAGTAILIMAGES_EXTENSIONS = ["avif", "gif", "jpg", "jpeg", "png", "webp"]
# Wagtail's image library (Willow) registers pillow-heif's HEIC opener whenever the package
# is installed (Wagtail asks for it): about 5 MiB more in every web worker. Nothing here
# opens HEIC: Wagtail's uploads take the extensions above (Pillow reads AVIF itself) and
# attachments decode JPEG, PNG, GIF and WebP only (attachments/images.py). So the opener
# is not loaded: Willow imports it only if it can, and treats its absence as "no HEIC".
# Accepting HEIC one day means adding "heic" above and deleting this line (a test says so).
sys.modules.setdefault("pillow_heif", None)

# --- Security ---------------------------------------------------------------------------
# https://docs.djangoproject.com/en/5.2/howto/deployment/checklist/
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT: bool = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE: bool = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE: bool = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS: int = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS: bool = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD: bool = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# A form post that fails the CSRF check gets Sodan's own page, translated, with the way
# back to the form (where the person's draft waits); Django's reason goes to the log only.
CSRF_FAILURE_VIEW = "community.views.csrf_failure"

# Content-Security-Policy: no inline script anywhere on Sodan's pages; the few inline
# <style> blocks (a brand's accent colour) carry the per-request nonce.
# https://django-csp.readthedocs.io/en/latest/configuration.html
CONTENT_SECURITY_POLICY = {
    # Wagtail's and Django's admin pages rely on inline scripts of their own.
    "EXCLUDE_URL_PREFIXES": ["/admin/", "/django-admin/"],
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:", "https:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        # The installable app: its manifest and service worker come from this site only.
        "manifest-src": [SELF],
        "worker-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        # Social sign-in: the log-in form's POST redirects to the provider (LINE, Google, …).
        "form-action": [SELF, *SOCIAL_SIGN_IN_ORIGINS],
        "frame-ancestors": [NONE],
    },
}

# --- Sodan ------------------------------------------------------------------------------
# Sodan's own 404, 403 and 500 pages even with DEBUG on (the demo): off gives Django's debug
# pages back while developing (themes/error_pages.py).
SODAN_OWN_ERROR_PAGES: bool = env.bool("SODAN_OWN_ERROR_PAGES", default=True)
# HTML sanitizer engine: "nh3" (default, maintained) or "bleach" (unmaintained since
# 2026-06; selectable for sites that must keep it). See moderation/sanitize.py.
SANITIZER_ENGINE: str = env.str("SANITIZER_ENGINE", default="nh3")
# Limits users meet, named in the messages they see when they pass them.
SODAN_MAX_TITLE_CHARS: int = env.int("SODAN_MAX_TITLE_CHARS", default=200)
SODAN_MAX_BODY_CHARS: int = env.int("SODAN_MAX_BODY_CHARS", default=20_000)
SODAN_MAX_REQUEST_BYTES: int = env.int("SODAN_MAX_REQUEST_BYTES", default=512 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = SODAN_MAX_REQUEST_BYTES
SODAN_THREADS_PER_PAGE: int = env.int("SODAN_THREADS_PER_PAGE", default=20)
# A brand's whole list (no filter) of more threads than this is counted by the brand's kept
# count instead of by COUNT(*), which visits every listed thread (qa.selectors.brand_thread_page).
SODAN_BRAND_LIST_COUNTED_UP_TO: int = env.int("SODAN_BRAND_LIST_COUNTED_UP_TO", default=1000)
# Answers per page of a thread (qa/selectors.py thread_answer_page): page 1 leads with the
# accepted, official, verified and most helpful answers; later pages never repeat them.
SODAN_ANSWERS_PER_PAGE: int = env.int("SODAN_ANSWERS_PER_PAGE", default=30)
# Cache thread pages and brand thread lists, invalidated exactly by every change they show
# (community/page_cache.py, qa/thread_page.py); how long an unchanged page may stay.
SODAN_PAGE_CACHE: bool = env.bool("SODAN_PAGE_CACHE", default=True)
SODAN_PAGE_CACHE_SECONDS: int = env.int("SODAN_PAGE_CACHE_SECONDS", default=24 * 60 * 60)
# A page of at least this many answers keeps each answer's rendered block in the cache
# (qa/templatetags/answer_blocks.py), so a vote or a new answer renders one block again, not
# the page's every answer; on a page of fewer, reading the blocks costs more than rendering.
SODAN_ANSWER_BLOCKS_MIN_ANSWERS: int = env.int("SODAN_ANSWER_BLOCKS_MIN_ANSWERS", default=10)
# The release cached pages are keyed by, set by the deploy (a commit id, a version); empty:
# a hash of the code, templates and static files, computed once per process.
SODAN_RELEASE: str = env.str("SODAN_RELEASE", default="")
# The benchmark's floor (bench/floor.py): a bare view at /_bench/floor/, served only when
# `python -m bench` starts the server with this set. Never set it on a real site.
SODAN_BENCH_FLOOR: bool = env.bool("SODAN_BENCH_FLOOR", default=False)
# How brand domains are verified: a function name -> list of TXT strings (themes/dns.py).
SODAN_DNS_TXT_RESOLVER: str = env.str(
    "SODAN_DNS_TXT_RESOLVER", default="themes.dns.dnspython_txt_resolver"
)

# --- Privacy ----------------------------------------------------------------------------
# A member's data export can be downloaded for this many days, then it is removed.
SODAN_EXPORT_DAYS: int = env.int("SODAN_EXPORT_DAYS", default=7)
# A brand's admins have this many days to answer a customer's disclosure request.
SODAN_DISCLOSURE_DUE_DAYS: int = env.int("SODAN_DISCLOSURE_DUE_DAYS", default=30)

# --- Product feedback -------------------------------------------------------------------
# Outgoing webhooks (feedback/webhooks.py): seconds to wait for an endpoint's
# answer. Deliveries retry with growing pauses, five attempts in all.
SODAN_WEBHOOK_TIMEOUT_SECONDS: float = env.float("SODAN_WEBHOOK_TIMEOUT_SECONDS", default=5.0)
# Let webhooks go to http:// and to private or local addresses. For development and
# tests only: on a real site an admin could otherwise reach the machines behind it.
SODAN_WEBHOOKS_ALLOW_LOCAL: bool = env.bool("SODAN_WEBHOOKS_ALLOW_LOCAL", default=False)

# --- API --------------------------------------------------------------------------------
# /api/v1/ (api/README.md): personal access tokens and brand API keys as bearer tokens,
# the site's session (with CSRF) for the docs page; errors as RFC 9457 problem details.
# https://www.django-rest-framework.org/api-guide/settings/
REST_FRAMEWORK = {
    # The API's views set their own authentication, scopes, parsers and errors (api/views/
    # base.py): these defaults are shared with Wagtail's API views.
    "DEFAULT_SCHEMA_CLASS": "api.schema.ApiAutoSchema",
}
# Rows in one page of an API list (a client may ask for up to 100 with ?page_size=).
SODAN_API_PAGE_SIZE: int = env.int("SODAN_API_PAGE_SIZE", default=20)
# https://drf-spectacular.readthedocs.io/en/latest/settings.html
SPECTACULAR_SETTINGS = {
    "TITLE": "Sodan API",
    "DESCRIPTION": "Brands, threads, answers, feedback items, the rep inbox and notifications.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "PREPROCESSING_HOOKS": ["api.schema.only_v1"],
    "ENUM_NAME_OVERRIDES": {
        "ThreadStatusEnum": "qa.models.Thread.Status",
        "FeedbackStatusEnum": "feedback.models.FeedbackItem.Status",
    },
    # The docs page's scripts are served from this site (the CSP allows no other).
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}
# A personal access token lives at most this many days (a brand API key as long as its
# admin chose, or until revoked).
SODAN_API_TOKEN_MAX_DAYS: int = env.int("SODAN_API_TOKEN_MAX_DAYS", default=365)

# --- Search -----------------------------------------------------------------------------
# "database" (default: SQLite FTS5 or PostgreSQL full-text, by the database in use),
# "opensearch" or "elasticsearch" (search/README.md), or a backend's dotted path.
SEARCH_BACKEND: str = env.str("SEARCH_BACKEND", default="database")
# A search cluster's nodes, comma-separated (ELASTICSEARCH_URL, one node, is still read).
SEARCH_URLS: list[str] = env.list("SEARCH_URLS", default=[]) or env.list(
    "ELASTICSEARCH_URL", default=[]
)
SEARCH_INDEX: str = env.str("SEARCH_INDEX", default=env.str("ELASTICSEARCH_INDEX", "sodan-threads"))
# Shards and replicas of a new index: one replica in production, so a lost node loses no
# search; none by default on a developer's single node.
SEARCH_SHARDS: int = env.int("SEARCH_SHARDS", default=1)
SEARCH_REPLICAS: int = env.int("SEARCH_REPLICAS", default=0 if DEBUG else 1)
# Seconds a search or index request waits for a node before trying the next.
SEARCH_TIMEOUT: float = env.float("SEARCH_TIMEOUT", default=5.0)
# Apply index changes right after each commit (a Celery task); off only in bulk loaders.
SEARCH_INDEX_ON_COMMIT: bool = env.bool("SEARCH_INDEX_ON_COMMIT", default=True)
# A Unix socket where the app server's Japanese analyser listens (search/analyser.py): the
# master starts it before forking, so the workers carry no dictionary of their own. Empty
# (the default): each process analyses for itself (runserver, Celery, commands, tests).
SODAN_ANALYSER_SOCKET: str = env.str("SODAN_ANALYSER_SOCKET", default="")
# The semantic stage (search/semantic.py): a local embedding model re-ranks the best
# lexical results and fills in when they are few. Off, or with the model's package absent,
# search is lexical only. CPU threads per process for the model; the least cosine
# similarity a thread needs to be added where words found too little; at most this many
# vectors (a brand's newest threads) are compared for that.
SODAN_SEMANTIC_SEARCH: bool = env.bool("SODAN_SEMANTIC_SEARCH", default=True)
SODAN_SEMANTIC_THREADS: int = env.int("SODAN_SEMANTIC_THREADS", default=1)
SODAN_SEMANTIC_MIN_SIMILARITY: float = env.float("SODAN_SEMANTIC_MIN_SIMILARITY", default=0.8)
SODAN_SEMANTIC_FILL_MAX: int = env.int("SODAN_SEMANTIC_FILL_MAX", default=5_000)
# Brands whose newest vectors each process keeps in memory for that, the latest used
# (FILL_MAX x 384 x 4 bytes each: 7.7 MB at 5,000); 0 reads them from the table every time.
SODAN_SEMANTIC_MATRIX_BRANDS: int = env.int("SODAN_SEMANTIC_MATRIX_BRANDS", default=4)
# A query's vector: computed on a thread of its own while the database runs the lexical
# query (off: before it, in the request's thread), and waited for at most this long, after
# which words alone rank; the latest queries' vectors kept per process, and in the cache.
SODAN_SEMANTIC_OVERLAP: bool = env.bool("SODAN_SEMANTIC_OVERLAP", default=True)
SODAN_SEMANTIC_QUERY_TIMEOUT_MS: int = env.int("SODAN_SEMANTIC_QUERY_TIMEOUT_MS", default=200)
SODAN_SEMANTIC_QUERY_CACHE_SIZE: int = env.int("SODAN_SEMANTIC_QUERY_CACHE_SIZE", default=1_000)
SODAN_SEMANTIC_QUERY_CACHE_SECONDS: int = env.int(
    "SODAN_SEMANTIC_QUERY_CACHE_SECONDS", default=86_400
)

# --- Moderation -----------------------------------------------------------------------
# Open flags from distinct people that hide a post pending review (a moderator's flag
# hides at once).
SODAN_FLAGS_TO_HIDE: int = env.int("SODAN_FLAGS_TO_HIDE", default=3)
# Rate limits: action -> (count, seconds). Going over answers 429 with when to retry.
SODAN_RATE_LIMITS_ENABLED: bool = env.bool("SODAN_RATE_LIMITS_ENABLED", default=True)
SODAN_RATE_LIMITS: dict[str, tuple[int, int]] = {
    "post": (env.int("SODAN_POSTS_PER_HOUR", default=30), 3600),
    "vote": (env.int("SODAN_VOTES_PER_HOUR", default=200), 3600),
    "me_too": (env.int("SODAN_ME_TOOS_PER_HOUR", default=100), 3600),
    "flag": (env.int("SODAN_FLAGS_PER_HOUR", default=20), 3600),
    # Accounts made per client address, and searches per person (per address for visitors);
    # with the cache unavailable these two are not applied (moderation/ratelimit.py).
    "signup": (env.int("SODAN_SIGNUPS_PER_HOUR", default=10), 3600),
    "search": (env.int("SODAN_SEARCHES_PER_MINUTE", default=60), 60),
    # Removal requests per person (per client address for visitors) a day (legal/).
    "removal_request": (env.int("SODAN_REMOVAL_REQUESTS_PER_DAY", default=5), 86400),
    # Markdown previews per person (per address for visitors) a minute (qa preview).
    "preview": (env.int("SODAN_PREVIEWS_PER_MINUTE", default=30), 60),
    # Threads started by e-mail per sender address an hour (mailin/).
    "mail_thread": (env.int("SODAN_MAIL_THREADS_PER_HOUR", default=5), 3600),
}
# Attachments (attachments/README.md): per image, before re-encoding; images per post;
# pixels an image may decode to (decompression bombs stop here); the longest side kept.
SODAN_ATTACHMENT_MAX_BYTES: int = env.int("SODAN_ATTACHMENT_MAX_BYTES", default=10 * 1024 * 1024)
SODAN_ATTACHMENT_MAX_COUNT: int = env.int("SODAN_ATTACHMENT_MAX_COUNT", default=4)
SODAN_ATTACHMENT_MAX_PIXELS: int = env.int("SODAN_ATTACHMENT_MAX_PIXELS", default=40_000_000)
SODAN_ATTACHMENT_MAX_SIDE: int = env.int("SODAN_ATTACHMENT_MAX_SIDE", default=2560)
# Removal requests: the law's clock, in days from filing to the decision (legal/).
SODAN_REMOVAL_REQUEST_DAYS: int = env.int("SODAN_REMOVAL_REQUEST_DAYS", default=7)
# Crisis alerts (moderation/README.md): minutes before an alert nobody acknowledged goes
# to the brand's admins; a surge is at least the mean plus SIGMAS spreads of the product's
# hourly complaints over the last BASELINE_DAYS, and never fewer than FLOOR in an hour.
SODAN_CRISIS_ACK_MINUTES: int = env.int("SODAN_CRISIS_ACK_MINUTES", default=30)
SODAN_CRISIS_BASELINE_DAYS: int = env.int("SODAN_CRISIS_BASELINE_DAYS", default=14)
SODAN_CRISIS_SURGE_SIGMAS: float = env.float("SODAN_CRISIS_SURGE_SIGMAS", default=3.0)
SODAN_CRISIS_SURGE_FLOOR: int = env.int("SODAN_CRISIS_SURGE_FLOOR", default=10)
# New members: accounts younger than max_age_days with reputation under max_reputation.
SODAN_NEW_MEMBER: dict[str, int] = {
    "max_age_days": env.int("SODAN_NEW_MEMBER_DAYS", default=3),
    "max_reputation": env.int("SODAN_NEW_MEMBER_REPUTATION", default=10),
    "posts_per_hour": env.int("SODAN_NEW_MEMBER_POSTS_PER_HOUR", default=5),
    "links_per_post": env.int("SODAN_NEW_MEMBER_LINKS_PER_POST", default=2),
}
# Reputation per brand (reputation/README.md): points per event, the points each level
# starts at (level 1 lifts new-member limits in that brand, 2 weighs flags, 3 edits tags,
# 4 suggests edits), how much a level-2 flag counts, and the badges' milestones.
SODAN_REPUTATION_POINTS: dict[str, int] = {
    "helpful_vote": env.int("SODAN_REPUTATION_HELPFUL_VOTE", default=10),
    "accepted": env.int("SODAN_REPUTATION_ACCEPTED", default=15),
    "fixed_for_me": env.int("SODAN_REPUTATION_FIXED_FOR_ME", default=5),
    "verified": env.int("SODAN_REPUTATION_VERIFIED", default=25),
}
SODAN_REPUTATION_LEVELS: list[int] = [
    int(n) for n in env.list("SODAN_REPUTATION_LEVELS", default=["25", "100", "250", "500"])
]
SODAN_REPUTATION_FLAG_WEIGHT: int = env.int("SODAN_REPUTATION_FLAG_WEIGHT", default=2)
SODAN_REPUTATION_BADGES: dict[str, int] = {
    "first_accepted": 1,
    "ten_accepted": 10,
    "fifty_fixed": 50,
    "verified_expert": env.int("SODAN_REPUTATION_VERIFIED_EXPERT", default=5),
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # The search clients log every request at INFO; their failures are warnings.
        "opensearch": {"level": "WARNING"},
        "elastic_transport": {"level": "WARNING"},
    },
}
