"""Attachments' periodic work; thin: the service does it."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task
def orphans_sweep() -> int:
    return services.orphans_sweep()
