"""Sodan's own small SMTP receiver (aiosmtpd), for a mail server that relays our mail
domain here instead of a provider's webhook.

It takes mail only for our addresses (reply+…, support+…, a brand's alias at the mail
domain), refuses others at RCPT time, and hands each message with its envelope to
mailin.services.message_receive. It is not an open relay: it delivers nothing onwards.
"""

from __future__ import annotations

import logging
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP
from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import close_old_connections

from .addresses import recipient_parse
from .models import InboundMessage

logger = logging.getLogger(__name__)


def _receive(content: bytes, mail_from: str, rcpt_tos: list[str]) -> int:
    from .services import message_receive

    close_old_connections()
    try:
        inbound = message_receive(
            content,
            source=InboundMessage.Source.SMTP,
            envelope_from=mail_from,
            recipients=rcpt_tos,
        )
    finally:
        close_old_connections()
    return inbound.pk


class InboundHandler:
    """aiosmtpd's handler: RCPT checks the address is ours; DATA keeps the message."""

    async def handle_RCPT(
        self, server: SMTP, session: Any, envelope: Any, address: str, rcpt_options: list
    ) -> str:
        if recipient_parse(address).kind == "":
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Any, envelope: Any) -> str:
        content = envelope.original_content or envelope.content
        if isinstance(content, str):
            content = content.encode("utf-8", errors="surrogateescape")
        try:
            pk = await sync_to_async(_receive, thread_sensitive=False)(
                content, envelope.mail_from or "", list(envelope.rcpt_tos)
            )
        except Exception:
            logger.exception("mail in: could not keep a message")
            return "451 4.3.0 Could not keep the message now; try again later"
        return f"250 2.0.0 Kept as {pk}"


def controller(host: str, port: int) -> Controller:
    """The receiver, not yet started (`.start()`, `.stop()`)."""
    return Controller(
        InboundHandler(),
        hostname=host,
        port=port,
        data_size_limit=settings.SODAN_MAILIN_MAX_BYTES,
        decode_data=False,
    )
