"""Rate limits on sign-ups and searches, and every limit with the cache unavailable."""

import logging

import pytest
from django.test import Client
from django.urls import reverse

from community.models import User
from moderation import services
from moderation.ratelimit import RateLimited
from qa import services as qa_services
from qa.models import Answer
from tests.community.factories import UserFactory
from tests.qa.factories import AnswerFactory, ThreadFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def limits(settings):
    """Limits on, with `limits.set(action, count, seconds)` to tighten one."""
    settings.SODAN_RATE_LIMITS_ENABLED = True

    class Limits:
        @staticmethod
        def set(action, count, seconds=3600):
            settings.SODAN_RATE_LIMITS = {**settings.SODAN_RATE_LIMITS, action: (count, seconds)}

    return Limits


def _signup(username, address="203.0.113.5"):
    data = {
        "email": f"{username}@customers.example",
        "username": username,
        "password1": "a-long-unusual-passphrase",
        "password2": "a-long-unusual-passphrase",
    }
    return Client(REMOTE_ADDR=address).post(reverse("account_signup"), data)


# --- Sign-ups ------------------------------------------------------------------------------


def test_accounts_made_from_one_address_are_limited_per_hour(limits):
    limits.set("signup", 2)
    assert _signup("aiko").status_code == 302
    assert _signup("ben").status_code == 302
    refused = _signup("chika")
    assert refused.status_code == 429
    html = refused.content.decode()
    assert "Too many accounts were made from your network" in html
    assert "try again in" in html
    assert 0 < int(refused["Retry-After"]) <= 3600
    assert '<html lang="en">' in html  # the site's own page
    assert not User.objects.filter(username="chika").exists()
    # Another address is not held back by this one.
    assert _signup("chika", address="198.51.100.7").status_code == 302


def test_a_sign_up_with_mistakes_uses_up_nothing(limits):
    limits.set("signup", 1)
    data = {"email": "x@customers.example", "username": "x", "password1": "a", "password2": "b"}
    assert (
        Client(REMOTE_ADDR="203.0.113.5").post(reverse("account_signup"), data).status_code == 200
    )
    assert _signup("aiko").status_code == 302


def test_the_signup_limit_is_on_by_default(settings):
    count, seconds = settings.SODAN_RATE_LIMITS["signup"]
    assert (count, seconds) == (10, 3600)
    assert settings.SODAN_RATE_LIMITS["search"] == (60, 60)


# --- Searches ------------------------------------------------------------------------------


def test_searches_by_a_visitor_are_limited_per_address(client, limits, thread):
    limits.set("search", 2, 60)
    for _ in range(2):
        assert client.get("/search/?q=lens").status_code == 200
    refused = client.get("/search/?q=lens+cap")
    assert refused.status_code == 429
    html = refused.content.decode()
    assert "You are searching faster than the community allows" in html
    assert "try again in" in html
    assert 'value="lens cap"' in html  # the search box keeps the query
    assert 0 < int(refused["Retry-After"]) <= 60
    # The empty search page is not a search.
    assert client.get("/search/").status_code == 200
    # Another address has its own allowance.
    assert Client(REMOTE_ADDR="198.51.100.7").get("/search/?q=lens").status_code == 200


def test_signed_in_people_each_have_their_own_search_allowance(
    client, limits, customer, other_customer
):
    limits.set("search", 1, 60)
    client.force_login(customer)
    assert client.get("/search/?q=lens").status_code == 200
    assert client.get("/search/?q=lens").status_code == 429
    client.force_login(other_customer)  # same address, another person
    assert client.get("/search/?q=lens").status_code == 200
    client.logout()  # the address itself was not counted by the people on it
    assert client.get("/search/?q=lens").status_code == 200


def test_the_search_refusal_is_translated(client, limits):
    limits.set("search", 1, 60)
    client.get("/search/?q=a", HTTP_ACCEPT_LANGUAGE="ja")
    refused = client.get("/search/?q=a", HTTP_ACCEPT_LANGUAGE="ja")
    assert refused.status_code == 429
    assert '<html lang="ja">' in refused.content.decode()


