"""News of new threads in followed products and brands: one message per person per pass,
listing every new thread, rather than one message per thread."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from community.models import Notification, User
from outbox.services import message_send
from qa.models import Thread

from .models import Follow

MAX_LISTED = 20


def _new_threads(follow: Follow, now: datetime) -> list[int]:
    where = Q(product_id=follow.product_id) if follow.product_id else Q(brand_id=follow.brand_id)
    return list(
        Thread.objects.listed()
        .filter(where, created_at__gt=follow.notified_through, created_at__lte=now)
        .exclude(author_id=follow.user_id)
        .values_list("pk", flat=True)
    )


@transaction.atomic
def followed_news_send(*, now: datetime | None = None) -> int:
    """Queue one message per person with news; returns how many people get one."""
    now = now or timezone.now()
    follows = list(Follow.objects.listening().select_for_update(of=("self",)).order_by("id"))
    muted_products = {
        (f.user_id, f.product_id) for f in Follow.objects.filter(muted=True, product__isnull=False)
    }
    muted_brands = {
        (f.user_id, f.brand_id) for f in Follow.objects.filter(muted=True, product__isnull=True)
    }
    news: dict[int, set[int]] = {}
    for follow in follows:
        if (follow.user_id, follow.brand_id) in muted_brands:
            continue
        found = _new_threads(follow, now)
        if not follow.product_id:
            found = [
                pk
                for pk, product_id in Thread.objects.filter(pk__in=found).values_list(
                    "pk", "product_id"
                )
                if (follow.user_id, product_id) not in muted_products
            ]
        if found:
            news.setdefault(follow.user_id, set()).update(found)
    Follow.objects.filter(pk__in=[f.pk for f in follows]).update(notified_through=now)
    from . import tasks

    for user_id, thread_ids in news.items():
        message_send(tasks.followed_news_deliver, user_id, sorted(thread_ids), now.isoformat())
    return len(news)


def followed_news_deliver(user_id: int, thread_ids: list[int], until: str) -> int:
    from community.services import notification_deliver

    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return 0
    threads = list(
        Thread.objects.listed().filter(pk__in=thread_ids).select_related("brand", "product")
    )[:MAX_LISTED]
    if not threads:
        return 0
    return len(
        notification_deliver(
            recipients=[user],
            kind=Notification.Kind.FOLLOWED_THREADS,
            dedupe_key=f"followed_threads:{until}"[:120],
            actor=None,
            message=", ".join(t.title for t in threads)[:500],
            url="/following/",
            context={
                "threads": threads,
                "count": len(thread_ids),
                "site_url": settings.SITE_URL.rstrip("/"),
            },
        )
    )
