"""Reads for approvals and canned replies: whether an official answer needs approval, the
approvers' queue, a thread's drafts for its team, the reports' approvals table and the
answer form's canned-reply picker."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.db.models import Q
from django.utils.translation import gettext as _

from . import canned, permissions
from .models import ApprovalRule, Brand, CannedReply, Membership, OfficialDraft

if TYPE_CHECKING:
    from qa.models import Thread

    from .reports import Table


@dataclass(frozen=True)
class ApprovalNeed:
    """Why an official answer (or endorsement) waits for approval, and who may give it."""

    rule: ApprovalRule | None
    by_trainee: bool
    admins_approve: bool


def approval_needed(*, author: Any, thread: Thread, kind: str) -> ApprovalNeed | None:
    """Whether what `author` writes for the thread's brand waits for an approver: always
    for a member in training, otherwise when a rule of the brand holds the thread's type
    and product (the most specific rule decides who approves). None: publish at once."""
    brand = thread.brand
    membership = (
        Membership.objects.active()
        .filter(brand=brand, user_id=author.pk)
        .only("in_training")
        .first()
    )
    if membership is None:
        return None
    if membership.in_training:
        return ApprovalNeed(rule=None, by_trainee=True, admins_approve=True)
    rules = (
        ApprovalRule.objects.for_brand(brand)
        .filter(kind=kind)
        .filter(Q(thread_type="") | Q(thread_type=thread.type))
        .filter(Q(product__isnull=True) | Q(product_id=thread.product_id))
    )
    # The most specific rule decides: product before thread type before "every thread".
    rule = min(
        rules,
        key=lambda found: (found.product_id is None, found.thread_type == "", found.pk),
        default=None,
    )
    if rule is None:
        return None
    approvers_and_admins = rule.approvers == ApprovalRule.Approvers.APPROVERS_AND_ADMINS
    return ApprovalNeed(rule=rule, by_trainee=False, admins_approve=approvers_and_admins)


def rule_label(rule: ApprovalRule) -> str:
    """A rule as the team page lists it: what, which threads, who approves."""
    from qa.models import Thread

    what = rule.get_kind_display()
    where = []
    if rule.thread_type:
        where.append(str(dict(Thread.Type.choices).get(rule.thread_type, rule.thread_type)))
    if rule.product_id:
        where.append(rule.product.name)
    scope = " · ".join(where) or _("every thread")
    return _("%(what)s in %(scope)s: approved by %(who)s") % {
        "what": what,
        "scope": scope,
        "who": rule.get_approvers_display().lower(),
    }


def draft_reason(draft: OfficialDraft) -> str:
    """Why the draft waits for approval, in the reader's language."""
    if draft.by_trainee:
        return _(
            "%(name)s is in training: everything they publish for the brand is approved first."
        ) % {"name": draft.author.public_name}
    if draft.rule is not None:
        return rule_label(draft.rule)
    return _("A rule of the brand asks for approval.")


def draft_queue(*, brand: Brand, user: Any) -> list[OfficialDraft]:
    """The brand's open drafts, oldest first, each marked with whether the viewer may
    approve it and whether it is theirs to revise: the same queries for one or many (the
    drafts with their threads, authors and rules, and the viewer's membership)."""
    drafts = list(
        OfficialDraft.objects.for_brand(brand)
        .open()
        .select_related("author", "thread__product", "thread__author", "rule__product", "answer")
        .order_by("submitted_at", "id")
    )
    for draft in drafts:
        draft.brand = brand
        draft.viewer_can_approve = draft.status == OfficialDraft.Status.PENDING and (
            permissions.can_approve_draft(user, draft)  # the viewer's seat: one query, kept
        )
        draft.viewer_is_author = draft.author_id == user.pk
        draft.reason = draft_reason(draft)
    return drafts


def thread_drafts(*, thread: Thread, user: Any) -> list[OfficialDraft]:
    """A thread's open drafts, for its brand's team on the thread page (nobody else: the
    caller asks only for someone with a role here)."""
    if not permissions.can_read_drafts(user, thread.brand):
        return []
    drafts = list(
        OfficialDraft.objects.filter(thread=thread, brand=thread.brand)
        .open()
        .select_related("author")
        .order_by("submitted_at", "id")
    )
    for draft in drafts:
        draft.brand = thread.brand
    return drafts


def canned_replies(*, brand: Brand) -> list[CannedReply]:
    return list(CannedReply.objects.for_brand(brand).order_by("language", "title"))


@dataclass(frozen=True)
class PickerReply:
    pk: int
    title: str
    language: str
    text: str
    preview: str


def canned_picker(*, thread: Thread, user: Any) -> list[PickerReply]:
    """The brand's canned replies filled in for this thread, for the picker beside the
    answer form: only for those who may write its official answers (one query)."""
    brand = thread.brand
    if not permissions.can_use_canned_replies(user, brand):
        return []
    values = canned.placeholder_values(thread)
    replies = []
    for reply in canned_replies(brand=brand):
        text = canned.fill(reply.body, values)
        replies.append(
            PickerReply(
                pk=reply.pk,
                title=reply.title,
                language=reply.get_language_display(),
                text=text,
                preview=canned.preview(text),
            )
        )
    return replies


def approvals_table(brand: Brand, start: datetime, weeks: int) -> Table:
    """The reports page's approvals, per week drafts were sent: how many were approved,
    the median and 90th-percentile time from first submission to approval, and the share
    that came back for changes at least once. One query (a row per draft of the period)."""
    from .reports import Table, _week_index, _week_label, duration_label, percentile

    drafts = (
        OfficialDraft.objects.for_brand(brand)
        .filter(created_at__gte=start)
        .exclude(status=OfficialDraft.Status.WITHDRAWN)
        .values_list("created_at", "decided_at", "status", "rejection_count")
    )
    weekly: list[dict[str, Any]] = [
        {"sent": 0, "approved": 0, "rejected": 0, "hours": []} for _week in range(weeks)
    ]
    for created_at, decided_at, status, rejection_count in drafts:
        index = _week_index(created_at, start)
        if not 0 <= index < weeks:
            continue
        week = weekly[index]
        week["sent"] += 1
        if rejection_count:
            week["rejected"] += 1
        if status == OfficialDraft.Status.PUBLISHED and decided_at is not None:
            week["approved"] += 1
            week["hours"].append((decided_at - created_at).total_seconds() / 3600)
    rows = []
    for index, week in enumerate(weekly):
        if not week["sent"]:
            continue
        rate = round(100 * week["rejected"] / week["sent"])
        rows.append(
            [
                _week_label(start + timedelta(weeks=index)),
                week["sent"],
                week["approved"],
                duration_label(percentile(week["hours"], 0.5)),
                duration_label(percentile(week["hours"], 0.9)),
                f"{rate}%",
            ]
        )
    return Table(
        key="approvals",
        title=_("Approvals of official answers"),
        columns=[
            _("Week sent"),
            _("Drafts"),
            _("Approved"),
            _("Median time to approve"),
            _("90th percentile"),
            _("Sent back for changes"),
        ],
        rows=rows,
    )