# --- With the cache unavailable ------------------------------------------------------------


def _established(user):
    import datetime as dt

    from django.utils import timezone

    user.date_joined = timezone.now() - dt.timedelta(days=30)
    user.reputation = 100
    user.save(update_fields=["date_joined", "reputation"])
    return user


def test_posts_are_counted_from_the_database_when_the_cache_is_down(
    cache_on_redis, limits, thread, other_customer
):
    limits.set("post", 3)
    _established(other_customer)
    ThreadFactory(author=other_customer, brand=thread.brand)
    AnswerFactory(thread=thread, author=other_customer)
    cache_on_redis.stop()
    qa_services.answer_create(author=other_customer, thread=thread, body="Third, allowed.")
    with pytest.raises(RateLimited) as limited:
        qa_services.answer_create(author=other_customer, thread=thread, body="Fourth.")
    assert 3500 < limited.value.retry_after <= 3601  # when the first leaves the hour
    assert not Answer.objects.filter(body="Fourth.").exists()


def test_new_members_tighter_limit_holds_from_the_database(
    cache_on_redis, limits, settings, thread, other_customer
):
    settings.SODAN_NEW_MEMBER = {**settings.SODAN_NEW_MEMBER, "posts_per_hour": 1}
    cache_on_redis.stop()
    qa_services.answer_create(author=other_customer, thread=thread, body="First.")
    with pytest.raises(RateLimited):
        qa_services.answer_create(author=other_customer, thread=thread, body="Second.")


def test_votes_me_toos_and_flags_are_counted_from_the_database(
    cache_on_redis, limits, brand, customer
):
    limits.set("vote", 1)
    limits.set("me_too", 1)
    limits.set("flag", 1)
    answers = AnswerFactory.create_batch(2, thread__brand=brand)
    threads = [answer.thread for answer in answers]
    cache_on_redis.stop()
    qa_services.answer_vote_toggle(user=customer, answer=answers[0])
    with pytest.raises(RateLimited):
        qa_services.answer_vote_toggle(user=customer, answer=answers[1])
    qa_services.thread_me_too_toggle(user=customer, thread=threads[0])
    with pytest.raises(RateLimited):
        qa_services.thread_me_too_toggle(user=customer, thread=threads[1])
    services.flag_create(flagger=customer, thread=threads[0], reason="spam")
    with pytest.raises(RateLimited):
        services.flag_create(flagger=customer, thread=threads[1], reason="spam")


def test_searches_and_sign_ups_go_through_with_a_warning_when_the_cache_is_down(
    client, cache_on_redis, limits, caplog
):
    limits.set("search", 1, 60)
    limits.set("signup", 1)
    cache_on_redis.stop()
    with caplog.at_level(logging.WARNING, logger="moderation.ratelimit"):
        for _ in range(3):
            assert client.get("/search/?q=lens").status_code == 200
        assert _signup("aiko").status_code == 302
        assert _signup("ben").status_code == 302
    messages = [record.getMessage() for record in caplog.records]
    assert "search rate limit not applied: the cache is unavailable" in messages
    assert "signup rate limit not applied: the cache is unavailable" in messages


def test_limits_count_in_redis_when_it_is_up(cache_on_redis, limits, thread, other_customer):
    limits.set("post", 1)
    _established(other_customer)
    qa_services.answer_create(author=other_customer, thread=thread, body="Counted in Redis.")
    Answer.objects.all().delete()  # the database forgets; the cache's count stands
    with pytest.raises(RateLimited):
        qa_services.answer_create(author=other_customer, thread=thread, body="Second.")


def test_staff_have_no_limits(limits, thread):
    limits.set("post", 1)
    staff = UserFactory(is_staff=True)
    for n in range(3):
        qa_services.answer_create(author=staff, thread=thread, body=f"Staff answer {n}")
