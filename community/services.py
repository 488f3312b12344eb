"""Writes for members: profiles and notifications.

Notifications are created by Celery tasks (community.tasks), never in the request.
Each is unique per recipient and `dedupe_key`, so a retried task neither repeats the
in-app notice nor sends the e-mail twice.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from moderation.sanitize import strip_page_marks

from .mail import absolute, compose
from .models import Notification, User

logger = logging.getLogger(__name__)


def profile_update(
    *, user: User, display_name: str, bio: str, email_notifications: bool, language: str
) -> User:
    # A display name shows on cached pages: nothing in it may look like their marks.
    display_name = strip_page_marks(display_name).strip()
    if len(display_name) > 80:
        raise ValidationError({"display_name": [_("Keep your display name to 80 characters.")]})
    if language and language not in dict(settings.LANGUAGES):
        raise ValidationError({"language": [_("Choose English or Japanese.")]})
    bio = strip_page_marks(bio).strip()
    # The name shows on the pages of the threads the person took part in; the e-mail
    # toggle and the language show on no cached page.
    shown_changed = (display_name, bio) != (user.display_name, user.bio)
    user.display_name = display_name
    user.bio = bio
    user.email_notifications = email_notifications
    user.language = language
    user.save(update_fields=["display_name", "bio", "email_notifications", "language"])
    if shown_changed:
        from community import page_cache

        page_cache.person_changed(user.pk)
    return user


def _send_email(notification: Notification, context: dict, topic: str = "") -> None:
    from .consent import topic_of

    recipient = notification.recipient
    # Whether they want it was asked already (consent_allows, which reads the master switch).
    if not recipient.email:
        return
    # Marked once the mail server has accepted it. Two deliveries of one event never meet
    # here (an outbox message is held by one deliverer at a time, outbox/services.py), and a
    # deliverer killed while sending leaves it unmarked, so the retry sends it: at least
    # once, never lost.
    with translation.override(recipient.language or settings.LANGUAGE_CODE):
        template = f"community/email/{notification.kind}"
        subject = render_to_string(f"{template}_subject.txt", context).strip()
        body = render_to_string(f"{template}.txt", context)
        thread = context.get("thread")
        compose(
            recipient=recipient,
            topic=topic or topic_of(notification.kind),
            subject=subject,
            text=body,
            url=context.get("url", ""),
            brand=context.get("brand") or (thread.brand if thread is not None else None),
            thread=thread,
            case=context.get("case"),
            why=context.get("why", ""),
        ).send()
    Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now())


def notification_deliver(
    *,
    recipients: Iterable[User],
    kind: str,
    dedupe_key: str,
    actor: User | None,
    thread=None,
    answer=None,
    context: dict | None = None,
    message: str = "",
    url: str = "",
    email: bool = True,
    topic: str | None = None,
) -> list[Notification]:
    """Create one in-app notification per recipient and e-mail those who want it.

    `email=False` sends none, for a kind the person turned off on its own (loop-closing
    e-mails have their own opt-out, brands.models.FeedbackEmailOptOut).

    The e-mail goes only where the recipient consents to the kind's topic
    (community/consent.py; `topic` names it when the kind alone does not say).

    Safe to run twice: existing notifications are not repeated, and one whose e-mail
    already went out is not e-mailed again.
    """
    from line.services import notification_push

    from .consent import consent_allows, topic_of

    topic = topic or topic_of(kind)
    delivered = []
    for recipient in recipients:
        if actor is not None and recipient.pk == actor.pk:
            continue
        with transaction.atomic():
            notification, _created = Notification.objects.get_or_create(
                recipient=recipient,
                dedupe_key=dedupe_key,
                defaults={
                    "kind": kind,
                    "actor": actor,
                    "thread": thread,
                    "answer": answer,
                    "message": message[:500],
                },
            )
        # LINE: pushed (through the outbox, once per notification) to a recipient who linked
        # LINE and consents to the topic there (line/README.md).
        notification_push(
            notification=notification,
            recipient=recipient,
            thread=thread,
            url=absolute(url or (thread.get_absolute_url() if thread else "/notifications/")),
            topic=topic,
            context=context,
        )
        if email and notification.emailed_at is None and consent_allows(recipient, topic):
            ctx = {
                "recipient": recipient,
                "actor": actor,
                "thread": thread,
                "answer": answer,
                "message": message,
                "url": absolute(
                    url
                    or (answer.get_absolute_url() if answer else "")
                    or (thread.get_absolute_url() if thread else "/notifications/")
                ),
                "settings_url": absolute("/settings/profile/"),
                **(context or {}),
            }
            try:
                _send_email(notification, ctx, topic)
            except OSError:
                # The in-app notice stands; the task retries the e-mail.
                logger.warning("E-mail to %s failed", recipient.pk, exc_info=True)
                raise
        delivered.append(notification)
    return delivered


def notification_mark_read(*, user: User, notification_ids: Iterable[int] | None = None) -> int:
    qs = Notification.objects.for_recipient(user).unread()
    if notification_ids is not None:
        qs = qs.filter(pk__in=list(notification_ids))
    return qs.update(read_at=timezone.now())
