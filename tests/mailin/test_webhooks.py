"""The mail providers' inbound webhooks, through django-anymail: Mailgun (signed with the
webhook signing key) and Postmark (basic auth), with their documented payloads."""

import base64
import hashlib
import hmac
import json

import pytest
from django.urls import reverse

from mailin.addresses import reply_address
from mailin.models import InboundMessage
from qa.models import Answer

pytestmark = pytest.mark.django_db

SIGNING_KEY = "key-mailgun-signing-0123456789"
BASIC_AUTH = "sodan:inbound-secret"


@pytest.fixture(autouse=True)
def _providers(settings):
    settings.ANYMAIL = {"MAILGUN_WEBHOOK_SIGNING_KEY": SIGNING_KEY, "WEBHOOK_SECRET": ""}


def _mailgun_signature(timestamp: str, token: str, key: str = SIGNING_KEY) -> str:
    return hmac.new(key.encode(), f"{timestamp}{token}".encode(), hashlib.sha256).hexdigest()


def _mailgun_fields(raw: bytes, *, to: str, sender: str, key: str = SIGNING_KEY) -> dict:
    # Mailgun's forward() to a URL ending in "mime": the whole message in body-mime,
    # the envelope in sender/recipient, and the signature fields.
    timestamp, token = "1796300000", "a8ce0edb2dd8301dee6c2405235584e45aa91d1e9f979f3de0"
    return {
        "recipient": to,
        "sender": sender,
        "from": sender,
        "subject": "Re: Lens cap stuck after firmware 2.1",
        "body-mime": raw.decode("utf-8"),
        "timestamp": timestamp,
        "token": token,
        "signature": _mailgun_signature(timestamp, token, key),
    }


def test_a_signed_mailgun_post_becomes_an_answer(client, committed, eml, thread, other_customer):
    address = reply_address(other_customer, thread=thread)
    raw = eml("reply_webmail.eml", to=address, sender=other_customer.email)

    with committed():
        response = client.post(
            reverse("mailin:mailgun_inbound_mime"),
            _mailgun_fields(raw, to=address, sender=other_customer.email),
        )

    assert response.status_code == 200
    inbound = InboundMessage.objects.get()
    assert (inbound.source, inbound.provider, inbound.status) == ("webhook", "mailgun", "posted")
    assert Answer.objects.get(thread=thread).author == other_customer


def test_mailguns_fully_parsed_post_with_a_failed_spf_verdict_is_refused(
    client, committed, thread, other_customer
):
    address = reply_address(other_customer, thread=thread)
    timestamp, token = "1796300001", "b7c2f2b4f1e04d5e8a"
    headers = [
        ["X-Mailgun-Spf", "Fail"],
        ["X-Mailgun-Dkim-Check-Result", "Fail"],
        ["From", other_customer.email],
        ["To", address],
        ["Subject", "Re: Lens cap"],
        ["Message-Id", "<parsed-1@customers.example>"],
        ["Content-Type", "text/plain; charset=utf-8"],
    ]
    fields = {
        "recipient": address,
        "sender": other_customer.email,
        "from": other_customer.email,
        "subject": "Re: Lens cap",
        "body-plain": "It worked after the update.",
        "stripped-text": "It worked after the update.",
        "message-headers": json.dumps(headers),
        "timestamp": timestamp,
        "token": token,
        "signature": _mailgun_signature(timestamp, token),
    }

    with committed():
        assert client.post(reverse("mailin:mailgun_inbound"), fields).status_code == 200

    inbound = InboundMessage.objects.get()
    assert inbound.reason == InboundMessage.Reason.AUTH_FAILED
    assert not Answer.objects.filter(thread=thread).exists()


