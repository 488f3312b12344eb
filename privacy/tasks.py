"""Celery tasks for privacy: thin, loading rows by id and calling a service. The export and
the notices are sent as outbox messages (they survive a broker outage); the expiry is
periodic (CELERY_BEAT_SCHEDULE)."""

from __future__ import annotations

from celery import shared_task

from . import services
from .models import DataExport, DisclosureRequest


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def export_prepare(export_id: int) -> str:
    """Build a member's export and e-mail them the link."""
    export = DataExport.objects.select_related("user").filter(pk=export_id).first()
    if export is None:  # erased meanwhile
        return ""
    return services.export_prepare(export=export).status


@shared_task
def exports_expire() -> int:
    """Remove the exports past their date."""
    return services.exports_expire()


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def disclosure_request_notify(request_id: int) -> int:
    """Tell a brand's admins that a customer asks what it keeps about them."""
    request = DisclosureRequest.objects.select_related("brand").filter(pk=request_id).first()
    if request is None:
        return 0
    return services.disclosure_request_notify(request=request)


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def disclosure_answer_notify(request_id: int) -> int:
    """Tell the customer that the brand answered."""
    request = (
        DisclosureRequest.objects.select_related("brand", "requester")
        .filter(pk=request_id, answered_at__isnull=False)
        .first()
    )
    if request is None:
        return 0
    return services.disclosure_answer_notify(request=request)
