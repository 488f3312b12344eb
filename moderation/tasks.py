"""Celery tasks for moderation: tell authors what a moderator did, alert a brand's admins
and moderators of crisis keywords and alerts. Thin: load by id, call a service."""

from __future__ import annotations

from celery import shared_task
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from brands.models import Membership
from community.models import Notification, User
from community.services import notification_deliver
from qa.models import Answer, Thread

from .models import Appeal, AuditLogEntry, Flag, ModeratorAppointment
from .permissions import moderates

ACTION_MESSAGES = {
    "hide": gettext_noop("A moderator hid your post pending review."),
    "auto_hide": gettext_noop("Your post is hidden pending review after several flags."),
    "restore": gettext_noop("A moderator restored your post."),
    "delete": gettext_noop("A moderator removed your post."),
    "dismiss": gettext_noop("A moderator reviewed the flags on your post and dismissed them."),
    "lock": gettext_noop("A moderator locked your thread: no new answers."),
    "unlock": gettext_noop("A moderator unlocked your thread."),
    "close_duplicate": gettext_noop(
        "A moderator closed your thread as a duplicate of another thread."
    ),
    "move": gettext_noop("A moderator moved your thread."),
    "edit": gettext_noop("A moderator edited your post."),
    "approve": gettext_noop("A moderator approved your post: it is public now."),
}


def _post_of(entry: AuditLogEntry) -> Thread | Answer | None:
    model = entry.target_type.model_class() if entry.target_type_id else None
    if model not in (Thread, Answer):
        return None
    return model.objects.filter(pk=entry.target_id).select_related("author").first()


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def notify_moderation_action(entry_id: int) -> int:
    entry = AuditLogEntry.objects.select_related("target_type").filter(pk=entry_id).first()
    post = _post_of(entry) if entry else None
    if post is None:
        return 0
    verb = entry.action.split(".", 1)[1]
    thread = post if isinstance(post, Thread) else post.thread
    author = post.author
    with translation.override(author.language or "en"):
        message = _(ACTION_MESSAGES.get(verb, "A moderator acted on your post."))
        if entry.reason:
            message = f"{message} {_('Reason:')} {entry.reason}"
    return len(
        notification_deliver(
            recipients=[author],
            kind=Notification.Kind.MODERATION_ACTION,
            dedupe_key=f"moderation:{entry.pk}",
            actor=None,
            thread=thread,
            answer=post if isinstance(post, Answer) else None,
            message=message,
        )
    )


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def notify_appeal_decided(entry_id: int, appeal_id: int) -> int:
    appeal = (
        Appeal.objects.select_related("author", "thread", "answer__thread")
        .filter(pk=appeal_id)
        .first()
    )
    if appeal is None:
        return 0
    post = appeal.target
    thread = post if isinstance(post, Thread) else post.thread
    with translation.override(appeal.author.language or "en"):
        message = (
            f"{Appeal.Decision(appeal.decision).label}. {_('Reason:')} {appeal.decision_reason}"
        )
    return len(
        notification_deliver(
            recipients=[appeal.author],
            kind=Notification.Kind.APPEAL_DECIDED,
            dedupe_key=f"appeal:{appeal.pk}",
            actor=None,
            thread=thread,
            message=message,
        )
    )


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def notify_sanction(entry_id: int) -> int:
    entry = AuditLogEntry.objects.filter(pk=entry_id).first()
    if entry is None:
        return 0
    member = User.objects.filter(pk=entry.target_id).first()
    if member is None:
        return 0
    from community import memo
    from community.permissions import VERIFIED, participation_refusal

    # The refusal text is about the sanction, not the e-mail.
    memo.remember(member, VERIFIED, True)
    with translation.override(member.language or "en"):
        message = participation_refusal(member) or _("Your account's suspension was lifted.")
    return len(
        notification_deliver(
            recipients=[member],
            kind=Notification.Kind.SANCTION,
            dedupe_key=f"sanction:{entry.pk}",
            actor=None,
            message=message,
            url=member.get_absolute_url(),
        )
    )


def crisis_recipients(brand) -> list[User]:
    """The brand's admins and the moderators who moderate it neutrally."""
    admins = User.objects.filter(
        brand_memberships__brand=brand,
        brand_memberships__role=Membership.Role.ADMIN,
        brand_memberships__revoked_at__isnull=True,
        is_active=True,
    )
    moderator_ids = ModeratorAppointment.objects.filter(brand__isnull=True).values("user") | (
        ModeratorAppointment.objects.filter(brand=brand).values("user")
    )
    moderators = [
        user
        for user in User.objects.filter(pk__in=moderator_ids, is_active=True)
        if moderates(user, brand)
    ]
    people = {user.pk: user for user in [*admins, *moderators]}
    return [people[pk] for pk in sorted(people)]


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def alert_crisis(flag_id: int) -> int:
    flag = (
        Flag.objects.select_related("brand", "thread", "answer__thread").filter(pk=flag_id).first()
    )
    if flag is None:
        return 0
    post = flag.target
    thread = post if isinstance(post, Thread) else post.thread
    return len(
        notification_deliver(
            recipients=crisis_recipients(flag.brand),
            kind=Notification.Kind.CRISIS_ALERT,
            dedupe_key=f"crisis:{flag.pk}",
            actor=None,
            thread=thread,
            answer=post if isinstance(post, Answer) else None,
            message=f"{flag.brand.name}: {flag.note}",
        )
    )


# --- Crisis alerts (moderation/services/crisis.py) -------------------------------------------
# `alert_crisis` above delivers the messages written before alerts had their own rows.


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def crisis_alert_notify(alert_id: int) -> int:
    from .services import crisis

    return crisis.crisis_alert_notify(alert_id=alert_id)


@shared_task
def crisis_alert_webhook(alert_id: int) -> bool:
    """Retried by the outbox (with its backoff) when the channel is away: OSError."""
    from .services import crisis

    return crisis.crisis_alert_webhook_send(alert_id=alert_id)


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def crisis_alert_escalate(alert_id: int) -> int:
    from .services import crisis

    return crisis.crisis_alert_escalate_notify(alert_id=alert_id)


@shared_task
def crisis_check() -> dict[str, int]:
    """Periodic (settings.CELERY_BEAT_SCHEDULE): surges of the last hour, escalations due."""
    from .services import crisis

    return crisis.crisis_check()
