"""The short mails back to a member whose reply by e-mail was refused."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage as OutgoingMail
from django.template.loader import render_to_string
from django.utils import timezone, translation

from ..models import InboundMessage
from .inbound import TOLD_REASONS

Reason = InboundMessage.Reason
Status = InboundMessage.Status


# --- Out: the short mails back -------------------------------------------------------------


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _claim_notice(inbound_id: int) -> bool:
    """Take the right to send this mail's notice once (the outbox delivers at least once)."""
    return bool(
        InboundMessage.objects.filter(pk=inbound_id, notice_sent_at__isnull=True).update(
            notice_sent_at=timezone.now()
        )
    )


def refusal_notify(inbound_id: int) -> bool:
    """Tell the member, in their language, why their mail was not posted."""
    inbound = (
        InboundMessage.objects.select_related("user", "thread", "case")
        .filter(pk=inbound_id, status=Status.REFUSED, reason__in=TOLD_REASONS)
        .first()
    )
    if inbound is None or inbound.user is None or not _claim_notice(inbound.pk):
        return False
    user = inbound.user
    link = ""
    if inbound.thread is not None:
        link = _absolute(inbound.thread.get_absolute_url())
    elif inbound.case is not None:
        link = _absolute(inbound.case.get_absolute_url())
    with translation.override(user.language or settings.LANGUAGE_CODE):
        context = {"inbound": inbound, "user": user, "link": link}
        mail = OutgoingMail(
            subject=render_to_string("mailin/refusal_subject.txt", context).strip(),
            body=render_to_string("mailin/refusal.txt", context),
            to=[inbound.sender],
            headers={
                "Auto-Submitted": "auto-replied",
                "In-Reply-To": inbound.message_id,
                "Content-Language": translation.get_language(),
            },
        )
        mail.send()
    return True
