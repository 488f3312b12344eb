"""The viewer's follow of one thread (community/viewer_facts.py): the thread page's Follow
and Mute buttons are the reader's own slot, loaded with the other facts in one query."""

from __future__ import annotations

from typing import Any

from django.db.models import F, QuerySet

from community.viewer_facts import Row, columns, fact
from qa.models import ThreadSubscription

THREAD_FOLLOW = "follows.thread"

FOLLOWING, MUTED = "following", "muted"


def _state(rows: list[Row]) -> str:
    """ "" (not following), FOLLOWING or MUTED."""
    for _number, text, *_rest in rows:
        return MUTED if text == "1" else FOLLOWING
    return ""


@fact(THREAD_FOLLOW, fold=_state, per_thread=True)
def thread_follow(user_id: Any, thread_id: int | None) -> QuerySet:
    from django.db.models import Case, CharField, Value, When

    found = ThreadSubscription.objects.filter(user_id=user_id, thread_id=thread_id)
    muted = Case(When(muted=True, then=Value("1")), default=Value("0"), output_field=CharField())
    return columns(found, number=F("id"), text=muted)


BRAND_FOLLOWS = "follows.brands"


def _brand_follows(rows: list[Row]) -> dict[tuple[int, int | None], str]:
    """(brand id, product id or None) -> FOLLOWING or MUTED, for the person's follows of
    brands and products (a handful: they are chosen one by one)."""
    return {
        (number, int(name) if name else None): MUTED if text == "1" else FOLLOWING
        for number, text, name, _slug in rows
    }


@fact(BRAND_FOLLOWS, fold=_brand_follows)
def brand_follows(user_id: Any, thread_id: int | None) -> QuerySet:
    """The brand page's Follow buttons, loaded with the other facts: no query of their own."""
    from django.db.models import Case, CharField, Value, When
    from django.db.models.functions import Cast

    from .models import Follow

    muted = Case(When(muted=True, then=Value("1")), default=Value("0"), output_field=CharField())
    return columns(
        Follow.objects.filter(user_id=user_id),
        number=F("brand_id"),
        text=muted,
        name=Cast(F("product_id"), CharField()),
    )
