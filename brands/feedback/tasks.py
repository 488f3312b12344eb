"""Celery tasks for product feedback: thin wrappers that take ids and call a service.

Registered through brands/tasks.py (which Celery autodiscovers). Notifications go to the
`email` queue; webhook deliveries to `default`. Each is idempotent: closing the loop is
once per person per item, mentions are unique per comment, a delivery is sent until it is
delivered or has used its attempts.
"""

from __future__ import annotations

from typing import Any

from celery import shared_task


@shared_task(queue="email", autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def close_feedback_loop(item_id: int) -> int:
    """Tell everyone affected by a shipped item; nobody twice."""
    from brands.services import feedback

    return feedback.feedback_loop_close(item_id=item_id)


@shared_task(queue="email", autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def notify_feedback_mentions(comment_id: int) -> int:
    from brands.services import feedback

    return feedback.feedback_mentions_notify(comment_id=comment_id)


@shared_task(bind=True, queue="default", max_retries=4)
def deliver_webhook(self, delivery_id: int) -> Any:
    """Send one webhook delivery; on a failure that can pass, retry with exponential
    backoff (30 s, 1, 2, 4 min) until its five attempts are used. Never raises for a
    failing endpoint: the log records it."""
    from brands.services import integrations

    final = self.request.retries >= self.max_retries
    outcome = integrations.webhook_delivery_attempt(delivery_id=delivery_id, final=final)
    if outcome == "retry":
        countdown = integrations.webhook_backoff_seconds(self.request.retries)
        if self.request.is_eager:
            # Without a broker (development, tests) tasks run eagerly, and Celery runs an
            # eager retry only when it is returned: a raised one propagates to the caller
            # and the delivery would stay "will retry" for ever. The retry runs at once.
            return self.retry(countdown=countdown, throw=False)
        raise self.retry(countdown=countdown)
    return outcome
