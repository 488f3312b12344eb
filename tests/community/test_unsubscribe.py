import pytest
from django.core import mail, signing
from django.urls import reverse

from community.consent import Topic, consent_allows, unsubscribe_token
from community.models import Notification, NotificationConsent
from community.services import notification_deliver

pytestmark = pytest.mark.django_db


def _answer_mail(customer, thread, key="a1"):
    mail.outbox.clear()
    notification_deliver(
        recipients=[customer],
        kind=Notification.Kind.ANSWER_POSTED,
        dedupe_key=key,
        actor=None,
        thread=thread,
        context={"answer": None},
    )
    (message,) = mail.outbox
    return message


def _link_of(message):
    return message.extra_headers["List-Unsubscribe"].split(",")[0].strip("<> ")


def test_the_rfc_8058_headers_name_a_link_for_this_topic(customer, thread, settings):
    settings.SODAN_UNSUBSCRIBE_MAILTO = "unsubscribe@sodan.example"
    message = _answer_mail(customer, thread)
    header = message.extra_headers["List-Unsubscribe"]
    assert header.startswith("<https://") or header.startswith("<http://")
    assert "/unsubscribe/" in header
    assert "<mailto:unsubscribe@sodan.example?subject=unsubscribe%20" in header
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_one_click_post_turns_the_topic_off_without_logging_in(customer, thread, client):
    client.handler.enforce_csrf_checks = True
    link = _link_of(_answer_mail(customer, thread))
    path = link.split("://", 1)[1].split("/", 1)[1]
    response = client.post(
        "/" + path,
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert not consent_allows(customer, Topic.ANSWERS)
    assert consent_allows(customer, Topic.FOLLOWED)
    row = NotificationConsent.objects.get(user=customer, topic=Topic.ANSWERS)
    assert (row.allowed, row.source, row.channel) == (False, "one-click", "email")
    mail.outbox.clear()
    notification_deliver(
        recipients=[customer],
        kind=Notification.Kind.ANSWER_POSTED,
        dedupe_key="a2",
        actor=None,
        thread=thread,
    )
    assert mail.outbox == []
    assert Notification.objects.filter(recipient=customer, dedupe_key="a2").exists()


def test_a_get_only_asks_and_changes_nothing(customer, client):
    url = reverse("community:unsubscribe", args=[unsubscribe_token(customer, Topic.MENTIONS)])
    response = client.get(url)
    assert response.status_code == 200
    assert "Stop these e-mails" in response.text
    assert "Mentions of me" in response.text
    assert not NotificationConsent.objects.exists()
    assert consent_allows(customer, Topic.MENTIONS)


def test_a_tampered_token_is_refused_and_changes_nothing(customer, client):
    token = unsubscribe_token(customer, Topic.ANSWERS)
    forged = signing.dumps([customer.pk + 1, "answers", "email"], salt="another salt")
    for bad in (token[:-2] + "xx", forged, "nonsense"):
        response = client.post(reverse("community:unsubscribe", args=[bad]))
        assert response.status_code == 400
        assert "not valid" in response.text
    assert not NotificationConsent.objects.exists()


def test_an_expired_link_says_so(customer, client, settings):
    settings.SODAN_UNSUBSCRIBE_LINK_DAYS = -1
    url = reverse("community:unsubscribe", args=[unsubscribe_token(customer, Topic.ANSWERS)])
    response = client.post(url)
    assert response.status_code == 400
    assert "expired" in response.text
    assert consent_allows(customer, Topic.ANSWERS)


def test_account_messages_carry_no_unsubscribe_link(customer):
    mail.outbox.clear()
    notification_deliver(
        recipients=[customer],
        kind=Notification.Kind.SANCTION,
        dedupe_key="s1",
        actor=None,
        message="Suspended for spam.",
    )
    (message,) = mail.outbox
    assert "List-Unsubscribe" not in message.extra_headers
    # A genuine token for ACCOUNT (never made by Sodan) is refused too.
    from community.consent import UNSUBSCRIBE_SALT, unsubscribe_read

    token = signing.dumps([customer.pk, "account", "email"], salt=UNSUBSCRIBE_SALT)
    assert unsubscribe_read(token).user is None


def test_the_preferences_page_saves_only_what_changed(customer, client):
    client.force_login(customer)
    url = reverse("community:notification_settings")
    response = client.get(url)
    assert response.status_code == 200
    assert "Activity on what I follow" in response.text
    assert "LINE" not in response.text.split("<thead>")[1].split("</thead>")[0]
    data = {
        "answers__email": "on",
        "mentions__email": "on",
        "loop_closing__email": "on",
        "follow_ups__email": "on",
        "work__email": "on",
        "digest": "weekly",
    }  # FOLLOWED unticked
    response = client.post(url, data)
    assert response.status_code == 302
    assert not consent_allows(customer, Topic.FOLLOWED)
    assert consent_allows(customer, Topic.DIGESTS)
    assert set(NotificationConsent.objects.values_list("topic", flat=True)) == {
        "followed",
        "digests",
    }


def test_the_line_column_shows_for_a_person_who_linked_line(customer, client):
    from allauth.socialaccount.models import SocialAccount

    SocialAccount.objects.create(user=customer, provider="line", uid="U123")
    client.force_login(customer)
    response = client.get(reverse("community:notification_settings"))
    assert "answers__line" in response.text
    client.post(
        reverse("community:notification_settings"),
        {"answers__email": "on", "digest": "off"},
    )
    assert not consent_allows(customer, Topic.ANSWERS, "line")
    assert consent_allows(customer, Topic.ANSWERS, "email")


def test_the_preferences_page_in_japanese(customer, client):
    client.force_login(customer)
    client.cookies["django_language"] = "ja"
    response = client.get(reverse("community:notification_settings"), HTTP_ACCEPT_LANGUAGE="ja")
    assert response.status_code == 200
    assert 'lang="ja"' in response.text


def test_a_link_for_another_channel_or_a_closed_account_is_refused(customer, client):
    from community.consent import UNSUBSCRIBE_SALT

    other_channel = signing.dumps([customer.pk, "answers", "sms"], salt=UNSUBSCRIBE_SALT)
    genuine = unsubscribe_token(customer, Topic.ANSWERS)
    response = client.post(reverse("community:unsubscribe", args=[other_channel]))
    assert response.status_code == 400
    customer.is_active = False
    customer.save(update_fields=["is_active"])
    response = client.post(reverse("community:unsubscribe", args=[genuine]))
    assert response.status_code == 400
    assert not NotificationConsent.objects.exists()