def test_a_mailgun_post_with_a_bad_signature_is_refused_and_nothing_kept(
    client, eml, thread, other_customer
):
    address = reply_address(other_customer, thread=thread)
    raw = eml("reply_webmail.eml", to=address, sender=other_customer.email)
    fields = _mailgun_fields(raw, to=address, sender=other_customer.email, key="someone-else")

    response = client.post(reverse("mailin:mailgun_inbound_mime"), fields)

    assert response.status_code == 400
    assert not InboundMessage.objects.exists()


def _postmark_payload(*, to: str, sender: str) -> dict:
    # Postmark's inbound webhook JSON, as its documentation shows it.
    return {
        "FromName": "Ken",
        "MessageStream": "inbound",
        "From": sender,
        "FromFull": {"Email": sender, "Name": "Ken", "MailboxHash": ""},
        "To": to,
        "ToFull": [{"Email": to, "Name": "", "MailboxHash": to.split("@")[0].split("+")[1]}],
        "Cc": "",
        "CcFull": [],
        "Bcc": "",
        "BccFull": [],
        "OriginalRecipient": to,
        "Subject": "Re: Lens cap stuck after firmware 2.1",
        "MessageID": "73e6d360-66eb-11e1-8e72-a8904824019b",
        "ReplyTo": "",
        "MailboxHash": to.split("@")[0].split("+")[1],
        "Date": "Thu, 3 Dec 2026 10:05:00 +0900",
        "TextBody": "The 2.2 update fixed it for me.\n\nOn Thu, Dec 3, 2026, Sodan wrote:\n> …",
        "HtmlBody": "<p>The 2.2 update fixed it for me.</p>",
        "StrippedTextReply": "The 2.2 update fixed it for me.",
        "Tag": "",
        "Headers": [
            {"Name": "X-Spam-Status", "Value": "No"},
            {"Name": "Received-SPF", "Value": "Pass (sender SPF authorized) identity=mailfrom"},
            {"Name": "Message-ID", "Value": "<pm-reply-1@customers.example>"},
        ],
        "Attachments": [],
    }


def test_a_postmark_post_with_basic_auth_becomes_an_answer(
    client, committed, settings, thread, other_customer
):
    settings.ANYMAIL = {**settings.ANYMAIL, "WEBHOOK_SECRET": BASIC_AUTH}
    address = reply_address(other_customer, thread=thread)
    auth = "Basic " + base64.b64encode(BASIC_AUTH.encode()).decode()

    with committed():
        response = client.post(
            reverse("mailin:postmark_inbound"),
            json.dumps(_postmark_payload(to=address, sender=other_customer.email)),
            content_type="application/json",
            HTTP_AUTHORIZATION=auth,
        )

    assert response.status_code == 200
    inbound = InboundMessage.objects.get()
    assert (inbound.provider, inbound.status) == ("postmark", "posted")
    assert inbound.message_id == "<pm-reply-1@customers.example>"
    assert Answer.objects.get(thread=thread).body == "The 2.2 update fixed it for me."


def test_a_postmark_post_without_the_password_is_refused(client, settings, thread, other_customer):
    settings.ANYMAIL = {**settings.ANYMAIL, "WEBHOOK_SECRET": BASIC_AUTH}
    address = reply_address(other_customer, thread=thread)

    response = client.post(
        reverse("mailin:postmark_inbound"),
        json.dumps(_postmark_payload(to=address, sender=other_customer.email)),
        content_type="application/json",
        HTTP_AUTHORIZATION="Basic " + base64.b64encode(b"sodan:guess").decode(),
    )

    assert response.status_code == 400
    assert not InboundMessage.objects.exists()


def test_an_unconfigured_provider_has_no_endpoint(client, settings):
    settings.ANYMAIL = {"MAILGUN_WEBHOOK_SIGNING_KEY": "", "WEBHOOK_SECRET": ""}

    assert (
        client.post(reverse("mailin:postmark_inbound"), "{}", "application/json").status_code == 404
    )
    assert client.post(reverse("mailin:mailgun_inbound"), {}).status_code == 404
