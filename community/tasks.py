"""Celery tasks for members: thin wrappers that load rows by id and call a service.

Routed to the `email` queue (settings.CELERY_TASK_ROUTES). Retried only on errors that
can pass (the mail server being away); a vanished row is not an error.
"""

from __future__ import annotations

from celery import shared_task

from .mail import absolute
from .models import Notification
from .services import notification_deliver


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def notify_answer_posted(answer_id: int) -> int:
    """Tell the thread's subscribers (asker, me-too, other answerers) about a new answer."""
    from django.urls import reverse

    from follows.selectors import followers_by_reason
    from qa.models import Answer

    answer = Answer.objects.select_related("thread", "author").filter(pk=answer_id).first()
    if answer is None or answer.visibility != "published":
        return 0
    # Not those who muted it; each e-mail says why the person follows, and where to stop.
    stop_url = absolute(reverse("follows:following"))
    delivered = 0
    for reason, recipients in followers_by_reason(answer.thread).items():
        delivered += len(
            notification_deliver(
                recipients=recipients,
                kind=Notification.Kind.ANSWER_POSTED,
                dedupe_key=f"answer_posted:{answer.pk}",
                actor=answer.author,
                thread=answer.thread,
                answer=answer,
                context={"follow_reason": reason, "stop_url": stop_url},
            )
        )
    return delivered


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def notify_answer_accepted(answer_id: int) -> int:
    """Tell the answer's author that the asker accepted it."""
    from qa.models import Answer

    answer = (
        Answer.objects.select_related("thread", "author", "accepted_by")
        .filter(pk=answer_id, accepted_at__isnull=False)
        .first()
    )
    if answer is None:
        return 0
    return len(
        notification_deliver(
            recipients=[answer.author],
            kind=Notification.Kind.ANSWER_ACCEPTED,
            dedupe_key=f"answer_accepted:{answer.pk}:{answer.accepted_at.isoformat()}",
            actor=answer.accepted_by,
            thread=answer.thread,
            answer=answer,
        )
    )


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def notify_edit_suggested(suggestion_id: int) -> int:
    """Tell the answer's author that someone suggested an edit to it."""
    from django.urls import reverse

    from qa.models import SuggestedEdit

    suggestion = (
        SuggestedEdit.objects.select_related("answer__thread", "answer__author", "suggested_by")
        .filter(pk=suggestion_id, status=SuggestedEdit.Status.PENDING)
        .first()
    )
    if suggestion is None:
        return 0
    answer = suggestion.answer
    return len(
        notification_deliver(
            recipients=[answer.author],
            kind=Notification.Kind.EDIT_SUGGESTED,
            dedupe_key=f"edit_suggested:{suggestion.pk}",
            actor=suggestion.suggested_by,
            thread=answer.thread,
            answer=answer,
            message=suggestion.reason,
            url=reverse("qa:suggested_edits", args=[answer.pk]),
        )
    )


@shared_task
def digests_send() -> int:
    """Periodic: queue the digests that are due (community/digests.py)."""
    from .digests import digests_send as send

    return send()


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def digest_deliver(user_id: int, kind: str, period: str) -> bool:
    from .digests import digest_deliver as deliver

    return deliver(user_id, kind, period)
