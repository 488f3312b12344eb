"""Signing, verifying, formatting and sending webhooks. No database writes here: the
services in feedback/services/integrations.py decide and record.

Signature scheme (outgoing webhooks and the generic inbound endpoint alike)::

    X-Sodan-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">

keyed with the brand's signing secret. A receiver recomputes it, compares in constant time
and refuses a timestamp more than five minutes away from its clock. GitHub signs its own
way (`X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the body>`), with no timestamp; its
delivery id stands in for replay protection.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import ipaddress
import json
import socket
import ssl
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

SIGNATURE_HEADER = "X-Sodan-Signature"
GITHUB_SIGNATURE_HEADER = "X-Hub-Signature-256"
TOLERANCE_SECONDS = 300
USER_AGENT = "Sodan-Webhooks/1"


class SignatureError(Exception):
    """The request is not from someone who holds the secret (or is too old); says why."""


def _digest(secret: str, message: bytes) -> str:
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def sign(*, secret: str, body: bytes, timestamp: int) -> str:
    """The X-Sodan-Signature header value for this body at this moment."""
    return f"t={timestamp},v1={_digest(secret, str(timestamp).encode() + b'.' + body)}"


def verify_sodan(*, secret: str, header: str, body: bytes, now: int) -> str:
    """Check an X-Sodan-Signature header; return the replay key of a good one."""
    if not header:
        raise SignatureError(_("The X-Sodan-Signature header is missing."))
    parts: dict[str, list[str]] = {}
    for piece in header.split(","):
        key, _sep, value = piece.strip().partition("=")
        parts.setdefault(key, []).append(value)
    try:
        timestamp = int(parts["t"][0])
    except (KeyError, ValueError):
        raise SignatureError(_("The signature has no valid timestamp (t=…).")) from None
    signatures = parts.get("v1", [])
    if not signatures:
        raise SignatureError(_("The signature has no v1=… value."))
    if timestamp < now - TOLERANCE_SECONDS:
        raise SignatureError(_("The signature is more than five minutes old."))
    if timestamp > now + TOLERANCE_SECONDS:
        raise SignatureError(_("The signature's timestamp is in the future."))
    expected = _digest(secret, str(timestamp).encode() + b"." + body)
    for candidate in signatures:
        if hmac.compare_digest(expected, candidate.strip().lower()):
            return f"sodan:{expected}"
    raise SignatureError(_("The signature does not match the body."))


def verify_github(*, secret: str, header: str, body: bytes, delivery_id: str) -> str:
    """Check GitHub's X-Hub-Signature-256; return the replay key (its delivery id)."""
    scheme, _sep, value = (header or "").partition("=")
    if scheme != "sha256" or not value:
        raise SignatureError(_("The X-Hub-Signature-256 header is missing or malformed."))
    expected = _digest(secret, body)
    if not hmac.compare_digest(expected, value.strip().lower()):
        raise SignatureError(_("The signature does not match the body."))
    return f"github:{delivery_id[:100] or expected}"


# --- Payloads ------------------------------------------------------------------------------


def json_payload(*, event: str, brand: dict, item: dict, data: dict, occurred_at: str) -> dict:
    """The generic JSON format, for an issue tracker or any tool of the brand's."""
    return {"event": event, "occurred_at": occurred_at, "brand": brand, "item": item, **data}


def slack_payload(*, event: str, brand: dict, item: dict, data: dict) -> dict:
    """A Slack incoming-webhook message: one line of mrkdwn and a fallback text."""
    title = _slack_escape(item["title"])
    link = f"<{item['url']}|#{item['id']} {title}>"
    people = item["people_affected"]
    if event == "item.created":
        line = _("New feedback item %(link)s (%(people)s people affected)")
    elif event == "item.threads_linked":
        line = _("%(count)s thread(s) linked to %(link)s (%(people)s people affected)")
    else:
        line = _("%(link)s is now *%(status)s* (%(people)s people affected)")
    text = line % {
        "link": link,
        "people": people,
        "status": item["status_label"],
        "count": len(data.get("threads", [])),
    }
    return {"text": f"*{_slack_escape(brand['name'])}*: {text}"}


def _slack_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def encode(payload: dict) -> bytes:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()


# --- Sending -------------------------------------------------------------------------------


