"""The sign-in, sign-up and confirmation pages speak Sodan's words in Sodan's look, and a
new member who has not confirmed their address is told how to, and can ask for the e-mail
again."""

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from community.models import User

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-unusual-passphrase"


def _signup(client):
    return client.post(
        reverse("account_signup"),
        {
            "username": "aiko",
            "email": "aiko@customers.example",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
        follow=True,
    )


def test_the_log_in_page_says_log_in_as_the_header_does_in_the_sites_look(client):
    html = client.get(reverse("account_login")).content.decode()
    assert "<h1>Log in</h1>" in html
    assert "Sign In" not in html
    assert 'class="button button-accent"' in html  # the site's accent button, not a bare one
    assert "themes/accounts.css" in html and "themes/sodan.css" in html
    assert 'class="site-header' in html  # the site's header and footer around the form
    assert reverse("account_reset_password") in html


def test_the_sign_up_page_links_to_log_in_and_says_an_e_mail_follows(client):
    html = client.get(reverse("account_signup")).content.decode()
    assert "<h1>Sign up</h1>" in html
    assert "Sign Up" not in html
    assert "We send one e-mail to confirm your address" in html


def test_the_pages_are_translated(client):
    client.cookies["django_language"] = "ja"
    html = client.get(reverse("account_login"), HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert '<html lang="ja">' in html


def test_after_sign_up_the_page_says_to_check_the_e_mail_and_offers_to_send_it_again(
    client, settings
):
    settings.ACCOUNT_RATE_LIMITS = False  # the e-mail limit has its own test below
    mail.outbox.clear()
    response = _signup(client)
    html = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("account_email_verification_sent")
    assert "Check your e-mail" in html
    assert "not ask, answer, vote or flag" in html
    assert reverse("community:verification_resend") in html
    assert len(mail.outbox) == 1

    again = client.post(reverse("community:verification_resend"), follow=True)
    assert again.redirect_chain[-1][0] == reverse("account_email_verification_sent")
    assert len(mail.outbox) == 2
    assert mail.outbox[1].to == ["aiko@customers.example"]
    assert not EmailAddress.objects.get(user__username="aiko").verified


def test_asking_again_at_once_is_refused_by_the_e_mail_rate_limit(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {"confirm_email": "1/3m/key"}
    mail.outbox.clear()
    _signup(client)
    response = client.post(reverse("community:verification_resend"), follow=True)
    assert "wait a few minutes" in response.content.decode()
    assert len(mail.outbox) == 1


def test_without_a_pending_sign_up_the_resend_asks_to_log_in_and_sends_nothing(client):
    mail.outbox.clear()
    response = client.post(reverse("community:verification_resend"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("account_login")
    assert "if it is not confirmed yet, we send a new e-mail" in response.content.decode()
    assert mail.outbox == []


def test_an_unconfirmed_member_who_tries_to_ask_is_told_to_confirm(client, brand, unverified):
    client.force_login(unverified)
    response = client.post(
        reverse("qa:ask", args=[brand.slug]),
        {"type": "question", "title": "A question", "body": "Hello"},
    )
    assert response.status_code == 403
    assert "Confirm your e-mail address before you post" in response.content.decode()
    assert not User.objects.filter(threads__isnull=False, pk=unverified.pk).exists()
