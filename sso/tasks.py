"""Thin tasks for company single sign-on."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task
def sign_on_links_check() -> int:
    """Hourly (CELERY_BEAT_SCHEDULE): powers end for whom the company's provider dropped."""
    return services.sign_on_links_check()
