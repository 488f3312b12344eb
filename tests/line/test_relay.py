"""Relay mode: LINE allows one webhook per account, so what Sodan does not answer (or
everything) goes on to the brand's existing tool, re-signed with the channel secret."""

import json

import pytest
from django.utils import timezone

from line.models import LineChannel, LineRelay
from outbox.models import Message
from outbox.services import deliver

from .conftest import SECRET, postback_event, text_event
from .line_api import line_signature

pytestmark = pytest.mark.django_db


@pytest.fixture
def relaying(channel, line_api):
    LineChannel.objects.filter(pk=channel.pk).update(relay_url=f"{line_api.url}/tool")
    return channel


def test_events_sodan_leaves_go_on_with_the_original_body(
    official, relaying, send_webhook, line_api
):
    sticker = text_event("x")
    sticker["message"] = {"type": "sticker", "id": "1", "packageId": "446", "stickerId": "1988"}
    theirs = postback_event("action=coupon&id=7")
    body = json.dumps({"destination": "Ubot", "events": [sticker, theirs]}).encode()
    send_webhook(official, body=body)
    [relayed] = line_api.relayed
    assert relayed["body"] == body  # byte for byte
    assert relayed["headers"]["X-Line-Signature"] == line_signature(SECRET, body)
    assert line_api.replies == []


def test_only_the_left_events_go_on_when_some_were_answered(
    official, relaying, solved, send_webhook, line_api
):
    mine = text_event("Z5 battery")
    theirs = postback_event("action=coupon&id=7")
    send_webhook(official, mine, theirs)
    [relayed] = line_api.relayed
    forwarded = json.loads(relayed["body"])
    assert [e["webhookEventId"] for e in forwarded["events"]] == [theirs["webhookEventId"]]
    assert relayed["headers"]["X-Line-Signature"] == line_signature(SECRET, relayed["body"])
    assert len(line_api.replies) == 1


def test_relay_all_forwards_everything(official, relaying, solved, send_webhook, line_api):
    LineChannel.objects.filter(pk=relaying.pk).update(relay_all=True)
    send_webhook(official, text_event("Z5 battery"))
    assert len(line_api.relayed) == 1 and len(line_api.replies) == 1


def test_a_tool_that_is_down_is_retried(official, relaying, send_webhook, line_api, settings):
    LineChannel.objects.filter(pk=relaying.pk).update(relay_url="http://127.0.0.1:9/tool")
    send_webhook(official, postback_event("action=coupon"))
    message = Message.objects.get(task="line.tasks.relay_deliver")
    assert message.attempts == 1 and message.done_at is None
    LineChannel.objects.filter(pk=relaying.pk).update(relay_url=f"{line_api.url}/tool")
    Message.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
    assert deliver(message.pk) == "done"
    assert LineRelay.objects.get().state == LineRelay.State.SENT
    assert len(line_api.relayed) == 1


def test_nothing_is_relayed_without_a_relay_address(official, channel, send_webhook, line_api):
    send_webhook(official, postback_event("action=coupon"))
    assert line_api.relayed == [] and LineRelay.objects.count() == 0
