"""A reply to a notification: an answer on the thread or a message in the private case,
by the person the reply address was made for, through the web form's own services."""

from __future__ import annotations

import hashlib
from email.message import Message
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from attachments.services import AttachmentRefused
from community.models import User
from moderation.ratelimit import RateLimited

from ..addresses import TokenExpired, TokenInvalid, token_read
from ..models import InboundMessage
from ..parsing import (
    body_text,
    image_parts,
    reply_text,
)
from .inbound import (
    _already_received,
    _attach,
    _auth_failed,
    _refuse,
    member_addresses,
)

Reason = InboundMessage.Reason
Status = InboundMessage.Status


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
        if inbound.thread is None and inbound.case is None:
            return _refuse(
                inbound, Reason.NOT_ALLOWED, _("What you replied to is no longer there.")
            )
        images = image_parts(message)
        try:
            with transaction.atomic():
                if inbound.thread is not None:
                    _answer(inbound, user=user, text=text, images=images)
                else:
                    _case_message(inbound, user=user, text=text, images=images)
        except PermissionDenied as refusal:
            return _refuse(inbound, Reason.NOT_ALLOWED, str(refusal))
        except RateLimited as limited:
            return _refuse(inbound, Reason.RATE_LIMITED, limited.message)
        except ValidationError as invalid:
            return _refuse(inbound, Reason.INVALID, " ".join(invalid.messages))
        except AttachmentRefused as refused:
            return _refuse(inbound, Reason.INVALID, str(refused))
    inbound.status = Status.POSTED
    inbound.reason = Reason.NONE
    return None


def _point_at(inbound: InboundMessage, kind: str, target_id: int) -> None:
    from cases.models import Case
    from qa.models import Thread

    if kind == "thread":
        inbound.thread = Thread.objects.select_related("brand").filter(pk=target_id).first()
    else:
        inbound.case = Case.objects.filter(pk=target_id).first()


def _answer(inbound: InboundMessage, *, user: Any, text: str, images: list) -> None:
    from qa.models import Answer
    from qa.services import answer_create

    post = answer_create(author=user, thread=inbound.thread, body=text)
    if isinstance(post, Answer):
        inbound.answer = post
        _attach(user=user, images=images, target=post)
    else:  # a rep's official answer held for the brand's approver: the draft waits there
        inbound.detail = _("Your answer waits for your brand's approval.")


def _case_message(inbound: InboundMessage, *, user: Any, text: str, images: list) -> None:
    from cases.services import case_message_post

    inbound.case_message = case_message_post(actor=user, case=inbound.case, body=text)
    _attach(user=user, images=images, target=inbound.case_message)
