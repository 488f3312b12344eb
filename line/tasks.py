"""Celery tasks for the LINE channel: thin, sent by the services as outbox messages, which
retry them (LINE busy or down, the relay's tool down) with growing pauses."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task
def request_process(request_id: int) -> int:
    """Answer a webhook request's new events; forward what the relay should have."""
    return services.request_process(request_id)


@shared_task
def push(push_id: int) -> str:
    """Push one notification or answer to a person's LINE."""
    return services.push_deliver(push_id)


@shared_task
def relay_deliver(relay_id: int) -> str:
    """Forward events to the brand's existing LINE tool, re-signed."""
    return services.relay_deliver(relay_id)


@shared_task
def case_request_notify(request_id: int) -> int:
    """Tell the brand's reps and admins that someone asked privately on LINE."""
    return services.case_request_notify(request_id)
