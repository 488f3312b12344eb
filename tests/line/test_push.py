"""Notifications pushed to LINE: only to people who linked LINE, only for topics they
allow on LINE, once, retried while LINE is busy, given up and recorded after that."""

import pytest
from django.utils import timezone

from community.models import Notification
from community.services import notification_deliver
from line.models import LineLink, LinePush
from outbox.models import Message
from outbox.services import deliver

pytestmark = pytest.mark.django_db

USER_ID = "Ulinkedcustomer000000000000000000"


@pytest.fixture
def linked(customer, official, channel):
    LineLink.objects.create(brand=official, user=customer, line_user_id=USER_ID)
    return customer


def _answer_posted(recipient, thread, committed, key="answer:1"):
    with committed():
        notification_deliver(
            recipients=[recipient],
            kind=Notification.Kind.ANSWER_POSTED,
            dedupe_key=key,
            actor=None,
            thread=thread,
            message="Yuki answered your thread.",
        )


@pytest.fixture
def thread(official, customer):
    from tests.qa.factories import ThreadFactory

    return ThreadFactory(brand=official, author=customer, title="Flash does not fire")


def test_a_linked_person_gets_the_notification_in_line(linked, thread, committed, line_api):
    _answer_posted(linked, thread, committed)
    [push] = line_api.pushes
    assert push["to"] == USER_ID
    text = push["messages"][0]["text"]
    assert "Yuki answered your thread." in text
    assert thread.get_absolute_url() in text
    [request] = line_api.calls("/v2/bot/message/push")
    assert request["headers"]["X-Line-Retry-Key"]
    assert LinePush.objects.get().state == LinePush.State.SENT


def test_the_push_is_in_the_recipients_language(linked, thread, committed, line_api):
    linked.language = "ja"
    linked.save(update_fields=["language"])
    _answer_posted(linked, thread, committed)
    with pytest.MonkeyPatch.context():
        from django.utils import translation

        with translation.override("ja"):
            heading = str(Notification.Kind.ANSWER_POSTED.label)
    assert line_api.pushes[0]["messages"][0]["text"].startswith(heading)


def test_no_push_without_consent_on_line(linked, thread, committed, line_api):
    from community.consent import Topic, consent_set

    consent_set(user=linked, topic=Topic.ANSWERS, allowed=False, channel="line", source="test")
    _answer_posted(linked, thread, committed)
    assert line_api.pushes == []
    assert LinePush.objects.count() == 0


def test_turning_line_off_leaves_email_alone(linked, thread, committed, line_api, mailoutbox):
    from community.consent import Topic, consent_set

    consent_set(user=linked, topic=Topic.ANSWERS, allowed=False, channel="line", source="test")
    _answer_posted(linked, thread, committed)
    assert len(mailoutbox) == 1


def test_nobody_unlinked_is_pushed(customer, thread, channel, committed, line_api):
    _answer_posted(customer, thread, committed)
    assert line_api.pushes == []


def test_a_notification_delivered_twice_is_pushed_once(linked, thread, committed, line_api):
    _answer_posted(linked, thread, committed)
    _answer_posted(linked, thread, committed)
    assert len(line_api.pushes) == 1


def _retry(message):
    Message.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
    return deliver(message.pk)


def test_line_busy_or_down_is_retried(linked, thread, committed, line_api):
    line_api.failures.extend([429, 500])
    _answer_posted(linked, thread, committed)
    message = Message.objects.get(task="line.tasks.push")
    assert line_api.pushes == []
    assert _retry(message) == "retry"  # 500
    assert _retry(message) == "done"
    assert len(line_api.pushes) == 1
    push = LinePush.objects.get()
    assert (push.state, push.attempts) == (LinePush.State.SENT, 3)


def test_a_push_is_given_up_and_recorded(linked, thread, committed, line_api, settings, caplog):
    settings.SODAN_LINE_PUSH_MAX_ATTEMPTS = 2
    line_api.failures.extend([500, 500, 500])
    _answer_posted(linked, thread, committed)
    message = Message.objects.get(task="line.tasks.push")
    assert _retry(message) == "done"  # the second attempt: given up, nothing to retry
    push = LinePush.objects.get()
    assert push.state == LinePush.State.GIVEN_UP
    assert "HTTP 500" in push.last_error
    assert "given up" in caplog.text
    assert line_api.pushes == []


def test_a_retry_after_a_lost_answer_is_not_sent_twice(linked, thread, committed, line_api):
    """LINE took the push but its answer was lost: the retry's key is known, LINE answers
    409, and the push counts as sent."""
    _answer_posted(linked, thread, committed)
    push = LinePush.objects.get()
    LinePush.objects.filter(pk=push.pk).update(state=LinePush.State.PENDING)
    from line.services import push_deliver

    assert push_deliver(push.pk) == "sent"
    assert len(line_api.pushes) == 1


def test_a_refused_push_is_given_up_at_once(linked, thread, committed, line_api):
    line_api.token = "revoked"
    _answer_posted(linked, thread, committed)
    push = LinePush.objects.get()
    assert push.state == LinePush.State.GIVEN_UP and "401" in push.last_error
