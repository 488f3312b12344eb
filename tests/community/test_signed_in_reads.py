"""A signed-in reader's thread page from the cache: the CSRF token it carries, and who the
session's person is (an ended session reads the page everyone without one reads)."""

import datetime as dt
import re

import pytest
import time_machine
from django.conf import settings
from django.middleware.csrf import CSRF_ALLOWED_CHARS, _unmask_cipher_token
from django.test import RequestFactory
from django.utils import timezone

from community.csrf import masked_token
from tests.community.factories import UserFactory

pytestmark = pytest.mark.django_db

CACHE = "X-Sodan-Cache"


def _token(response) -> str:
    html = response.content.decode()
    tokens = set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html))
    tokens |= set(re.findall(r'"X-CSRFToken": "([^"]+)"', html))
    assert len(tokens) == 1, "one token, wherever the page holds it"
    return tokens.pop()


def _signed_in_hit(client, thread, reader):
    client.force_login(reader)
    client.get(thread.get_absolute_url())  # stores the shared rendering
    response = client.get(thread.get_absolute_url())
    assert response[CACHE] == "hit"
    return response


def test_each_page_carries_the_readers_secret_masked_afresh(client, thread, other_customer):
    first = _signed_in_hit(client, thread, other_customer)
    second = client.get(thread.get_absolute_url())
    secret = client.cookies[settings.CSRF_COOKIE_NAME].value
    tokens = [_token(first), _token(second)]
    assert tokens[0] != tokens[1]  # a new mask for every page (BREACH)
    for token in tokens:
        assert len(token) == 64 and set(token) <= set(CSRF_ALLOWED_CHARS)
        assert _unmask_cipher_token(token) == secret


def test_the_token_on_the_page_posts_and_a_forged_one_is_refused(client, thread, other_customer):
    token = _token(_signed_in_hit(client, thread, other_customer))
    client.handler.enforce_csrf_checks = True
    url = f"/t/{thread.pk}/-/answer/"
    forged = token[:32] + token[32:][::-1]
    refused = client.post(url, {"body": "Sent with a made-up token", "csrfmiddlewaretoken": forged})
    assert refused.status_code == 403
    answered = client.post(
        url, {"body": "Sent with the page's token", "csrfmiddlewaretoken": token}
    )
    assert answered.status_code == 302


def test_a_reader_without_a_csrf_cookie_gets_one_matching_the_page(client, thread, other_customer):
    client.force_login(other_customer)
    client.get(thread.get_absolute_url())
    client.cookies.pop(settings.CSRF_COOKIE_NAME, None)
    response = client.get(thread.get_absolute_url())
    assert response[CACHE] == "hit"
    cookie = response.cookies[settings.CSRF_COOKIE_NAME].value
    assert _unmask_cipher_token(_token(response)) == cookie


def test_the_csrf_cookie_is_renewed_with_each_page(client, thread, other_customer):
    """As Django does wherever a token is used: the browser's cookie lives a year from the
    last page that held one."""
    response = _signed_in_hit(client, thread, other_customer)
    cookie = response.cookies[settings.CSRF_COOKIE_NAME]
    assert cookie.value == client.cookies[settings.CSRF_COOKIE_NAME].value
    assert int(cookie["max-age"]) == settings.CSRF_COOKIE_AGE


def test_masks_are_drawn_from_the_whole_alphabet():
    request = RequestFactory().get("/")
    request.META["CSRF_COOKIE"] = "a" * 32
    masks = {masked_token(request)[:32] for _ in range(400)}
    assert len(masks) == 400
    assert set("".join(masks)) == set(CSRF_ALLOWED_CHARS)
    assert request.META["CSRF_COOKIE_NEEDS_UPDATE"] is True


# --- Who the session's person is --------------------------------------------------------------


def _names(response) -> str:
    return response.content.decode()


def test_an_expired_session_reads_the_signed_out_page(client, thread):
    reader = UserFactory(display_name="Ada Reader")
    client.force_login(reader)
    session = client.session
    session.set_expiry(60)
    session.save()
    client.get(thread.get_absolute_url())
    assert "Ada Reader" in _names(client.get(thread.get_absolute_url()))
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=2), tick=False):
        page = client.get(thread.get_absolute_url())
    assert page[CACHE] == "hit"
    assert "Ada Reader" not in _names(page)
    assert "Log in" in _names(page)


def test_a_session_signed_out_elsewhere_reads_the_signed_out_page(client, thread):
    """The browser still sends the cookie of a session that signing out has ended."""
    reader = UserFactory(display_name="Ada Reader")
    client.force_login(reader)
    client.get(thread.get_absolute_url())
    old_cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    client.logout()
    client.cookies[settings.SESSION_COOKIE_NAME] = old_cookie
    page = client.get(thread.get_absolute_url())
    assert page[CACHE] == "hit"
    assert "Ada Reader" not in _names(page)
    assert "Log in" in _names(page)


def test_the_session_of_an_account_that_is_gone_reads_the_signed_out_page(client, thread):
    reader = UserFactory(display_name="Ada Reader")
    client.force_login(reader)
    client.get(thread.get_absolute_url())
    reader.delete()
    page = client.get(thread.get_absolute_url())
    assert "Ada Reader" not in _names(page)
    assert "Log in" in _names(page)


def test_another_readers_session_shows_that_reader(client, thread):
    """Two people read the same page one after the other: each sees their own name (the
    facts query is compiled once and swaps in each person's id)."""
    for name in ("Ada Reader", "Ben Reader"):
        client.force_login(UserFactory(display_name=name))
        client.get(thread.get_absolute_url())
        html = _names(client.get(thread.get_absolute_url()))
        assert name in html
        assert ({"Ada Reader", "Ben Reader"} - {name}).pop() not in html
