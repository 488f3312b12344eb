"""Reads never depend on Redis: with the cache stopped, slow or back with old data, pages
come from the database, people sign in and post, and rate limits still hold.

Each test runs Sodan's cache on a redis-server of its own (tests/servers.py) and stops it:
the client meets real refused connections and real timeouts.
"""

import datetime as dt
import logging
import time

import pytest
import redis
from django.conf import settings
from django.utils import timezone

from community import cache as sodan_cache
from community import page_cache
from qa.models import Answer
from tests.community.factories import PASSWORD, UserFactory
from tests.qa.factories import AnswerFactory, ThreadFactory
from themes.services import site_pages_ensure

pytestmark = pytest.mark.django_db


@pytest.fixture
def redis_cache(cache_on_redis):
    return cache_on_redis


def _back(server):
    """Start Redis again and let this process's retry window pass."""
    server.start()
    _retry_window_passes()


def _retry_window_passes():
    time.sleep(settings.SODAN_CACHE_RETRY_SECONDS * 1.5)


def _established(user):
    """Not a new member: the general limits apply (30 posts an hour)."""
    user.date_joined = timezone.now() - dt.timedelta(days=30)
    user.reputation = 100
    user.save(update_fields=["date_joined", "reputation"])
    return user


# --- Reading -------------------------------------------------------------------------------


def test_anonymous_pages_come_from_the_database_while_redis_is_down(
    client, redis_cache, brand, thread
):
    site_pages_ensure()
    AnswerFactory(thread=thread, body="Hold the shutter button for ten seconds.")
    assert client.get(thread.get_absolute_url())["X-Sodan-Cache"] == "miss"
    redis_cache.stop()
    page = client.get(thread.get_absolute_url())
    assert page.status_code == 200
    assert b"Hold the shutter button" in page.content
    assert page["X-Sodan-Cache"] == "miss"  # rendered, not served from the cache
    for address in ("/b/hoshino/", "/brands/", "/search/?q=lens", "/"):
        response = client.get(address)
        assert response.status_code == 200, address
    assert b'value="lens"' in client.get("/search/?q=lens").content


def test_a_slow_redis_is_skipped_too(client, redis_cache, thread):
    client.get(thread.get_absolute_url())
    paused = redis.Redis.from_url(redis_cache.url())
    paused.execute_command("CLIENT", "PAUSE", 1500, "ALL")  # answers nothing for 1.5 s
    try:
        page = client.get(thread.get_absolute_url())
        assert page.status_code == 200
        assert b"Lens cap stuck" in page.content
        assert not sodan_cache.cache_available()
    finally:
        paused.execute_command("CLIENT", "UNPAUSE")


def test_one_warning_per_outage_not_one_per_call(client, redis_cache, thread, caplog):
    redis_cache.stop()
    with caplog.at_level(logging.INFO, logger="community.cache"):
        for _ in range(5):
            assert client.get(thread.get_absolute_url()).status_code == 200
        _retry_window_passes()  # Redis is still down
        assert client.get("/b/hoshino/").status_code == 200
    warnings = [
        r for r in caplog.records if r.name == "community.cache" and r.levelno >= logging.WARNING
    ]
    assert len(warnings) == 1
    assert "unavailable" in warnings[0].getMessage()
    _back(redis_cache)
    with caplog.at_level(logging.INFO, logger="community.cache"):
        assert client.get(thread.get_absolute_url()).status_code == 200
    assert any("answers again" in record.getMessage() for record in caplog.records)


# --- Signed-in people ----------------------------------------------------------------------


def test_a_signed_in_customer_reads_and_posts_while_redis_is_down(
    client, redis_cache, thread, other_customer
):
    client.force_login(other_customer)
    redis_cache.stop()
    page = client.get(thread.get_absolute_url())
    assert page.status_code == 200
    assert other_customer.display_name.encode() in page.content  # still signed in
    posted = client.post(f"/t/{thread.pk}/-/answer/", {"body": "Saved while the cache was away."})
    assert posted.status_code == 302
    answer = Answer.objects.get(body="Saved while the cache was away.")
    assert answer.author == other_customer
    assert b"Saved while the cache was away." in client.get(thread.get_absolute_url()).content


def test_signing_in_works_while_redis_is_down(client, redis_cache):
    member = UserFactory(username="aiko")
    redis_cache.stop()
    signed_in = client.post("/accounts/login/", {"login": "aiko", "password": PASSWORD})
    assert signed_in.status_code == 302
    assert client.get("/").wsgi_request.user == member


def test_signing_out_during_an_outage_holds_once_redis_returns_with_its_data(
    client, redis_cache, customer
):
    client.force_login(customer)
    session_cookie = client.cookies["sessionid"].value
    redis.Redis.from_url(redis_cache.url()).save()  # persistence: the session is on disk
    redis_cache.stop()
    client.post("/accounts/logout/")
    _back(redis_cache)
    client.cookies["sessionid"] = session_cookie  # someone kept the old cookie
    assert not client.get("/").wsgi_request.user.is_authenticated


# --- Rate limits ---------------------------------------------------------------------------


def test_the_posting_limit_holds_from_the_database_while_redis_is_down(
    client, settings, redis_cache, thread, other_customer
):
    _established(other_customer)
    for n in range(29):
        ThreadFactory(author=other_customer, brand=thread.brand, title=f"Question {n}")
    settings.SODAN_RATE_LIMITS_ENABLED = True
    client.force_login(other_customer)
    redis_cache.stop()
    thirtieth = client.post(f"/t/{thread.pk}/-/answer/", {"body": "The thirtieth post."})
    assert thirtieth.status_code == 302
    refused = client.post(f"/t/{thread.pk}/-/answer/", {"body": "The thirty-first post."})
    assert refused.status_code == 429
    assert "try again in" in refused.content.decode()
    assert not Answer.objects.filter(body="The thirty-first post.").exists()


# --- Invalidation across an outage ---------------------------------------------------------


def test_a_page_changed_during_an_outage_is_not_served_stale_when_redis_returns(
    client, redis_cache, thread, other_customer
):
    assert client.get(thread.get_absolute_url())["X-Sodan-Cache"] == "miss"
    assert client.get(thread.get_absolute_url())["X-Sodan-Cache"] == "hit"
    # Redis keeps its data on disk and restarts with it: the old page and its versions.
    redis.Redis.from_url(redis_cache.url()).save()
    redis_cache.stop()
    AnswerFactory(thread=thread, author=other_customer, body="Written during the outage.")
    _back(redis_cache)
    assert redis.Redis.from_url(redis_cache.url()).dbsize() > 0  # it did come back with data
    page = client.get(thread.get_absolute_url())
    assert b"Written during the outage." in page.content
    assert page["X-Sodan-Cache"] == "miss"
    again = client.get(thread.get_absolute_url())  # cached again
    assert again["X-Sodan-Cache"] == "hit"
    assert b"Written during the outage." in again.content


def test_invalidations_that_failed_are_replayed_before_the_cache_is_read(redis_cache, thread):
    redis_cache.stop()
    page_cache.thread_changed(thread.pk, brand_id=thread.brand_id)
    assert page_cache._unapplied_bumps  # kept in the process
    _back(redis_cache)
    assert page_cache.replay_unapplied_bumps()
    assert not page_cache._unapplied_bumps
