"""Reads for moderators: the review queue, re-checks and appeals, scoped to the brands
the viewer moderates neutrally."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Min, Q, QuerySet

from brands.models import Membership
from qa.models import Answer, Thread

from .models import Appeal, Flag, ModeratorAppointment, Verification


def moderated_brand_filter(user: Any, field: str = "brand") -> Q:
    """A Q that keeps rows of brands this person moderates neutrally."""
    if user.is_staff:
        return Q()
    own = Membership.objects.active().filter(user=user).values("brand")
    appointments = ModeratorAppointment.objects.filter(user=user)
    if appointments.filter(brand__isnull=True).exists():
        return ~Q(**{f"{field}__in": own})
    return Q(**{f"{field}__in": appointments.values("brand")}) & ~Q(**{f"{field}__in": own})


def review_queue(*, user: Any, brand_id: int | None = None, reason: str = "") -> QuerySet:
    """Flagged posts, one row per post, oldest first flag first."""
    flags = Flag.objects.open().filter(moderated_brand_filter(user))
    if brand_id:
        flags = flags.filter(brand_id=brand_id)
    if reason:
        flags = flags.filter(reason=reason)
    return (
        flags.values("thread_id", "answer_id", "brand_id")
        .annotate(first_flagged=Min("created_at"), flag_count=Count("id"))
        .order_by("first_flagged", "thread_id", "answer_id")
    )


def queue_page_items(rows: list[dict]) -> list[dict]:
    """Load the posts and open flags of one page of the queue (three queries)."""
    thread_ids = {r["thread_id"] for r in rows if r["thread_id"]}
    answer_ids = {r["answer_id"] for r in rows if r["answer_id"]}
    threads = Thread.objects.select_related("brand", "author").in_bulk(thread_ids)
    answers = Answer.objects.select_related("thread__brand", "author").in_bulk(answer_ids)
    flags: dict[tuple, list[Flag]] = {}
    for flag in (
        Flag.objects.open()
        .filter(Q(thread_id__in=thread_ids) | Q(answer_id__in=answer_ids))
        .select_related("flagger", "duplicate_of")
    ):
        flags.setdefault((flag.thread_id, flag.answer_id), []).append(flag)
    items = []
    for row in rows:
        post = threads.get(row["thread_id"]) or answers.get(row["answer_id"])
        if post is None:
            continue
        items.append(
            {
                **row,
                "post": post,
                "kind": "thread" if row["thread_id"] else "answer",
                "thread": post if row["thread_id"] else post.thread,
                "flags": flags.get((row["thread_id"], row["answer_id"]), []),
            }
        )
    return items


def rechecks(*, user: Any) -> QuerySet[Verification]:
    return (
        Verification.objects.filter(status=Verification.Status.WITHDRAWN)
        .filter(moderated_brand_filter(user, "answer__thread__brand"))
        .select_related("answer__thread__brand", "answer__author", "moderator")
        .order_by("withdrawn_at", "id")
    )


def open_appeals(*, user: Any) -> QuerySet[Appeal]:
    return (
        Appeal.objects.filter(decided_at__isnull=True)
        .filter(moderated_brand_filter(user))
        .select_related("thread", "answer__thread", "author", "removal__actor", "brand")
        .order_by("created_at", "id")
    )


def removal_reason(post: Thread | Answer) -> str:
    """Why a post is hidden or removed: the reason its author is shown (one query)."""
    from .services.appeals import removal_of

    entry = removal_of(post)
    return entry.reason if entry else ""


def is_held(post: Thread | Answer) -> bool:
    """Whether a post that is not published waits for review under its brand's first-post
    hold (one query), so its author is told "waiting for review", not "hidden"."""
    from .services.holds import is_held as held

    return held(post)
