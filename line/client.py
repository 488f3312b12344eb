"""LINE's Messaging API, as its documentation describes it: the webhook signature, the
reply and push calls. The one place that speaks to LINE; the base address is
SODAN_LINE_API_BASE (https://api.line.me), so tests point it at a local server."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import urllib.error
import urllib.request
from dataclasses import dataclass

from django.conf import settings

SIGNATURE_HEADER = "X-Line-Signature"


def signature(secret: str, body: bytes) -> str:
    """base64(HMAC-SHA256(channel secret, request body)), as LINE signs its webhooks."""
    digest = hmac.new(secret.encode(), body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def signature_valid(secret: str, body: bytes, header: str) -> bool:
    if not secret or not header:
        return False
    return hmac.compare_digest(signature(secret, body), header.strip())


class LineTemporaryError(Exception):
    """LINE is busy (429) or failing (5xx), or could not be reached: worth trying again."""


class LineRefused(Exception):
    """LINE refused the call for good (a 4xx other than 429): an expired reply token, a
    person who blocked the account, a revoked token."""


@dataclass
class Answer:
    status: int
    body: dict


def _post(path: str, *, token: str, payload: dict, headers: dict | None = None) -> Answer:
    request = urllib.request.Request(  # noqa: S310 - the configured https:// API base
        settings.SODAN_LINE_API_BASE.rstrip("/") + path,
        data=json.dumps(payload, ensure_ascii=False).encode(),
        method="POST",
        headers={
            "Authorization": f"Bearer {token}",
            "Content-Type": "application/json",
            **(headers or {}),
        },
    )
    try:
        with urllib.request.urlopen(  # noqa: S310
            request, timeout=settings.SODAN_LINE_TIMEOUT_SECONDS
        ) as response:
            raw = response.read()
            return Answer(response.status, json.loads(raw) if raw.strip() else {})
    except urllib.error.HTTPError as error:
        detail = error.read()[:300].decode(errors="replace")
        if error.code == 409 and headers and "X-Line-Retry-Key" in headers:
            return Answer(200, {})  # this retry key was accepted before: already sent
        if error.code == 429 or error.code >= 500:
            raise LineTemporaryError(f"HTTP {error.code} {detail}") from None
        raise LineRefused(f"HTTP {error.code} {detail}") from None
    except (OSError, ValueError) as error:
        raise LineTemporaryError(str(error)[:300]) from None


def reply(*, token: str, reply_token: str, messages: list[dict]) -> Answer:
    """POST /v2/bot/message/reply: answer an event with its reply token (five messages at
    most, once, within a minute or so)."""
    return _post(
        "/v2/bot/message/reply",
        token=token,
        payload={"replyToken": reply_token, "messages": messages[:5]},
    )


def push(*, token: str, to: str, messages: list[dict], retry_key: str) -> Answer:
    """POST /v2/bot/message/push, with X-Line-Retry-Key so a retry is never sent twice."""
    return _post(
        "/v2/bot/message/push",
        token=token,
        payload={"to": to, "messages": messages[:5]},
        headers={"X-Line-Retry-Key": retry_key},
    )