@dataclass
class SendResult:
    delivered: bool
    retryable: bool
    status_code: int | None = None
    error: str = ""


def allows_local() -> bool:
    """Development and tests may send to http:// and to this machine's own addresses."""
    return settings.SODAN_WEBHOOKS_ALLOW_LOCAL


def url_refusal(url: str) -> str:
    """Why this address can't receive webhooks, in words; empty if it can. Checks the
    scheme and literal addresses only: names are resolved when sending."""
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        return _("Use an https:// address.")
    if parts.scheme == "http" and not allows_local():
        return _("Use an https:// address: the events are about your customers.")
    if not allows_local() and (
        parts.hostname == "localhost" or _is_private_literal(parts.hostname)
    ):
        return _("Webhooks go to addresses on the internet, not to private networks.")
    return ""


def _is_private_literal(host: str) -> bool:
    """Whether the host is written as an address, one that is not on the internet."""
    try:
        return _is_private(host)
    except ValueError:  # a name: checked once resolved, when sending
        return False


def _is_private(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%")[0])
    return not ip.is_global or ip.is_multicast


def resolve(host: str, port: int) -> list[str]:
    """Every address of the host for a TCP connection, in the resolver's order (an
    address written in the URL comes back as it is). The one place a webhook's host name
    is resolved."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


class _CheckedAddressConnection(http.client.HTTPConnection):
    """Connects to the addresses that were checked, never to what the name resolves to
    by then: a name can answer a public address for the check and a private one a moment
    later (DNS rebinding). The Host header stays the name's."""

    def __init__(self, host: str, port: int, *, addresses: list[str], **kwargs: Any) -> None:
        super().__init__(host, port, **kwargs)
        self.addresses = addresses
        self._create_connection = self._connect_checked

    def _connect_checked(
        self, address: tuple[str, int], timeout: Any, source_address: Any = None
    ) -> socket.socket:
        error: OSError = OSError(_("The address has no usable network address."))
        for ip in self.addresses:
            try:
                return socket.create_connection((ip, address[1]), timeout, source_address)
            except OSError as failed:
                error = failed
        raise error


class _CheckedAddressHTTPSConnection(_CheckedAddressConnection, http.client.HTTPSConnection):
    """The same over TLS: the server name sent and the certificate checked are the host
    name's (http.client wraps the socket with server_hostname=host)."""


def send(*, url: str, body: bytes, headers: dict[str, str], timeout: float) -> SendResult:
    """POST the body; never raises. A timeout, a refused connection or a 5xx/408/429 can
    pass, so those are worth retrying; other answers are final.

    The host name is resolved once; every address it has must be on the internet, and the
    connection goes to those very addresses. Redirects are not followed (a webhook is
    answered where it was sent; a redirect could reach inside), and no proxy is used."""
    refusal = url_refusal(url)
    if refusal:
        return SendResult(delivered=False, retryable=False, error=refusal)
    parts = urlsplit(url)
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        return SendResult(delivered=False, retryable=False, error=_("The port is not valid."))
    host = parts.hostname or ""
    try:
        addresses = resolve(host, port)
    except (OSError, UnicodeError) as error:
        return SendResult(delivered=False, retryable=True, error=f"DNS: {error}"[:500])
    if not allows_local() and any(_is_private(address) for address in addresses):
        return SendResult(
            delivered=False, retryable=False, error=_("The address resolves to a private network.")
        )
    if parts.scheme == "https":
        connection: http.client.HTTPConnection = _CheckedAddressHTTPSConnection(
            host, port, addresses=addresses, timeout=timeout, context=ssl.create_default_context()
        )
    else:
        connection = _CheckedAddressConnection(host, port, addresses=addresses, timeout=timeout)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        connection.request(
            "POST",
            path,
            body=body,
            headers={"Content-Type": "application/json", "User-Agent": USER_AGENT, **headers},
        )
        code = connection.getresponse().status
    except (OSError, ValueError, http.client.HTTPException) as error:
        return SendResult(delivered=False, retryable=True, error=str(error)[:500])
    finally:
        connection.close()
    if 200 <= code < 300:
        return SendResult(delivered=True, retryable=False, status_code=code)
    retryable = code >= 500 or code in (408, 429)
    return SendResult(delivered=False, retryable=retryable, status_code=code, error=f"HTTP {code}")
