"""Mail in: a reply to a notification becomes an answer (or a private case message) by
that person; a mail to a brand's address becomes a thread once its sender confirms it.

Every way in (the mail provider's webhook, Sodan's own SMTP receiver) hands the message to
`message_receive`, which keeps it first and processes it through the outbox. Processing
calls the web form's own services (qa.services.answer_create, qa.services.thread_create,
cases.services.case_message_post), so the same rules hold: who may post, rate and link
limits, the sanitizer, the crisis scan, moderation holds and notifications.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Sequence
from datetime import timedelta
from email.message import Message
from typing import Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.mail import EmailMessage as OutgoingMail
from django.core.signing import BadSignature, SignatureExpired, TimestampSigner
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from brands.models import Brand
from community.models import User
from moderation.ratelimit import RateLimited
from moderation.services import audit_log_record
from outbox.services import message_send

from . import permissions, tasks
from .addresses import TokenExpired, TokenInvalid, recipient_parse, token_read
from .models import BrandMailAlias, InboundMessage, MailThreadDraft
from .parsing import (
    body_text,
    header_recipients,
    header_text,
    image_parts,
    is_auto_reply,
    is_bounce,
    message_parse,
    reply_text,
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
_CONFIRM_SALT = "sodan.mailin.thread-draft"


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


def _reply(inbound: InboundMessage, message: Message, token: str) -> None:
    try:
        read = token_read(token)
        expired = False
    except TokenExpired:
        read = token_read(token, now=0)  # genuine: whose it was, so they can be told
        expired = True
    except TokenInvalid:
        return _refuse(inbound, Reason.BAD_ADDRESS, _("This reply address is not valid."))
    user = User.objects.filter(pk=read.user_id).first()
    if user is None:
        return _refuse(inbound, Reason.BAD_ADDRESS, _("This reply address is not valid."))
    if inbound.sender not in member_addresses(user):
        return _refuse(inbound, Reason.FORGED, f"reply address of member {user.pk}")
    if _auth_failed(inbound):
        return _refuse(inbound, Reason.AUTH_FAILED, str(inbound.verdicts))
    inbound.user = user
    _point_at(inbound, read.kind, read.target_id)  # the link in a refusal's mail
    with translation.override(user.language or settings.LANGUAGE_CODE):
        if expired:
            return _refuse(
                inbound,
                Reason.EXPIRED,
                _(
                    "The address you replied to is more than %(days)d days old. Reply on the "
                    "site instead, or to a newer notification."
                )
                % {"days": settings.SODAN_MAILIN_TOKEN_MAX_AGE_DAYS},
            )
        text = reply_text(body_text(message))
        inbound.body_hash = hashlib.sha256(text.encode()).hexdigest()
        if _already_received(inbound) or (
            InboundMessage.objects.filter(
                token=inbound.token, body_hash=inbound.body_hash, status=Status.POSTED
            )
            .exclude(pk=inbound.pk)
            .exists()
        ):
            return _refuse(inbound, Reason.REPLAY, "")
        if not text.strip():
            return _refuse(
                inbound,
                Reason.EMPTY,
                _("We found no new text above the quoted mail, so nothing was posted."),
            )
        images = image_parts(message)
        try:
            with transaction.atomic():
                if read.kind == "thread":
                    _answer(inbound, user=user, thread_id=read.target_id, text=text, images=images)
                else:
                    _case_message(
                        inbound, user=user, case_id=read.target_id, text=text, images=images
                    )
        except PermissionDenied as refusal:
            return _refuse(inbound, Reason.NOT_ALLOWED, str(refusal))
        except RateLimited as limited:
            return _refuse(inbound, Reason.RATE_LIMITED, limited.message)
        except ValidationError as invalid:
            return _refuse(inbound, Reason.INVALID, " ".join(invalid.messages))
        except _attachment_refused() as refused:
            return _refuse(inbound, Reason.INVALID, str(refused))
    inbound.status = Status.POSTED
    inbound.reason = Reason.NONE
    return None


def _point_at(inbound: InboundMessage, kind: str, target_id: int) -> None:
    from cases.models import Case
    from qa.models import Thread

    if kind == "thread":
        inbound.thread = Thread.objects.filter(pk=target_id).first()
    else:
        inbound.case = Case.objects.filter(pk=target_id).first()


def _answer(inbound: InboundMessage, *, user: Any, thread_id: int, text: str, images) -> None:
    from qa.models import Answer, Thread
    from qa.services import answer_create

    thread = Thread.objects.select_related("brand").filter(pk=thread_id).first()
    if thread is None:
        raise PermissionDenied(_("This thread is no longer there."))
    post = answer_create(author=user, thread=thread, body=text)
    inbound.thread = thread
    if isinstance(post, Answer):
        inbound.answer = post
        _attach(user=user, images=images, target=post)
    else:  # a rep's official answer held for the brand's approver: the draft waits there
        inbound.detail = _("Your answer waits for your brand's approval.")


def _case_message(inbound: InboundMessage, *, user: Any, case_id: int, text: str, images) -> None:
    from cases.models import Case
    from cases.services import case_message_post

    case = Case.objects.filter(pk=case_id).first()
    if case is None:
        raise PermissionDenied(_("This case is no longer there."))
    inbound.case = case
    inbound.case_message = case_message_post(actor=user, case=case, body=text)
    _attach(user=user, images=images, target=inbound.case_message)


def _attachment_refused() -> type[Exception]:
    try:
        from attachments.services import AttachmentRefused
    except ImportError:  # the attachments app is optional: mail images are then left out
        return _NeverRaised
    return AttachmentRefused


class _NeverRaised(Exception):
    pass


def _attach(*, user: Any, images: Sequence, target: Any) -> None:
    """Images in the mail follow the attachment rules (count, size, kind, re-encoding)."""
    if not images:
        return
    try:
        from attachments.services import attachments_store
    except ImportError:
        return
    files = [
        SimpleUploadedFile(image.filename or "image", image.data, content_type=image.content_type)
        for image in images
    ]
    alt_texts = [
        image.description or image.filename or _("Image attached by e-mail") for image in images
    ]
    attachments_store(uploader=user, files=files, alt_texts=alt_texts, target=target)


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
            headers={"Auto-Submitted": "auto-replied", "In-Reply-To": inbound.message_id},
        )
        mail.send()
    return True


def draft_confirmation_send(draft_id: int) -> bool:
    """Mail the sender of a new thread the link that publishes it."""
    draft = MailThreadDraft.objects.select_related("brand", "inbound").filter(pk=draft_id).first()
    if draft is None or draft.status != MailThreadDraft.Status.WAITING:
        return False
    if not _claim_notice(draft.inbound_id):
        return False
    member = User.objects.filter(email__iexact=draft.sender).first()
    language = (member.language if member else "") or settings.LANGUAGE_CODE
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
            headers={"Auto-Submitted": "auto-replied", "In-Reply-To": draft.inbound.message_id},
        )
        mail.send()
    return True


# --- A brand's extra addresses -------------------------------------------------------------

_RESERVED_LOCAL_PARTS = {
    "reply",
    "support",
    "postmaster",
    "abuse",
    "mailer-daemon",
    "noreply",
    "no-reply",
    "hostmaster",
    "webmaster",
    "admin",
    "root",
}
_LOCAL_PART = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")


@transaction.atomic
def mail_alias_add(*, actor: Any, brand: Brand, local_part: str) -> BrandMailAlias:
    """Another address at the mail domain that starts threads in this brand."""
    permissions.check_can_manage_mail_addresses(actor, brand)
    local_part = (local_part or "").strip().lower().split("@")[0]
    if not _LOCAL_PART.match(local_part) or "+" in local_part:
        raise ValidationError(
            {
                "local_part": [
                    _("Use letters, digits, dots, hyphens and underscores, up to 64 of them.")
                ]
            }
        )
    if local_part in _RESERVED_LOCAL_PARTS:
        raise ValidationError({"local_part": [_("That address is reserved; choose another.")]})
    if BrandMailAlias.objects.filter(local_part=local_part).exists():
        raise ValidationError({"local_part": [_("That address is already taken.")]})
    alias = BrandMailAlias.objects.create(brand=brand, local_part=local_part)
    audit_log_record(
        actor=actor,
        action="mail_alias.add",
        target=alias,
        brand=brand,
        data={"address": local_part},
    )
    return alias


@transaction.atomic
def mail_alias_remove(*, actor: Any, alias: BrandMailAlias) -> None:
    permissions.check_can_manage_mail_addresses(actor, alias.brand)
    audit_log_record(
        actor=actor,
        action="mail_alias.remove",
        brand=alias.brand,
        data={"address": alias.local_part},
    )
    alias.delete()
