"""Celery tasks for brands: thin wrappers that take ids and call brands.services.

`response_targets_check` runs periodically (settings.CELERY_BEAT_SCHEDULE); the others are
sent by the services as outbox messages (outbox.services.message_send) and run by the
outbox's deliverer, which retries them with backoff. Each is idempotent.
"""

from __future__ import annotations

from celery import shared_task


@shared_task
def response_targets_check() -> int:
    """Find threads past their brand's response target; alert each brand's admins once."""
    from . import services

    return len(services.response_breaches_record())


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def notify_response_breach(breach_id: int) -> int:
    from . import services

    return services.response_breach_notify(breach_id=breach_id)


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def notify_thread_handed_over(event_id: int) -> int:
    from . import services

    return services.hand_over_notify(event_id=event_id)


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def notify_claim_decided(claim_id: int) -> int:
    from . import services

    return services.claim_decision_notify(claim_id=claim_id)


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5, outbox_secret=True)
def send_invitation(invitation_id: int, token: str) -> int:
    """The token travels only in the task's arguments and the e-mail; the database keeps
    its hash. `outbox_secret`: its outbox message erases the arguments once delivered (or
    given up), so the token is at rest only while the e-mail waits to be sent."""
    from . import services

    return services.invitation_send(invitation_id=invitation_id, token=token)


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def notify_official_draft(draft_id: int, event: str, stamp: str) -> int:
    """A draft official answer was sent for approval, sent back for changes, or approved."""
    from .services import approvals

    return approvals.official_draft_notify(draft_id=draft_id, event=event, stamp=stamp)


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def notify_department_request(request_id: int, event: str) -> int:
    from . import services

    return services.department_request_notify(request_id=request_id, event=event)


@shared_task
def report_emails_send() -> int:
    """Queue the scheduled report e-mails of every period that finished (hourly)."""
    from . import services

    return len(services.report_emails_queue())


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_report_email(schedule_id: int, start: str, end: str) -> int:
    from . import services

    return services.report_email_send(schedule_id=schedule_id, start=start, end=end)
