"""Thin tasks for mail in: load by id, call the service. Sent through the outbox."""

from __future__ import annotations

from celery import shared_task


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def message_process(inbound_id: int) -> str:
    """Decide what one kept inbound mail becomes (mailin.services.message_process)."""
    from .services import message_process as process

    inbound = process(inbound_id)
    return inbound.status if inbound else ""


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def refusal_notify(inbound_id: int) -> bool:
    """Tell a member why their reply by e-mail was not posted."""
    from .services import refusal_notify as notify

    return notify(inbound_id)


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def draft_confirmation_send(draft_id: int) -> bool:
    """Mail the link that publishes a thread started by e-mail."""
    from .services import draft_confirmation_send as send

    return send(draft_id)
