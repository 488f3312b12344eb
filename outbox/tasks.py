"""Celery tasks of the outbox (queue `email`). Thin: they call outbox.services.

`deliver` is what the kick after commit publishes; `sweep` runs every
SODAN_OUTBOX_SWEEP_SECONDS and `prune` daily (settings.CELERY_BEAT_SCHEDULE). None of them
is retried by Celery: the outbox row keeps the state and the sweep retries.
"""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task
def deliver(message_id: int) -> str:
    return services.deliver(message_id)


@shared_task
def sweep() -> int:
    return services.sweep().done


@shared_task
def prune() -> int:
    return services.outbox_prune()
