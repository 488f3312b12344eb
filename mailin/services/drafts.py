"""Threads started by e-mail: held as a draft, published by the link mailed back."""

from __future__ import annotations

import re
from datetime import timedelta
from email.message import Message
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage as OutgoingMail
from django.core.signing import BadSignature, SignatureExpired, TimestampSigner
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from brands.models import Brand
from community.models import User
from outbox.services import message_send

from .. import permissions, tasks
from ..models import BrandMailAlias, InboundMessage, MailThreadDraft
from ..parsing import (
    body_text,
    image_parts,
    message_parse,
    reply_text,
)
from .inbound import _already_received, _attach, _auth_failed, _refuse
from .notices import _absolute, _claim_notice

Reason = InboundMessage.Reason
Status = InboundMessage.Status


_CONFIRM_SALT = "sodan.mailin.thread-draft"


# --- Threads started by e-mail -------------------------------------------------------------


def _brand_for(recipient: Any) -> Brand | None:
    if recipient.kind == "support":
        return Brand.objects.filter(slug=recipient.value).first()
    alias = BrandMailAlias.objects.select_related("brand").filter(local_part=recipient.value)
    found = alias.first()
    return found.brand if found else None


def _title_from(subject: str, body: str) -> str:
    title = subject.strip()
    lowered = title.lower()
    for prefix in ("re:", "fwd:", "fw:", "件名:"):
        if lowered.startswith(prefix):
            title = title[len(prefix) :].strip()
            lowered = title.lower()
    if not title:
        title = next((line.strip() for line in body.splitlines() if line.strip()), "")
    return title[: settings.SODAN_MAX_TITLE_CHARS]


def _start(inbound: InboundMessage, message: Message, recipient: Any) -> None:
    brand = _brand_for(recipient)
    if brand is None:
        return _refuse(inbound, Reason.UNKNOWN_BRAND, "")
    if _auth_failed(inbound):
        return _refuse(inbound, Reason.AUTH_FAILED, str(inbound.verdicts))
    if not inbound.sender:
        return _refuse(inbound, Reason.FORGED, "no sender")
    if _already_received(inbound):
        return _refuse(inbound, Reason.REPLAY, "")
    count, seconds = settings.SODAN_RATE_LIMITS["mail_thread"]
    since = timezone.now() - timedelta(seconds=seconds)
    if (
        settings.SODAN_RATE_LIMITS_ENABLED
        and MailThreadDraft.objects.filter(sender=inbound.sender, created_at__gte=since).count()
        >= count
    ):
        # Not told: anyone can put another's address in From, and we send no mail storms.
        return _refuse(inbound, Reason.RATE_LIMITED, f"{count} in {seconds} s")
    body = reply_text(body_text(message))
    if not body.strip():
        return _refuse(inbound, Reason.EMPTY, "")
    draft = MailThreadDraft.objects.create(
        brand=brand,
        sender=inbound.sender,
        title=_title_from(inbound.subject, body),
        body=body,
        inbound=inbound,
    )
    inbound.status = Status.HELD
    inbound.reason = Reason.NONE
    message_send(tasks.draft_confirmation_send, draft.pk)
    return None


def draft_confirm_token(draft: MailThreadDraft) -> str:
    return TimestampSigner(salt=_CONFIRM_SALT).sign(f"{draft.pk}:{draft.sender}")


def draft_from_token(token: str) -> MailThreadDraft | None:
    """The draft a confirmation link names; None for a bad or expired link."""
    max_age = settings.SODAN_MAILIN_CONFIRM_DAYS * 86400
    try:
        value = TimestampSigner(salt=_CONFIRM_SALT).unsign(token, max_age=max_age)
    except (BadSignature, SignatureExpired):
        return None
    pk, _sep, sender = value.partition(":")
    return (
        MailThreadDraft.objects.select_related("brand", "thread", "inbound")
        .filter(pk=int(pk), sender=sender)
        .first()
    )


def draft_publish(*, actor: Any, draft: MailThreadDraft) -> Any:
    """Publish a thread started by e-mail, as its sender: the signed-in person must hold
    the address it came from, verified. The web form's rules apply as they stand now."""
    from qa.models import Thread
    from qa.services import thread_create

    permissions.check_can_publish_draft(actor, draft)
    with transaction.atomic():
        draft = MailThreadDraft.objects.select_for_update().get(pk=draft.pk)
        if draft.status == MailThreadDraft.Status.PUBLISHED and draft.thread_id:
            return draft.thread
        thread = thread_create(
            author=actor,
            brand=draft.brand,
            title=draft.title,
            body=draft.body,
            channel=Thread.Channel.EMAIL,
        )
        _attach(
            user=actor, images=image_parts(message_parse(bytes(draft.inbound.raw))), target=thread
        )
        draft.status = MailThreadDraft.Status.PUBLISHED
        draft.published_at = timezone.now()
        draft.thread = thread
        draft.save(update_fields=["status", "published_at", "thread"])
        InboundMessage.objects.filter(pk=draft.inbound_id).update(
            status=Status.POSTED, user=actor, thread=thread
        )
    return thread


def draft_confirmation_send(draft_id: int) -> bool:
    """Mail the sender of a new thread the link that publishes it."""
    draft = MailThreadDraft.objects.select_related("brand", "inbound").filter(pk=draft_id).first()
    if draft is None or draft.status != MailThreadDraft.Status.WAITING:
        return False
    if not _claim_notice(draft.inbound_id):
        return False
    member = User.objects.filter(email__iexact=draft.sender).first()
    # A member reads it in their language; someone new in the language they wrote in.
    if member is not None:
        language = member.language or settings.LANGUAGE_CODE
    else:
        wrote_japanese = re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", draft.title + draft.body)
        language = "ja" if wrote_japanese else settings.LANGUAGE_CODE
    link = _absolute(reverse("mailin:confirm", kwargs={"token": draft_confirm_token(draft)}))
    with translation.override(language):
        context = {
            "draft": draft,
            "brand": draft.brand,
            "link": link,
            "member": member,
            "days": settings.SODAN_MAILIN_CONFIRM_DAYS,
        }
        mail = OutgoingMail(
            subject=render_to_string("mailin/confirm_subject.txt", context).strip(),
            body=render_to_string("mailin/confirm.txt", context),
            to=[draft.sender],
            headers={
                "Auto-Submitted": "auto-replied",
                "In-Reply-To": draft.inbound.message_id,
                "Content-Language": language,
            },
        )
        mail.send()
    return True
