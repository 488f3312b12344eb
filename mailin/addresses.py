"""Signed reply addresses: ``reply+<token>@<SODAN_MAILIN_DOMAIN>``.

A notification about a thread (or a private case) carries an address made for one person
and that one thread or case, so a reply by e-mail can be posted as that person there, and
nowhere else. The token is base32 (mail systems may lowercase a local part; base32 survives
that), holds the member, what it points at and when it was issued, and an HMAC that only
this site can make. Nothing is stored: the address is checked, not looked up.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import struct
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.encoding import force_bytes

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

REPLY_PREFIX = "reply"
SUPPORT_PREFIX = "support"

# version (1) · member id (4) · kind (1) · target id (4) · issued at, unix seconds (4)
_PAYLOAD = struct.Struct(">BIcII")
_VERSION = 1
_MAC_BYTES = 10  # 80 bits: a forger's guess succeeds once in 2**80 tries
_KINDS = {b"t": "thread", b"c": "case"}


class TokenInvalid(Exception):
    """The token was not made here, was altered, or is not a reply token."""


class TokenExpired(TokenInvalid):
    """The token is genuine but older than SODAN_MAILIN_TOKEN_MAX_AGE_DAYS."""


@dataclass(frozen=True)
class ReplyToken:
    """What a genuine reply address says: who may reply, where, issued when (unix seconds)."""

    user_id: int
    kind: str  # "thread" or "case"
    target_id: int
    issued_at: int


def mailin_domain() -> str:
    """The domain inbound mail is addressed to (SODAN_MAILIN_DOMAIN, else SITE_URL's host)."""
    domain = getattr(settings, "SODAN_MAILIN_DOMAIN", "") or ""
    if domain:
        return domain.lower()
    return (urlsplit(settings.SITE_URL).hostname or "localhost").lower()


def _key() -> bytes:
    secret = getattr(settings, "SODAN_MAILIN_SECRET", "") or settings.SECRET_KEY
    return hashlib.sha256(b"sodan.mailin.reply-address:" + force_bytes(secret)).digest()


def _mac(payload: bytes) -> bytes:
    return hmac.new(_key(), payload, hashlib.sha256).digest()[:_MAC_BYTES]


def _b32encode(raw: bytes) -> str:
    return base64.b32encode(raw).decode("ascii").rstrip("=").lower()


def _b32decode(text: str) -> bytes:
    text = text.strip().upper()
    return base64.b32decode(text + "=" * (-len(text) % 8))


def token_make(*, user: Any, thread: Any = None, case: Any = None, now: float | None = None) -> str:
    """The signed token for one member and one thread or case."""
    if (thread is None) == (case is None):
        raise ValueError("A reply token points at exactly one thread or one case.")
    kind, target = (b"t", thread) if thread is not None else (b"c", case)
    issued = int(now if now is not None else time.time())
    payload = _PAYLOAD.pack(_VERSION, int(user.pk), kind, int(target.pk), issued)
    return _b32encode(payload + _mac(payload))


def token_read(token: str, *, now: float | None = None) -> ReplyToken:
    """Check a token and say what it binds; raises TokenInvalid or TokenExpired."""
    try:
        raw = _b32decode(token)
    except (ValueError, TypeError) as error:
        raise TokenInvalid("not base32") from error
    if len(raw) != _PAYLOAD.size + _MAC_BYTES:
        raise TokenInvalid("wrong length")
    payload, mac = raw[: _PAYLOAD.size], raw[_PAYLOAD.size :]
    if not hmac.compare_digest(mac, _mac(payload)):
        raise TokenInvalid("bad signature")
    version, user_id, kind, target_id, issued = _PAYLOAD.unpack(payload)
    if version != _VERSION or kind not in _KINDS:
        raise TokenInvalid("unknown version or kind")
    max_age = int(getattr(settings, "SODAN_MAILIN_TOKEN_MAX_AGE_DAYS", 90)) * 86400
    current = now if now is not None else time.time()
    if current - issued > max_age:
        raise TokenExpired("expired")
    return ReplyToken(user_id=user_id, kind=_KINDS[kind], target_id=target_id, issued_at=issued)


def reply_address(
    user: AbstractBaseUser, thread: Any = None, case: Any = None, *, now: float | None = None
) -> str:
    """The Reply-To address for a notification to ``user`` about ``thread`` or ``case``."""
    token = token_make(user=user, thread=thread, case=case, now=now)
    return f"{REPLY_PREFIX}+{token}@{mailin_domain()}"


def support_address(brand: Any) -> str:
    """The address that starts a thread in ``brand`` by e-mail."""
    return f"{SUPPORT_PREFIX}+{brand.slug}@{mailin_domain()}"


@dataclass(frozen=True)
class Recipient:
    """What an inbound recipient address means here."""

    kind: str  # "reply", "support" or "" (not ours)
    value: str = ""  # the token, or the brand's slug or alias local part


def recipient_parse(address: str) -> Recipient:
    """Read ``reply+token@domain`` / ``support+slug@domain`` / ``alias@domain``.

    An address at another domain is not ours (kind ""). A bare local part at our domain
    (``hoshino@…``) is left for the brand aliases to decide (kind "alias").
    """
    address = (address or "").strip().strip("<>").lower()
    local, _sep, domain = address.rpartition("@")
    if not local or domain != mailin_domain():
        return Recipient("")
    prefix, plus, rest = local.partition("+")
    if plus and prefix == REPLY_PREFIX and rest:
        return Recipient("reply", rest)
    if plus and prefix == SUPPORT_PREFIX and rest:
        return Recipient("support", rest)
    return Recipient("alias", local)
