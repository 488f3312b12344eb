"""Verification: a neutral moderator states that an answer is accurate. An edit withdraws
it at once and puts it in the re-check queue; a moderator re-verifies or declines."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from integrations import events
from integrations.services import event_emit
from qa.models import Answer
from reputation import services as reputation

from .. import permissions
from ..models import Verification
from .actions import _reindex
from .audit import audit_log_record


@transaction.atomic
def answer_verify(
    *, moderator: Any, answer: Answer, note: str = "", source_url: str = ""
) -> Verification:
    permissions.check_can_verify(moderator, answer)
    note, source_url = (note or "").strip(), (source_url or "").strip()
    if source_url:
        try:
            URLValidator(schemes=["http", "https"])(source_url)
        except ValidationError:
            raise ValidationError(
                {"source_url": [_("Enter a web address starting with http:// or https://.")]}
            ) from None
    if len(note) > 2000:
        raise ValidationError({"note": [_("Keep the note under 2,000 characters.")]})
    locked = Answer.objects.select_for_update().get(pk=answer.pk)
    if locked.verified_at is not None:
        raise ValidationError({"note": [_("This answer is already verified.")]})
    now = timezone.now()
    Verification.objects.filter(answer=answer, status=Verification.Status.WITHDRAWN).update(
        status=Verification.Status.RECHECKED, rechecked_at=now, rechecked_by=moderator
    )
    verification = Verification.objects.create(
        answer=answer, moderator=moderator, note=note, source_url=source_url
    )
    Answer.objects.filter(pk=answer.pk).update(verified_at=now, verified_by=moderator)
    answer.verified_at, answer.verified_by = now, moderator
    reputation.reputation_event(  # verification weighs most (SODAN_REPUTATION_POINTS)
        member=answer.author_id,
        brand=answer.thread.brand_id,
        reason=reputation.Reason.VERIFIED,
        source_key=reputation.verified_key(answer_id=answer.pk),
    )
    _reindex(answer.thread_id)  # page and search show the verified answer
    audit_log_record(
        actor=moderator,
        action="answer.verify",
        target=answer,
        brand=answer.thread.brand,
        reason=note,
        data={"source_url": source_url, "verification": verification.pk},
    )
    event_emit(
        brand=answer.thread.brand,
        kind="answer.verified",
        data=lambda: events.answer_verified(answer, verified_by=moderator),
    )
    return verification


def verification_withdraw_after_edit(*, answer: Answer, actor: Any) -> Verification | None:
    """Called by the answer-edit service in its transaction, after it cleared the badge."""
    verification = (
        Verification.objects.select_for_update()
        .filter(answer=answer, status=Verification.Status.ACTIVE)
        .first()
    )
    if verification is None:
        return None
    verification.status = Verification.Status.WITHDRAWN
    verification.withdrawn_at = timezone.now()
    verification.save(update_fields=["status", "withdrawn_at"])
    reputation.reputation_event_reverse(source_key=reputation.verified_key(answer_id=answer.pk))
    audit_log_record(
        actor=actor,
        action="answer.verification_withdrawn",
        target=answer,
        brand=answer.thread.brand,
        reason=_("Verification withdrawn after edit"),
        data={"verification": verification.pk},
    )
    return verification


@transaction.atomic
def verification_decline(*, moderator: Any, verification: Verification, reason: str) -> None:
    """After re-checking an edited answer, the moderator does not verify it again."""
    permissions.check_can_moderate(moderator, verification.answer.thread.brand)
    if verification.status != Verification.Status.WITHDRAWN:
        raise ValidationError({"reason": [_("This verification is not waiting for a re-check.")]})
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Say why the edited answer is not verified again.")]})
    verification.status = Verification.Status.DECLINED
    verification.rechecked_at = timezone.now()
    verification.rechecked_by = moderator
    verification.recheck_reason = reason
    verification.save(update_fields=["status", "rechecked_at", "rechecked_by", "recheck_reason"])
    audit_log_record(
        actor=moderator,
        action="answer.verification_declined",
        target=verification.answer,
        brand=verification.answer.thread.brand,
        reason=reason,
    )
