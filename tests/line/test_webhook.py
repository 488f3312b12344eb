"""LINE's webhook: signed requests only, each event once, answered from solved threads."""

import json

import pytest
from django.utils import timezone

from line.models import LineEvent
from line.replies import postback

from .conftest import SECRET, postback_event, text_event

pytestmark = pytest.mark.django_db


def test_a_bad_signature_is_refused_and_logged(official, channel, send_webhook, line_api, caplog):
    response = send_webhook(official, text_event("battery"), secret="not-the-channel-secret")
    assert response.status_code == 403
    assert LineEvent.objects.count() == 0
    assert line_api.requests == []
    assert "bad X-Line-Signature" in caplog.text


def test_an_unsigned_request_is_refused(official, channel, client):
    body = json.dumps({"destination": "U1", "events": [text_event("battery")]}).encode()
    response = client.post(
        f"/line/webhook/{official.slug}/", data=body, content_type="application/json"
    )
    assert response.status_code == 403


def test_a_brand_without_line_has_no_webhook(official, send_webhook):
    assert send_webhook(official, text_event("battery")).status_code == 404


def test_a_message_gets_solved_threads_back(official, channel, solved, send_webhook, line_api):
    event = text_event("My Z5 battery is empty every morning")
    assert send_webhook(official, event).status_code == 200
    [reply] = line_api.replies
    assert reply["replyToken"] == event["replyToken"]
    found, choices = reply["messages"]
    assert found["type"] == "text"
    assert "Z5 battery drains overnight" in found["text"]
    assert solved.get_absolute_url() in found["text"]
    assert "Battery cover will not close" not in found["text"]  # not solved
    labels = [a["label"] for a in choices["template"]["actions"]]
    assert labels == ["Ask in public", "Ask privately"]
    assert all(len(label) <= 20 for label in labels)  # LINE's limit on a button's label
    [stored] = LineEvent.objects.all()
    assert stored.state == LineEvent.State.HANDLED
    assert choices["template"]["actions"][0]["data"] == postback("ask", stored.pk)


def test_a_redelivered_event_is_handled_once(official, channel, solved, send_webhook, line_api):
    event = text_event("Z5 battery")
    send_webhook(official, event)
    again = {**event, "deliveryContext": {"isRedelivery": True}}
    assert send_webhook(official, again).status_code == 200
    assert len(line_api.replies) == 1
    assert LineEvent.objects.count() == 1


def test_no_match_says_so_and_still_offers_to_ask(
    official, channel, solved, send_webhook, line_api
):
    send_webhook(official, text_event("tripod screw"))
    [reply] = line_api.replies
    assert "No solved thread" in reply["messages"][0]["text"]
    assert reply["messages"][1]["template"]["type"] == "buttons"


def test_line_busy_is_retried_by_the_outbox(official, channel, solved, send_webhook, line_api):
    from outbox.models import Message
    from outbox.services import deliver

    line_api.failures.append(429)
    send_webhook(official, text_event("Z5 battery"))
    assert line_api.replies == []
    message = Message.objects.get(task="line.tasks.request_process")
    assert message.done_at is None and message.attempts == 1
    Message.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
    deliver(message.pk)
    assert len(line_api.replies) == 1
    assert LineEvent.objects.get().state == LineEvent.State.HANDLED


def test_the_ask_button_sends_a_signed_link(official, channel, solved, send_webhook, line_api):
    send_webhook(official, text_event("Z5 battery"))
    asked = LineEvent.objects.get()
    send_webhook(official, postback_event(postback("ask", asked.pk)))
    text = line_api.replies[-1]["messages"][0]["text"]
    assert "/line/ask/" in text


def test_someone_elses_button_offers_nothing(official, channel, solved, send_webhook, line_api):
    send_webhook(official, text_event("Z5 battery"))
    asked = LineEvent.objects.get()
    send_webhook(official, postback_event(postback("ask", asked.pk), user_id="Uother"))
    assert len(line_api.replies) == 1  # only the first message's answer


def test_the_secret_from_the_environment_wins(official, channel, send_webhook, monkeypatch):
    monkeypatch.setenv("SODAN_LINE_HOSHINO_CAMERA_SECRET", "from-the-environment-0000")
    assert send_webhook(official, text_event("x"), secret=SECRET).status_code == 403
    assert (
        send_webhook(official, text_event("x"), secret="from-the-environment-0000").status_code
        == 200
    )
