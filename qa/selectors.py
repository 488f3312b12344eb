"""Reads that span models, each with its relations loaded so templates never query."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from brands.models import Brand
from community.viewer_facts import SOURCES

from .facts import ME_TOO, VOTES
from .models import Answer, Thread


def brand_threads(
    *,
    brand: Brand,
    user: Any,
    product_slug: str = "",
    type: str = "",
    status: str = "",
    sort: str = "newest",
) -> QuerySet[Thread]:
    threads = Thread.objects.for_brand(brand).listed().with_list_relations()
    if product_slug:
        threads = threads.filter(product__slug=product_slug)
    if type:
        threads = threads.filter(type=type)
    if status:
        threads = threads.filter(status=status)
    if sort == "me_too":
        return threads.order_by("-me_too_count", "-created_at", "-id")
    if sort == "unanswered":
        threads = threads.unanswered()
    return threads.order_by("-created_at", "-id")


def thread_answers(*, thread: Thread, user: Any) -> list[Answer]:
    """Published answers in reading order, each marked with whether the viewer voted.

    Two queries whatever the number of answers: answers with authors, and the viewer's
    votes (none when the page loaded the viewer's facts already).
    """
    answers = list(
        Answer.objects.filter(thread=thread)
        .visible_to(user)
        .select_related(
            "author",
            "accepted_by",
            "verified_by",
            "endorsed_by",
            "official_for",
            "approval__approved_by",  # an approved official answer's approver, joined
        )
        .in_reading_order()
    )
    voted: frozenset[int] = frozenset()
    if getattr(user, "is_authenticated", False) and answers:
        voted = SOURCES[VOTES].recall(user, thread.pk)
    for answer in answers:
        answer.thread = thread  # permission checks read answer.thread.brand: no extra query
        answer.voted_by_viewer = answer.pk in voted
    return answers


def viewer_said_me_too(*, thread: Thread, user: Any) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return SOURCES[ME_TOO].recall(user, thread.pk)


def viewer_voted(*, answer: Answer, user: Any) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return answer.pk in SOURCES[VOTES].recall(user, answer.thread_id)
