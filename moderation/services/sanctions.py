"""Sanctions: suspend a member for a period, or ban. A suspended member reads but cannot
post, vote or flag, and is told until when and why."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from community.models import BAN_YEAR, User
from outbox.services import message_send

from .. import permissions
from ..models import Sanction
from .audit import audit_log_record

MAX_SUSPENSION_DAYS = 365


def _check(moderator: Any, member: User, reason: str) -> str:
    permissions.check_can_sanction_member(moderator, member)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Say why: the member is told.")]})
    if len(reason) > 300:
        raise ValidationError({"reason": [_("Keep the reason under 300 characters.")]})
    return reason


def _apply(*, moderator: Any, member: User, kind: str, until: dt.datetime, reason: str) -> Sanction:
    Sanction.objects.filter(user=member, lifted_at__isnull=True).update(
        lifted_at=timezone.now(), lifted_by=moderator
    )
    sanction = Sanction.objects.create(
        user=member,
        kind=kind,
        until=None if kind == Sanction.Kind.BAN else until,
        reason=reason,
        imposed_by=moderator,
    )
    User.objects.filter(pk=member.pk).update(suspended_until=until, suspension_reason=reason)
    member.suspended_until, member.suspension_reason = until, reason
    entry = audit_log_record(
        actor=moderator,
        action=f"member.{kind}",
        target=member,
        reason=reason,
        data={"until": until.isoformat(), "sanction": sanction.pk},
    )
    from ..tasks import notify_sanction

    message_send(notify_sanction, entry.pk)
    return sanction


@transaction.atomic
def member_suspend(*, moderator: Any, member: User, days: int, reason: str) -> Sanction:
    reason = _check(moderator, member, reason)
    if not 1 <= int(days) <= MAX_SUSPENSION_DAYS:
        raise ValidationError(
            {
                "days": [
                    _("Suspend for 1 to %(max)d days; ban for longer.")
                    % {"max": MAX_SUSPENSION_DAYS}
                ]
            }
        )
    until = timezone.now() + dt.timedelta(days=int(days))
    return _apply(
        moderator=moderator,
        member=member,
        kind=Sanction.Kind.SUSPENSION,
        until=until,
        reason=reason,
    )


@transaction.atomic
def member_ban(*, moderator: Any, member: User, reason: str) -> Sanction:
    reason = _check(moderator, member, reason)
    until = dt.datetime(BAN_YEAR, 12, 31, tzinfo=dt.UTC)
    return _apply(
        moderator=moderator, member=member, kind=Sanction.Kind.BAN, until=until, reason=reason
    )


@transaction.atomic
def member_ban_and_remove_posts(*, moderator: Any, member: User, reason: str) -> Sanction:
    """For spammers: ban, and hide every post of theirs that is still public (or waiting
    for review), each with its own audit entry. The member gets one notice, the ban's;
    each hidden post can still be appealed. All or nothing: if the moderator works for a
    brand the member posted in, nothing is done and the refusal says which."""
    from qa.models import Answer, Thread, Visibility

    from ..models import Flag
    from .actions import _act

    reason = _check(moderator, member, reason)
    flagged = set(
        Flag.objects.open()
        .filter(Q(thread__author=member) | Q(answer__author=member))
        .values_list("thread_id", "answer_id")
    )
    flagged_threads = {thread_id for thread_id, _a in flagged if thread_id}
    flagged_answers = {answer_id for _t, answer_id in flagged if answer_id}
    threads = Thread.objects.filter(author=member).select_related("brand").order_by("pk")
    answers = Answer.objects.filter(author=member).select_related("thread__brand").order_by("pk")
    posts: list[Thread | Answer] = [
        *(
            t
            for t in threads.exclude(visibility=Visibility.DELETED)
            if t.visibility == Visibility.PUBLISHED or t.pk in flagged_threads
        ),
        *(
            a
            for a in answers.exclude(visibility=Visibility.DELETED)
            if a.visibility == Visibility.PUBLISHED or a.pk in flagged_answers
        ),
    ]
    permissions.check_can_moderate_member_posts(
        moderator,
        (post.brand if isinstance(post, Thread) else post.thread.brand for post in posts),
    )
    sanction = member_ban(moderator=moderator, member=member, reason=reason)
    for post in posts:
        _act(
            actor=moderator,
            post=post,
            action="hide",
            reason=reason,
            visibility=Visibility.HIDDEN,
            data={"ban": sanction.pk},
            notify=False,
        )
    return sanction


@transaction.atomic
def sanction_lift(*, moderator: Any, member: User, reason: str) -> int:
    permissions.check_can_sanction(moderator)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Say why the sanction is lifted.")]})
    lifted = Sanction.objects.filter(user=member, lifted_at__isnull=True).update(
        lifted_at=timezone.now(), lifted_by=moderator
    )
    User.objects.filter(pk=member.pk).update(suspended_until=None, suspension_reason="")
    member.suspended_until, member.suspension_reason = None, ""
    audit_log_record(actor=moderator, action="member.sanction_lifted", target=member, reason=reason)
    return lifted
