"""Celery tasks for cases: thin, sent by the services as outbox messages."""

from __future__ import annotations

from celery import shared_task

from .services import case_notify


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def notify_case(case_id: int, event: str, message_id: int = 0) -> int:
    """Tell the other side of a case that something happened in it."""
    return case_notify(case_id=case_id, event=event, message_id=message_id)
