"""Appeals: the author of a removed post asks once for a second look; a different
moderator decides, and the decision and its reason are logged and sent to the author."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from outbox.services import message_send
from qa.models import Answer, Thread, Visibility

from .. import permissions
from ..models import Appeal, AuditLogEntry, Flag
from .actions import _brand_of, _resolve_flags, _set_visibility
from .audit import audit_log_record

REMOVALS = ("hide", "delete", "auto_hide")


def removal_of(post: Thread | Answer) -> AuditLogEntry | None:
    """The moderator action (or automatic hide) that removed the post, if it is removed."""
    if post.visibility == Visibility.PUBLISHED:
        return None
    kind = "thread" if isinstance(post, Thread) else "answer"
    return (
        AuditLogEntry.objects.for_object(post)
        .filter(action__in=[f"{kind}.{a}" for a in REMOVALS])
        .order_by("-created_at", "-id")
        .first()
    )


@transaction.atomic
def appeal_create(*, author: Any, post: Thread | Answer, message: str) -> Appeal:
    removal = permissions.check_can_appeal(author, post)
    message = (message or "").strip()
    if not message:
        raise ValidationError({"message": [_("Tell the moderators why the post should return.")]})
    if len(message) > 2000:
        raise ValidationError({"message": [_("Keep the message under 2,000 characters.")]})
    kind = "thread" if isinstance(post, Thread) else "answer"
    try:
        with transaction.atomic():
            appeal = Appeal.objects.create(
                **{kind: post},
                brand=_brand_of(post),
                author=author,
                removal=removal,
                message=message,
            )
    except IntegrityError:
        raise permissions.appealed_once() from None
    audit_log_record(actor=author, action=f"{kind}.appeal", target=post, reason=message)
    return appeal


@transaction.atomic
def appeal_decide(*, moderator: Any, appeal: Appeal, decision: str, reason: str) -> Appeal:
    appeal = Appeal.objects.select_for_update().select_related("removal").get(pk=appeal.pk)
    post = appeal.target
    permissions.check_can_decide_appeal(moderator, appeal, _brand_of(post))
    if appeal.decided_at is not None:
        raise ValidationError({"decision": [_("This appeal has already been decided.")]})
    if decision not in Appeal.Decision.values:
        raise ValidationError({"decision": [_("Choose to uphold or reverse the removal.")]})
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Say why: the author is told.")]})
    appeal.decided_at = timezone.now()
    appeal.decided_by = moderator
    appeal.decision = decision
    appeal.decision_reason = reason
    appeal.save(update_fields=["decided_at", "decided_by", "decision", "decision_reason"])
    if decision == Appeal.Decision.REVERSED:
        _set_visibility(post, Visibility.PUBLISHED)
        _resolve_flags(post, actor=moderator, resolution=Flag.Resolution.DISMISSED)
    kind = "thread" if isinstance(post, Thread) else "answer"
    entry = audit_log_record(
        actor=moderator,
        action=f"{kind}.appeal_{decision}",
        target=post,
        reason=reason,
        data={"appeal": appeal.pk},
    )
    from ..tasks import notify_appeal_decided

    message_send(notify_appeal_decided, entry.pk, appeal.pk)
    return appeal
