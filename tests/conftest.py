import pytest

from tests.brands.factories import BrandFactory, ProductFactory
from tests.community.factories import UserFactory
from tests.qa.factories import AnswerFactory, ThreadFactory


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Hashing passwords with the production hasher dominates test time; tests don't need it."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_content_types():
    """Transactional tests flush the database and content types come back with new ids;
    Django's per-process content-type cache must not outlive that."""
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()


@pytest.fixture(autouse=True)
def _view_counts_in_memory(settings):
    """Page views stay tallied in memory (qa/view_counts.py): no thread of the test process
    writes to the database behind a test's back; the tests about them call flush()."""
    settings.SODAN_VIEW_COUNT_FLUSH_SECONDS = 0
    from qa import view_counts

    view_counts.discard()  # another test's views must not land on this test's threads


@pytest.fixture(autouse=True)
def _words_alone_in_search(settings):
    """The semantic stage (search/semantic.py) embeds every indexed thread on the CPU; the
    suite tests search by its words, and tests/search/test_semantic.py switches it on."""
    settings.SODAN_SEMANTIC_SEARCH = False


@pytest.fixture(autouse=True)
def _no_rate_limits(settings):
    """Factories post many times a second; rate-limit tests switch limits back on."""
    settings.SODAN_RATE_LIMITS_ENABLED = False


@pytest.fixture(autouse=True)
def _powers_without_two_factor(settings):
    """The suite signs reps, moderators and staff in with force_login everywhere; two-factor
    before powers (community/mfa.py) is switched on by the tests about it (`two_factor`
    fixture), so the rest of the suite tests its own rules, not that one."""
    settings.SODAN_MFA_REQUIRED_FOR_POWERS = False


@pytest.fixture
def two_factor(settings):
    """Powers need two-factor, as in production."""
    settings.SODAN_MFA_REQUIRED_FOR_POWERS = True


@pytest.fixture(autouse=True)
def _default_language(settings):
    """Each test starts in the site's default language: a request or a task that switched
    this thread to Japanese must not translate the next test's refusals."""
    from django.utils import translation

    with translation.override(settings.LANGUAGE_CODE):
        yield


@pytest.fixture(autouse=True)
def _isolated_cache(settings):
    """Each test starts with an empty cache, so rate limits never leak between tests."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def customer(db):
    return UserFactory(username="hana", display_name="Hana")


@pytest.fixture
def other_customer(db):
    return UserFactory(username="ken", display_name="Ken")


@pytest.fixture
def unverified(db):
    return UserFactory(username="newbie", verified=False)


@pytest.fixture
def brand(db):
    return BrandFactory(name="Hoshino Camera", slug="hoshino")


@pytest.fixture
def product(brand):
    return ProductFactory(brand=brand, name="Z5", slug="z5")


@pytest.fixture
def thread(customer, brand):
    return ThreadFactory(author=customer, brand=brand, title="Lens cap stuck after firmware 2.1")


@pytest.fixture
def answer(thread, other_customer):
    return AnswerFactory(thread=thread, author=other_customer)


@pytest.fixture
def login(client):
    """Log a user in on the test client and return the client."""

    def _login(user):
        client.force_login(user)
        return client

    return _login


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run what services enqueue with on_commit (Celery tasks, eager here) at block end,
    as a real commit would."""

    def _committed():
        return django_capture_on_commit_callbacks(execute=True)

    return _committed


@pytest.fixture
def redis_server():
    """A throwaway redis-server of this test's own (tests/servers.py): stop, start and
    restart it to see what Sodan does when Redis goes away."""
    from tests.servers import REDIS_SERVER, SKIP_REASON, RedisServer

    if REDIS_SERVER is None:
        pytest.skip(SKIP_REASON)
    with RedisServer() as server:
        yield server


@pytest.fixture
def cache_on_redis(settings, redis_server):
    """Sodan's cache backend (community.cache) on this test's own Redis; returns the server
    to stop and start. Changing settings.CACHES resets django.core.cache.caches (Django's
    setting_changed handler), so the backend is built anew on its next use. After a failure
    the backend skips Redis for SODAN_CACHE_RETRY_SECONDS, a fifth of a second here."""
    from community import page_cache

    settings.CACHES = {
        "default": {
            "BACKEND": "community.cache.RedisCache",
            "LOCATION": redis_server.url(),
            "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.5},
        }
    }
    settings.SODAN_PAGE_CACHE = True
    settings.SODAN_CACHE_RETRY_SECONDS = 0.2
    yield redis_server
    page_cache._unapplied_bumps.clear()
