import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from community.consent import (
    DEFAULTS,
    KIND_TOPICS,
    Topic,
    consent_allows,
    consent_set,
    consents_of,
    topic_of,
)
from community.models import Notification, NotificationConsent
from community.services import notification_deliver
from feedback.models import FeedbackEmailOptOut

pytestmark = pytest.mark.django_db


def test_defaults_are_on_only_for_what_the_person_asked_for(customer):
    assert {topic for topic in Topic if consent_allows(customer, topic)} == set(Topic) - {
        Topic.DIGESTS
    }
    assert not consent_allows(customer, Topic.DIGESTS, "line")
    assert all(default.reason for default in DEFAULTS.values())


def test_every_notification_kind_has_a_topic():
    assert set(Notification.Kind.values) <= set(KIND_TOPICS)
    assert topic_of(Notification.Kind.SANCTION) == Topic.ACCOUNT
    assert topic_of(Notification.Kind.ANSWER_POSTED) == Topic.ANSWERS


def test_a_choice_is_kept_per_topic_and_channel_with_when_and_where(customer):
    consent_set(user=customer, topic=Topic.ANSWERS, allowed=False, source="settings")
    assert not consent_allows(customer, Topic.ANSWERS)
    assert consent_allows(customer, Topic.ANSWERS, "line")
    assert consent_allows(customer, Topic.FOLLOWED)
    consent_set(user=customer, topic=Topic.ANSWERS, allowed=True, source="one-click")
    row = NotificationConsent.objects.get(user=customer)
    assert (row.allowed, row.source) == (True, "one-click")
    assert row.changed_at is not None


def test_account_messages_cannot_be_turned_off(customer):
    with pytest.raises(ValidationError):
        consent_set(user=customer, topic=Topic.ACCOUNT, allowed=False, source="settings")
    assert consent_allows(customer, Topic.ACCOUNT)
    assert not NotificationConsent.objects.exists()


def test_the_master_email_switch_turns_every_optional_topic_off(customer):
    customer.email_notifications = False
    customer.save()
    assert [topic for topic in Topic if consent_allows(customer, topic)] == [Topic.ACCOUNT]
    assert consent_allows(customer, Topic.ANSWERS, "line")


def test_a_turned_off_topic_sends_no_email_but_keeps_the_in_app_notice(customer, thread):
    consent_set(user=customer, topic=Topic.ANSWERS, allowed=False, source="settings")
    mail.outbox.clear()
    notification_deliver(
        recipients=[customer],
        kind=Notification.Kind.ANSWER_POSTED,
        dedupe_key="answers-off",
        actor=None,
        thread=thread,
    )
    assert Notification.objects.filter(recipient=customer, dedupe_key="answers-off").exists()
    assert mail.outbox == []
    notification_deliver(
        recipients=[customer],
        kind=Notification.Kind.SANCTION,
        dedupe_key="sanction",
        actor=None,
        message="Suspended for spam.",
    )
    assert [m.to for m in mail.outbox] == [[customer.email]]


def test_loop_closing_reads_and_keeps_the_feedback_opt_out(customer):
    FeedbackEmailOptOut.objects.create(user=customer)
    assert not consent_allows(customer, Topic.LOOP_CLOSING)
    assert not consents_of(customer)[("loop_closing", "email")]
    consent_set(user=customer, topic=Topic.LOOP_CLOSING, allowed=True, source="settings")
    assert consent_allows(customer, Topic.LOOP_CLOSING)
    assert not FeedbackEmailOptOut.objects.exists()
    consent_set(user=customer, topic=Topic.LOOP_CLOSING, allowed=False, source="settings")
    assert FeedbackEmailOptOut.objects.filter(user=customer).exists()


def test_an_unknown_topic_or_channel_is_refused(customer):
    with pytest.raises(ValidationError) as refused:
        consent_set(user=customer, topic="weather", allowed=False, source="api")
    assert "topic" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        consent_set(user=customer, topic=Topic.ANSWERS, channel="sms", allowed=False, source="api")
    assert "channel" in refused.value.message_dict
    assert not NotificationConsent.objects.exists()
