"""Flags: any customer reports a post once; enough flags (or one from a moderator) hide it
pending review."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from qa.models import Answer, Thread, Visibility
from reputation.permissions import flags_weight

from ..models import Flag
from ..permissions import check_can_flag, moderates
from ..ratelimit import rate_limit_hit
from .actions import _brand_of, _notify_author, _set_visibility
from .audit import audit_log_record

USER_REASONS = {r for r in Flag.Reason.values if r != Flag.Reason.CRISIS}


@transaction.atomic
def flag_create(
    *,
    flagger: Any,
    reason: str,
    thread: Thread | None = None,
    answer: Answer | None = None,
    note: str = "",
    duplicate_of: Thread | None = None,
) -> Flag:
    if (thread is None) == (answer is None):
        raise ValueError("Flag exactly one of thread or answer.")
    post = thread or answer
    check_can_flag(flagger, post)
    note = (note or "").strip()
    errors: dict[str, list[str]] = {}
    if reason not in USER_REASONS:
        errors["reason"] = [_("Choose why you are flagging this.")]
    if reason == Flag.Reason.INACCURATE and not note:
        errors["note"] = [_("Say what is inaccurate, so a moderator can check it.")]
    if len(note) > 2000:
        errors["note"] = [_("Keep the note under 2,000 characters.")]
    if reason == Flag.Reason.DUPLICATE:
        own_thread = thread or answer.thread
        if duplicate_of is None:
            errors["duplicate_of"] = [_("Link the original thread.")]
        elif duplicate_of.pk == own_thread.pk:
            errors["duplicate_of"] = [_("A thread can't be a duplicate of itself.")]
    if errors:
        raise ValidationError(errors)
    rate_limit_hit(user=flagger, action="flag")
    brand = _brand_of(post)
    try:
        with transaction.atomic():
            flag = Flag.objects.create(
                thread=thread,
                answer=answer,
                brand=brand,
                flagger=flagger,
                reason=reason,
                note=note,
                duplicate_of=duplicate_of if reason == Flag.Reason.DUPLICATE else None,
            )
    except IntegrityError:
        raise ValidationError(
            {"reason": [_("You have already flagged this; moderators will look at it.")]}
        ) from None
    _hide_if_flagged_enough(post, flag=flag, flagger=flagger)
    return flag


def _hide_if_flagged_enough(post: Thread | Answer, *, flag: Flag, flagger: Any) -> None:
    if post.visibility != Visibility.PUBLISHED:
        return
    kind = "thread" if isinstance(post, Thread) else "answer"
    flaggers = list(
        Flag.objects.open()
        .filter(**{kind: post}, flagger__isnull=False)
        .values_list("flagger", flat=True)
        .distinct()
    )
    people = len(flaggers)
    # A flag from a member with standing in the brand counts for more (reputation levels);
    # it only hides pending review, as anyone's flags do: no moderation power.
    weight = flags_weight(flaggers, _brand_of(post))
    by_moderator = moderates(flagger, _brand_of(post))
    if not by_moderator and weight < settings.SODAN_FLAGS_TO_HIDE:
        return
    _set_visibility(post, Visibility.HIDDEN)
    reasons = sorted(
        {
            str(Flag.Reason(r).label)
            for r in Flag.objects.open().filter(**{kind: post}).values_list("reason", flat=True)
        }
    )
    entry = audit_log_record(
        actor=None,
        action=f"{kind}.auto_hide",
        target=post,
        brand=_brand_of(post),
        reason=_("Hidden pending review after flags: %(reasons)s.")
        % {"reasons": ", ".join(reasons)},
        data={"flags": people, "weight": weight, "by_moderator": by_moderator, "flag": flag.pk},
    )
    _notify_author(entry)
