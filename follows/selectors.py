"""Reads about follows: who hears about a thread, what a person follows."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from qa.models import Thread, ThreadSubscription

from .models import Follow


def followers_of_thread(thread: Thread) -> list[Any]:
    """Everyone who hears about new answers in the thread: subscribed and not muted, active."""
    return [
        subscription.user
        for subscription in ThreadSubscription.objects.filter(
            thread=thread, muted=False, user__is_active=True
        )
        .select_related("user")
        .order_by("id")
    ]


def follow_reason(user: Any, thread: Thread) -> str:
    """Why the person hears about this thread, for the e-mail ("" when they do not)."""
    reason = (
        ThreadSubscription.objects.filter(thread=thread, user=user, muted=False)
        .values_list("reason", flat=True)
        .first()
    )
    return reason or ""


def followed_brand_ids(user: Any) -> set[int]:
    """Brands the person follows as a whole (not muted)."""
    return set(
        Follow.objects.for_user(user)
        .filter(product__isnull=True, muted=False)
        .values_list("brand_id", flat=True)
    )


def followed_product_ids(user: Any) -> set[int]:
    return set(
        Follow.objects.for_user(user)
        .filter(product__isnull=False, muted=False)
        .values_list("product_id", flat=True)
    )


def is_muted(user: Any, thread: Thread) -> bool:
    return ThreadSubscription.objects.filter(thread=thread, user=user, muted=True).exists()


def follow_of(user: Any, *, brand: Any = None, product: Any = None) -> Follow | None:
    """The person's follow (or mute) of this product or of this whole brand, if any."""
    if not getattr(user, "is_authenticated", False):
        return None
    if product is not None:
        return Follow.objects.filter(user=user, product=product).first()
    return Follow.objects.filter(user=user, brand=brand, product__isnull=True).first()


def thread_follows(user: Any) -> QuerySet[ThreadSubscription]:
    """The "Following" page's threads: followed or muted, newest activity first."""
    return (
        ThreadSubscription.objects.filter(user=user, thread__in=Thread.objects.visible_to(user))
        .select_related("thread__brand")
        .order_by("-thread__last_activity_at", "-id")
    )


def brand_and_product_follows(user: Any) -> QuerySet[Follow]:
    return (
        Follow.objects.for_user(user)
        .select_related("brand", "product__brand")
        .order_by("brand__name", "product__name", "id")
    )


def follow_state(user: Any, thread: Thread) -> str:
    """The viewer's follow of the thread for its buttons: "", "following" or "muted" (from
    the request's facts: no query when the page loaded them)."""
    if not getattr(user, "is_authenticated", False):
        return ""
    from community.viewer_facts import SOURCES

    from .facts import THREAD_FOLLOW

    return SOURCES[THREAD_FOLLOW].recall(user, thread.pk)


def followers_by_reason(thread: Thread) -> dict[str, list[Any]]:
    """The thread's followers grouped by why they follow, for e-mails that say why."""
    grouped: dict[str, list[Any]] = {}
    for subscription in (
        ThreadSubscription.objects.filter(thread=thread, muted=False, user__is_active=True)
        .select_related("user")
        .order_by("id")
    ):
        grouped.setdefault(subscription.reason, []).append(subscription.user)
    return grouped


def follow_box(user: Any, brand: Any, product: Any = None) -> dict[str, Any]:
    """The brand page's Follow buttons: the brand's and, on a product's list, the product's
    state for this person ("", "following", "muted"), from the facts the page loads with
    the viewer (no query of its own); none for anonymous."""
    box: dict[str, Any] = {
        "brand": brand,
        "product": product,
        "brand_state": "",
        "product_state": "",
    }
    if not getattr(user, "is_authenticated", False):
        return {"follow_box": box}
    from community import viewer_facts

    from .facts import BRAND_FOLLOWS

    if not viewer_facts.loaded(user):
        viewer_facts.load(user)  # every fact the page asks about the person, in one query
    follows = viewer_facts.SOURCES[BRAND_FOLLOWS].recall(user)
    box["brand_state"] = follows.get((brand.pk, None), "")
    if product is not None:
        box["product_state"] = follows.get((brand.pk, product.pk), "")
    return {"follow_box": box}
