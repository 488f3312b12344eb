"""The one way in: keep every mail first, then decide what it becomes, once."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from email.message import Message
from typing import Any

from allauth.account.models import EmailAddress
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from attachments.services import attachments_store
from outbox.services import message_send

from .. import tasks
from ..addresses import recipient_parse
from ..models import InboundMessage
from ..parsing import (
    header_recipients,
    header_text,
    is_auto_reply,
    is_bounce,
    message_parse,
    sender_address,
    verdicts_from_headers,
)

logger = logging.getLogger(__name__)

Reason = InboundMessage.Reason
Status = InboundMessage.Status

# Refusals the sender can do something about: they are told, in a short mail. Never for a
# bounce or an automatic reply (mail loops), a forged or failing sender, or a replay.

TOLD_REASONS = {
    Reason.EXPIRED,
    Reason.EMPTY,
    Reason.NOT_ALLOWED,
    Reason.RATE_LIMITED,
    Reason.INVALID,
}


# --- In ----------------------------------------------------------------------------------


def _our_recipient(candidates: Sequence[str]) -> str:
    """The first of our addresses among the recipients, a reply address first."""
    ours = [(recipient_parse(address), address) for address in candidates]
    for kind in ("reply", "support", "alias"):
        for parsed, address in ours:
            if parsed.kind == kind:
                return address.strip().strip("<>").lower()
    return ""


def message_receive(
    message: bytes | Message,
    *,
    source: str = InboundMessage.Source.OTHER,
    provider: str = "",
    envelope_from: str | None = None,
    recipients: Sequence[str] = (),
    verdicts: dict | None = None,
) -> InboundMessage:
    """Keep one inbound mail and queue its processing (both in one transaction).

    `envelope_from` is the SMTP MAIL FROM ("" or "<>" for a bounce; None when the way in
    does not tell it); `recipients` the envelope's RCPT TO (else the headers are read);
    `verdicts` SPF/DKIM results a provider passes beside the message ({"spf": "fail"})."""
    raw = message if isinstance(message, bytes) else bytes(message.as_bytes())
    parsed = message_parse(raw)
    found = verdicts_from_headers(parsed)
    given = {key: str(value).lower() for key, value in (verdicts or {}).items() if value}
    recipient = _our_recipient([*recipients, *header_recipients(parsed)])
    token = recipient_parse(recipient)
    with transaction.atomic():
        inbound = InboundMessage.objects.create(
            source=source,
            provider=provider[:40],
            envelope_from=("" if envelope_from is None else (envelope_from.strip() or "<>")[:320]),
            sender=sender_address(parsed)[:320],
            recipient=recipient[:320],
            message_id=header_text(parsed, "Message-ID")[:998],
            subject=header_text(parsed, "Subject")[:998],
            raw=raw,
            verdicts={"spf": found.spf, "dkim": found.dkim, **given},
            token=token.value[:100] if token.kind == "reply" else "",
        )
        message_send(tasks.message_process, inbound.pk)
    return inbound


def message_process(inbound_id: int) -> InboundMessage | None:
    """Decide what one kept mail becomes; once (a processed mail is left as it is)."""
    with transaction.atomic():
        inbound = (
            InboundMessage.objects.select_for_update()
            .filter(pk=inbound_id, status=Status.RECEIVED)
            .first()
        )
        if inbound is None:
            return None
        try:
            with transaction.atomic():
                _process(inbound)
                inbound.processed_at = timezone.now()
                inbound.save()
        except IntegrityError:
            # Another copy of this mail was posted meanwhile (the unique constraints).
            _refuse(inbound, Reason.REPLAY, "")
        if inbound.status == Status.REFUSED:
            logger.info("mail in refused: %s (%s)", inbound.pk, inbound.reason)
            if inbound.reason in TOLD_REASONS and inbound.user_id:
                message_send(tasks.refusal_notify, inbound.pk)
        return inbound


def _refuse(inbound: InboundMessage, reason: str, detail: str) -> None:
    inbound.status = Status.REFUSED
    inbound.reason = reason
    inbound.detail = str(detail)[:2000]
    inbound.processed_at = timezone.now()
    inbound.answer = inbound.case_message = None
    inbound.save()


def _process(inbound: InboundMessage) -> None:
    message = message_parse(bytes(inbound.raw))
    envelope = None if inbound.envelope_from == "" else inbound.envelope_from
    if is_bounce(message, envelope):
        return _refuse(inbound, Reason.BOUNCE, "")
    if is_auto_reply(message):
        return _refuse(inbound, Reason.AUTO_REPLY, "")
    from .drafts import _start
    from .replies import _reply

    recipient = recipient_parse(inbound.recipient)
    if recipient.kind == "reply":
        return _reply(inbound, message, recipient.value)
    if recipient.kind in ("support", "alias"):
        return _start(inbound, message, recipient)
    return _refuse(inbound, Reason.BAD_ADDRESS, _("Not addressed to one of our addresses."))


def member_addresses(user: Any) -> set[str]:
    """Every address the member receives Sodan's mail at (and so may reply from)."""
    addresses = {(user.email or "").lower()}
    addresses.update(
        address.lower()
        for address in EmailAddress.objects.filter(user=user, verified=True).values_list(
            "email", flat=True
        )
    )
    return addresses - {""}


def _auth_failed(inbound: InboundMessage) -> bool:
    verdicts = inbound.verdicts or {}
    return verdicts.get("spf") in ("fail", "hardfail") or verdicts.get("dkim") == "fail"


def _already_received(inbound: InboundMessage) -> bool:
    if not inbound.message_id:
        return False
    return (
        InboundMessage.objects.filter(
            message_id=inbound.message_id, status__in=[Status.POSTED, Status.HELD]
        )
        .exclude(pk=inbound.pk)
        .exists()
    )


def _attach(*, user: Any, images: Sequence, target: Any) -> None:
    """Images in the mail follow the attachment rules (count, size, kind, re-encoding)."""
    if not images:
        return
    files = [
        SimpleUploadedFile(image.filename or "image", image.data, content_type=image.content_type)
        for image in images
    ]
    alt_texts = [
        image.description or image.filename or _("Image attached by e-mail") for image in images
    ]
    attachments_store(uploader=user, files=files, alt_texts=alt_texts, target=target)
