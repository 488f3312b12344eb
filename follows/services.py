"""Follow, unfollow and mute a thread, a product or a brand.

A thread's follow is its qa.ThreadSubscription row (the asker, me too and answerers get one
automatically, qa.services.thread_subscribe); muting keeps the row with `muted` set, so
answering again later does not bring the notifications back. Products and brands are
followed with a Follow row. None of this changes a cached page: the buttons are the
viewer's own slot, filled per request.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from brands.models import Brand, Product
from qa.models import Thread, ThreadSubscription

from . import permissions
from .models import Follow

Target = Thread | Product | Brand


def _follow_row(user: Any, target: Product | Brand, *, muted: bool) -> tuple[Follow, bool]:
    defaults = {"notified_through": timezone.now(), "muted": muted}
    if isinstance(target, Product):
        return Follow.objects.get_or_create(
            user=user, product=target, defaults={**defaults, "brand_id": target.brand_id}
        )
    return Follow.objects.get_or_create(user=user, brand=target, product=None, defaults=defaults)


@transaction.atomic
def follow(*, user: Any, target: Target) -> None:
    """Follow (or stop muting) the target; following twice is a no-op."""
    permissions.check_can_follow(user, target)
    if isinstance(target, Thread):
        subscription, created = ThreadSubscription.objects.get_or_create(
            thread=target, user=user, defaults={"reason": ThreadSubscription.Reason.FOLLOWED}
        )
        if not created and subscription.muted:
            subscription.muted = False
            subscription.save(update_fields=["muted"])
        return
    row, created = _follow_row(user, target, muted=False)
    if not created and row.muted:
        row.muted = False
        row.notified_through = timezone.now()
        row.save(update_fields=["muted", "notified_through"])


@transaction.atomic
def unfollow(*, user: Any, target: Target) -> None:
    """Stop following (and stop muting): as if the person had never followed."""
    permissions.check_can_follow(user, target)
    if isinstance(target, Thread):
        ThreadSubscription.objects.filter(thread=target, user=user).delete()
    elif isinstance(target, Product):
        Follow.objects.filter(user=user, product=target).delete()
    else:
        Follow.objects.filter(user=user, brand=target, product__isnull=True).delete()


@transaction.atomic
def mute(*, user: Any, target: Target) -> None:
    """Hear nothing more from the target, even as its asker or an answerer."""
    permissions.check_can_follow(user, target)
    if isinstance(target, Thread):
        subscription, created = ThreadSubscription.objects.get_or_create(
            thread=target,
            user=user,
            defaults={"reason": ThreadSubscription.Reason.FOLLOWED, "muted": True},
        )
        if not created and not subscription.muted:
            subscription.muted = True
            subscription.save(update_fields=["muted"])
        return
    row, created = _follow_row(user, target, muted=True)
    if not created and not row.muted:
        row.muted = True
        row.save(update_fields=["muted"])
