"""Accounts end to end through allauth: sign up, verify by the e-mailed link, post."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from community.models import User
from qa.models import Thread

pytestmark = pytest.mark.django_db


def _signup(client, **extra):
    data = {
        "username": "aiko",
        "email": "aiko@customers.example",
        "password1": "a-long-unusual-passphrase",
        "password2": "a-long-unusual-passphrase",
        **extra,
    }
    return client.post(reverse("account_signup"), data)


def test_signup_sends_a_verification_link_and_verifying_lets_you_post(client, brand):
    mail.outbox.clear()
    response = _signup(client)
    assert response.status_code == 302
    user = User.objects.get(username="aiko")
    assert not EmailAddress.objects.get(user=user).verified
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^\s]+/accounts/confirm-email/[^\s]+", mail.outbox[0].body)
    assert link, mail.outbox[0].body
    path = "/" + link.group(0).split("/", 3)[3]

    # Unverified: cannot log in yet (mandatory verification), so cannot post.
    login = client.post(
        reverse("account_login"),
        {"login": "aiko", "password": "a-long-unusual-passphrase"},
    )
    assert "confirm-email" in login["Location"] or login.status_code == 302
    assert client.get(reverse("qa:ask", args=[brand.slug])).status_code in (302, 403)

    assert client.get(path).status_code == 200
    confirmed = client.post(path)
    assert confirmed.status_code == 302
    assert EmailAddress.objects.get(user=user).verified

    response = client.post(
        reverse("qa:ask", args=[brand.slug]),
        {"type": "question", "title": "First question", "body": "Hello!"},
    )
    assert response.status_code == 302
    assert Thread.objects.get().author == user


def test_signup_with_errors_comes_back_filled_in(client):
    response = _signup(client, password2="something-else-entirely")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="aiko@customers.example"' in html
    assert not User.objects.filter(username="aiko").exists()


def test_duplicate_email_creates_no_second_account_and_warns_the_owner(client, customer):
    """allauth does not reveal that an address is taken (no account enumeration): the
    sign-up looks the same, nothing is created, and the address's owner is told."""
    mail.outbox.clear()
    _signup(client, email=customer.email)
    assert User.objects.filter(email=customer.email).count() == 1
    assert not User.objects.filter(username="aiko").exists()
    assert mail.outbox[0].to == [customer.email]


def test_password_reset_sends_an_email(client, customer):
    mail.outbox.clear()
    response = client.post(reverse("account_reset_password"), {"email": customer.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "/accounts/password/reset/key/" in mail.outbox[0].body


def test_login_and_logout(client, customer):
    from tests.community.factories import PASSWORD

    response = client.post(reverse("account_login"), {"login": "hana", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("community:notifications")).status_code == 200
    client.post(reverse("account_logout"))
    assert client.get(reverse("community:notifications")).status_code == 302


def test_login_is_rate_limited_in_a_real_cache(client, customer, settings):
    assert "dummy" not in settings.CACHES["default"]["BACKEND"].lower()
    for _ in range(12):
        response = client.post(reverse("account_login"), {"login": "hana", "password": "wrong"})
    assert response.status_code in (200, 429)
    assert b"Too many" in response.content or response.status_code == 429


@pytest.mark.parametrize(
    "username", ["aya", "aya.k+mobile@home", "星野-ひかり_2", "~erased-41", "%20", "a;b"]
)
def test_a_pages_profile_addresses_are_the_ones_each_person_links_to(username):
    """The thread page's answers and structured data make profile addresses from one
    reverse; each is the address the person's own link gives, quoting included."""
    from community.models import profile_url_maker

    assert profile_url_maker()(username) == User(username=username).get_absolute_url()
