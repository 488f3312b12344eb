"""Celery tasks for search (queue `search`). Thin: they call search.services."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task
def process_outbox() -> tuple[int, int]:
    """Apply pending index changes; a failed batch stays in the outbox for the sweep."""
    return services.outbox_process()


@shared_task
def outbox_sweep() -> tuple[int, int]:
    """Periodic: retry what failed once its backoff has passed, and prune old rows."""
    refreshed = services.outbox_process(limit=2000)
    services.outbox_prune()
    return refreshed


@shared_task
def reconcile() -> int:
    """Periodic: queue threads whose index entry is missing or stale."""
    queued = services.reconcile()
    if queued:
        services.outbox_process(limit=2000)
    return queued
