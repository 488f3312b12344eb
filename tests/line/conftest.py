"""A brand with its LINE official account connected, LINE's API on this machine, and a
helper that posts webhook requests signed as LINE signs them."""

from __future__ import annotations

import json
import uuid

import pytest

from line.models import LineChannel
from qa import services as qa_services
from search import services as search_services
from tests.brands.conftest import (  # noqa: F401 - pytest finds fixtures by name
    brand_admin,
    official,
    rep,
    rival,
    staff,
    z5,
)
from tests.qa.factories import AnswerFactory, ThreadFactory

from .line_api import line_signature, serve

SECRET = "8c1f0a5e3b7d4c2a9e6f1b0d3a5c7e9f"
TOKEN = "line-channel-access-token-for-tests"


@pytest.fixture(autouse=True)
def _chat_in_english(settings):
    """The chat speaks Japanese to people it does not know; these tests read English."""
    settings.SODAN_LINE_LANGUAGE = "en"


@pytest.fixture
def line_api(settings):
    state, server = serve(TOKEN, SECRET)
    settings.SODAN_LINE_API_BASE = state.url
    settings.SODAN_WEBHOOKS_ALLOW_LOCAL = True  # the relay's tool is on this machine too
    yield state
    server.shutdown()
    server.server_close()


@pytest.fixture
def channel(official, line_api):  # noqa: F811 - the fixtures imported above
    return LineChannel.objects.create(brand=official, channel_secret=SECRET, access_token=TOKEN)


def text_event(text: str, *, user_id: str = "U4af4980629aaaaaaaaaaaaaaaaaaaaaa", **extra) -> dict:
    """A text message event, as LINE's webhook reference shows one."""
    return {
        "type": "message",
        "message": {"type": "text", "id": str(uuid.uuid4().int)[:18], "text": text},
        "webhookEventId": "01" + uuid.uuid4().hex[:24].upper(),
        "deliveryContext": {"isRedelivery": False},
        "timestamp": 1764774245000,
        "source": {"type": "user", "userId": user_id},
        "replyToken": uuid.uuid4().hex,
        "mode": "active",
        **extra,
    }


def postback_event(data: str, *, user_id: str = "U4af4980629aaaaaaaaaaaaaaaaaaaaaa") -> dict:
    return {
        "type": "postback",
        "postback": {"data": data},
        "webhookEventId": "01" + uuid.uuid4().hex[:24].upper(),
        "deliveryContext": {"isRedelivery": False},
        "timestamp": 1764774246000,
        "source": {"type": "user", "userId": user_id},
        "replyToken": uuid.uuid4().hex,
        "mode": "active",
    }


@pytest.fixture
def send_webhook(client, committed):
    """POST events to the brand's webhook as LINE does; what the request queues runs as
    after a real commit. Returns the response."""

    def send(brand, *events, secret: str = SECRET, body: bytes | None = None):
        body = (
            body
            or json.dumps(
                {"destination": "Uxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "events": list(events)},
                separators=(",", ":"),
            ).encode()
        )
        with committed():
            return client.post(
                f"/line/webhook/{brand.slug}/",
                data=body,
                content_type="application/json",
                HTTP_X_LINE_SIGNATURE=line_signature(secret, body),
            )

    return send


@pytest.fixture
def solved(official, z5):  # noqa: F811
    """A solved thread about the Z5's battery, indexed for search."""
    thread = ThreadFactory(
        brand=official, product=z5, title="Z5 battery drains overnight", body="Empty by morning."
    )
    answer = AnswerFactory(thread=thread, body="Turn off background refresh, then restart.")
    qa_services.answer_accept(actor=thread.author, answer=answer)
    ThreadFactory(brand=official, title="Battery cover will not close", body="Unsolved.")
    search_services.outbox_process()
    return thread
