"""Everything Sodan holds about one person, as sections of plain rows, and the zip that
carries them: one JSON file per section (machine-readable) and one HTML page per section
with an index.html linking them (readable in any browser, offline).

A section is a list of dicts of JSON values. Secrets are never written: password hashes,
token hashes, the brands' private notes (the "What brands keep about me" page names the
brands that hold them, and the disclosure request asks for them).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import models
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from .models import DisclosureRequest, SocialAccount

# Columns no export carries: they are secrets, not data about the person.
SECRET_FIELDS = frozenset({"password", "token_hash", "token", "secret"})


def _value(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, str | int | float | bool | list | dict) or value is None:
        return value
    return str(value)


def rows(queryset: Iterable[models.Model], *, extra: Callable | None = None) -> list[dict]:
    """Each row's concrete columns (foreign keys as ids), secrets left out."""
    found = []
    for row in queryset:
        item = {}
        for field in row._meta.concrete_fields:
            if field.name in SECRET_FIELDS:
                continue
            item[field.attname] = _value(getattr(row, field.attname))
        if extra is not None:
            item.update(extra(row))
        found.append(item)
    return found


@dataclass(frozen=True)
class Section:
    slug: str
    title: Any
    rows: list[dict]


def _model(label: str) -> type[models.Model] | None:
    try:
        return apps.get_model(label)
    except LookupError:
        return None


def sections(user: Any) -> list[Section]:
    """The person's data, section by section, in the order of the index."""
    from allauth.account.models import EmailAddress

    from cases.models import Case, CaseMessage
    from community.models import Notification
    from feedback.models import FeedbackEmailOptOut
    from moderation.models import Appeal, Flag, Sanction
    from qa.models import Answer, HelpfulVote, MeToo, Revision, Thread, ThreadSubscription

    profile = rows(
        [user],
        extra=lambda u: {"public_name": u.public_name, "profile_url": u.get_absolute_url()},
    )
    providers: list[dict] = []
    social_login = _model("socialaccount.SocialAccount")
    if social_login is not None:
        providers = [
            {
                "provider": account.provider,
                "uid": account.uid,
                "date_joined": _value(account.date_joined),
            }
            for account in social_login.objects.filter(user=user).order_by("pk")
        ]
    two_factor: list[dict] = []
    authenticator = _model("mfa.Authenticator")
    if authenticator is not None:
        # Which methods, and when; never their secrets.
        two_factor = [
            {"type": row.type, "created_at": _value(row.created_at)}
            for row in authenticator.objects.filter(user=user).order_by("pk")
        ]
    cases = list(Case.objects.filter(customer=user).order_by("pk"))
    consents = [
        {
            "email_notifications": user.email_notifications,
            "language": user.language,
            "feedback_emails_stopped": FeedbackEmailOptOut.objects.filter(user=user).exists(),
        }
    ]
    found = [
        Section("profile", _("Profile"), profile),
        Section(
            "email_addresses",
            _("E-mail addresses"),
            rows(EmailAddress.objects.filter(user=user).order_by("pk")),
        ),
        Section("sign_in_providers", _("Sign-in providers"), providers),
        Section("two_factor", _("Two-factor methods"), two_factor),
        Section(
            "social_accounts",
            _("Social accounts"),
            rows(SocialAccount.objects.filter(user=user).order_by("kind")),
        ),
        Section("consents", _("Consents and preferences"), consents),
        Section(
            "threads",
            _("Threads"),
            rows(Thread.objects.filter(author=user).order_by("pk"), extra=_url),
        ),
        Section(
            "answers",
            _("Answers"),
            rows(Answer.objects.filter(author=user).order_by("pk"), extra=_url),
        ),
        Section(
            "revisions", _("Revisions"), rows(Revision.objects.filter(editor=user).order_by("pk"))
        ),
        Section(
            "votes", _("Helpful votes"), rows(HelpfulVote.objects.filter(user=user).order_by("pk"))
        ),
        Section("me_toos", _("Me too"), rows(MeToo.objects.filter(user=user).order_by("pk"))),
        Section(
            "subscriptions",
            _("Followed threads"),
            rows(ThreadSubscription.objects.filter(user=user).order_by("pk")),
        ),
        Section(
            "notifications",
            _("Notifications"),
            rows(Notification.objects.filter(recipient=user).order_by("pk")),
        ),
        Section("private_cases", _("Private cases"), rows(cases)),
        Section(
            "private_case_messages",
            _("Private case messages"),
            rows(CaseMessage.objects.filter(case__in=cases).order_by("case_id", "pk")),
        ),
        Section(
            "flags", _("Flags you filed"), rows(Flag.objects.filter(flagger=user).order_by("pk"))
        ),
        Section(
            "sanctions",
            _("Sanctions about you"),
            rows(Sanction.objects.filter(user=user).order_by("pk")),
        ),
        Section("appeals", _("Appeals"), rows(Appeal.objects.filter(author=user).order_by("pk"))),
        Section(
            "disclosure_requests",
            _("Disclosure requests to brands"),
            rows(DisclosureRequest.objects.filter(requester=user).order_by("pk")),
        ),
    ]
    return found


def _url(post: Any) -> dict:
    return {"url": post.get_absolute_url()}


def build_zip(user: Any, *, generated_at: dt.datetime) -> bytes:
    """The zip: `json/<section>.json`, `html/<section>.html` and `index.html`."""
    found = sections(user)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for section in found:
            archive.writestr(
                f"json/{section.slug}.json",
                json.dumps(section.rows, ensure_ascii=False, indent=2, sort_keys=True),
            )
            columns = sorted({key for row in section.rows for key in row})
            archive.writestr(
                f"html/{section.slug}.html",
                render_to_string(
                    "privacy/export/section.html",
                    {
                        "section": section,
                        "columns": columns,
                        "table": [[row.get(c, "") for c in columns] for row in section.rows],
                    },
                ),
            )
        archive.writestr(
            "index.html",
            render_to_string(
                "privacy/export/index.html",
                {"person": user, "sections": found, "generated_at": generated_at},
            ),
        )
    return buffer.getvalue()
