"""Celery tasks for product feedback: thin wrappers that take ids and call a service.

Found by Celery's autodiscovery of installed apps. Each keeps the name it was registered
under when product feedback lived in brands (`name="brands.feedback.tasks.…"`): outbox
messages store a task's name, so messages written before the move are still delivered, and
the email queue's routes keep matching. The services send them as
outbox messages (outbox.services.message_send), delivered and retried with backoff by the
outbox. Each is idempotent: closing the loop is once per person per item, mentions are
unique per comment, a delivery is sent until it is delivered or has used its attempts.
"""

from __future__ import annotations

from celery import shared_task


@shared_task(
    name="brands.feedback.tasks.close_feedback_loop",
    queue="email",
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
)
def close_feedback_loop(item_id: int) -> int:
    """Tell everyone affected by a shipped item; nobody twice."""
    from feedback.services import items

    return items.feedback_loop_close(item_id=item_id)


@shared_task(
    name="brands.feedback.tasks.notify_feedback_mentions",
    queue="email",
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
)
def notify_feedback_mentions(comment_id: int) -> int:
    from feedback.services import items

    return items.feedback_mentions_notify(comment_id=comment_id)


class WebhookRetry(Exception):
    """The endpoint failed in a way that can pass: the outbox retries the delivery after
    its backoff (30 s, 1, 2, 4 min), until the delivery's five attempts are used."""


@shared_task(name="brands.feedback.tasks.deliver_webhook")
def deliver_webhook(delivery_id: int) -> str:
    """Send one webhook delivery once. Run by the outbox; raises only to be retried (the
    delivery log already says how the attempt went)."""
    from feedback.services import integrations

    outcome = integrations.webhook_delivery_attempt(delivery_id=delivery_id, final=False)
    if outcome == "retry":
        raise WebhookRetry(f"webhook delivery {delivery_id} will be retried")
    return outcome
