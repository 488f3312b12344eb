"""Removal requests' deliveries, sent through the outbox: thin, load by id, then e-mail the
requester (who may have no account) or notify the poster (community's delivery service).
Each is safe to run twice."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from community.models import Notification
from community.services import notification_deliver

from .models import RemovalRequest


def _load(request_id: int) -> RemovalRequest | None:
    return (
        RemovalRequest.objects.select_related("brand", "thread__author", "answer__author")
        .select_related("answer__thread")
        .filter(pk=request_id)
        .first()
    )


def _email(request: RemovalRequest, template: str) -> None:
    context = {
        "request": request,
        "site_url": settings.SITE_URL.rstrip("/"),
        "criteria_url": settings.SITE_URL.rstrip("/") + "/removal-criteria/",
    }
    with translation.override(request.language or settings.LANGUAGE_CODE):
        subject = render_to_string(f"legal/email/{template}_subject.txt", context).strip()
        body = render_to_string(f"legal/email/{template}.txt", context)
    send_mail(
        settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject,
        body,
        settings.DEFAULT_FROM_EMAIL,
        [request.requester_email],
    )


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def email_removal_request_received(request_id: int) -> int:
    """The receipt: what was asked, and the date the decision is due."""
    request = _load(request_id)
    if request is None:
        return 0
    _email(request, "received")
    return 1


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def email_removal_decision(request_id: int) -> int:
    """The decision and its reasons, e-mailed once: the row is marked before sending, in
    one transaction with the send, so a retry after a sent e-mail finds it marked."""
    with transaction.atomic():
        request = (
            RemovalRequest.objects.select_for_update(of=("self",))
            .filter(pk=request_id, decided_at__isnull=False, decision_emailed_at__isnull=True)
            .first()
        )
        if request is None:
            return 0
        RemovalRequest.objects.filter(pk=request.pk).update(decision_emailed_at=timezone.now())
        _email(request, "decided")
    return 1


def _poster(request: RemovalRequest):
    post = request.post
    if post is None:
        return None, None, None
    thread = post if request.thread_id else post.thread
    return post, thread, post.author


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def notify_poster_of_removal_request(request_id: int) -> int:
    """Tell the poster someone asks for their post's removal, and where to respond."""
    request = _load(request_id)
    _post, thread, author = _poster(request) if request else (None, None, None)
    if author is None:
        return 0
    with translation.override(author.language or settings.LANGUAGE_CODE):
        message = _(
            "Someone asks for your post to be removed (%(right)s). A moderator decides by "
            "%(due)s; you can respond before then."
        ) % {
            "right": request.get_right_display(),
            "due": timezone.localtime(request.due_at).date().isoformat(),
        }
    return len(
        notification_deliver(
            recipients=[author],
            kind=Notification.Kind.MODERATION_ACTION,
            dedupe_key=f"removal_request:{request.pk}",
            actor=None,
            thread=thread,
            message=message,
            url=reverse("legal:respond", kwargs={"pk": request.pk}),
        )
    )


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def notify_poster_of_decision(request_id: int) -> int:
    """A request to remove the post was declined: the poster is told, with the reasons."""
    request = _load(request_id)
    _post, thread, author = _poster(request) if request else (None, None, None)
    if author is None or not request.decision:
        return 0
    with translation.override(author.language or settings.LANGUAGE_CODE):
        message = _(
            "A moderator decided to keep your post after a removal request. Reasons: %(reason)s"
        ) % {"reason": request.decision_reason}
    return len(
        notification_deliver(
            recipients=[author],
            kind=Notification.Kind.MODERATION_ACTION,
            dedupe_key=f"removal_request_decided:{request.pk}",
            actor=None,
            thread=thread,
            message=message,
            url=reverse("legal:respond", kwargs={"pk": request.pk}),
        )
    )
