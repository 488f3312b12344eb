"""Celery tasks for follows: thin wrappers that call a service (routed in settings)."""

from __future__ import annotations

from celery import shared_task

from . import follow_ups, news


@shared_task
def follow_ups_send() -> int:
    """Periodic: ask about threads answered days ago with none accepted; mark silent ones."""
    asked = follow_ups.follow_ups_send()
    follow_ups.silent_threads_mark()
    return asked


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def follow_up_deliver(follow_up_id: int) -> int:
    return follow_ups.follow_up_deliver(follow_up_id)


@shared_task
def followed_news_send() -> int:
    return news.followed_news_send()


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def followed_news_deliver(user_id: int, thread_ids: list[int], until: str) -> int:
    return news.followed_news_deliver(user_id, thread_ids, until)
