"""What brands tell people: response-target breaches to admins, hand-overs to the new
owner, claim decisions to the claimant, invitations to the invited address.

Run by brands.tasks after the writing transaction commits. Each is safe to run twice:
breaches are recorded once per thread, and notifications are unique per recipient and key.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from brands import selectors, tasks
from community.models import Notification
from community.services import notification_deliver
from integrations import events
from integrations.services import event_emit
from outbox.services import message_send, pending_args

from ..models import (
    Brand,
    BrandClaim,
    Invitation,
    Membership,
    OwnershipEvent,
    ResponseTargetBreach,
)


@transaction.atomic
def response_breaches_record(*, now: datetime | None = None) -> list[int]:
    """Record every thread of an official brand that went past the brand's response target
    without an official response, and queue the admins' alert for each breach not yet
    notified. Returns the ids queued.

    The breach row is unique per thread, so running this again (or twice at once) neither
    records nor alerts twice.
    """
    now = now or timezone.now()
    for brand in Brand.objects.filter(status=Brand.Status.OFFICIAL):
        target = timedelta(hours=brand.response_target_hours)
        overdue = (
            selectors.awaiting_official_response(brand)
            .filter(created_at__lte=now - target, response_breach__isnull=True)
            .values_list("pk", "created_at")
        )
        ResponseTargetBreach.objects.bulk_create(
            [
                ResponseTargetBreach(thread_id=pk, brand=brand, due_at=created + target)
                for pk, created in overdue
            ],
            ignore_conflicts=True,
        )
    waiting = list(
        ResponseTargetBreach.objects.filter(notified_at__isnull=True).values_list("pk", flat=True)
    )
    # A breach whose message still waits (the broker or the mail server is away) is not
    # queued again at every check.
    queued = pending_args(tasks.notify_response_breach)
    for breach_id in waiting:
        if (breach_id,) not in queued:
            message_send(tasks.notify_response_breach, breach_id)
    return waiting


def response_breach_notify(*, breach_id: int) -> int:
    """Tell the brand's admins that a thread is past the response target; once."""
    breach = (
        ResponseTargetBreach.objects.select_related("thread", "brand")
        .filter(pk=breach_id, notified_at__isnull=True)
        .first()
    )
    if breach is None:
        return 0
    admins = [
        membership.user
        for membership in Membership.objects.active()
        .for_brand(breach.brand)
        .filter(role=Membership.Role.ADMIN, user__is_active=True)
        .select_related("user")
        .order_by("pk")
    ]
    inbox = reverse("brands:inbox", kwargs={"brand_slug": breach.brand.slug})
    delivered = notification_deliver(
        recipients=admins,
        kind=Notification.Kind.RESPONSE_OVERDUE,
        dedupe_key=f"response_overdue:{breach.thread_id}",
        actor=None,
        thread=breach.thread,
        context={
            "brand": breach.brand,
            "hours": breach.brand.response_target_hours,
            "due_at": breach.due_at,
            "inbox_url": settings.SITE_URL.rstrip("/") + inbox + "?tab=awaiting",
        },
    )
    with transaction.atomic():
        claimed = ResponseTargetBreach.objects.filter(
            pk=breach.pk, notified_at__isnull=True
        ).update(notified_at=timezone.now())
        if claimed:  # the brand's tools hear of each breach once, as its admins do
            event_emit(
                brand=breach.brand,
                kind="response_target.breached",
                data=lambda: events.response_target_breached(
                    breach.thread,
                    target_hours=breach.brand.response_target_hours,
                    due_at=breach.due_at,
                ),
            )
    return len(delivered)


def hand_over_notify(*, event_id: int) -> int:
    """Tell the rep who was handed a thread."""
    event = (
        OwnershipEvent.objects.select_related("thread", "brand", "owner", "actor", "previous_owner")
        .filter(pk=event_id, action=OwnershipEvent.Action.HAND_OVER)
        .first()
    )
    if event is None or event.owner is None:
        return 0
    return len(
        notification_deliver(
            recipients=[event.owner],
            kind=Notification.Kind.THREAD_HANDED_OVER,
            dedupe_key=f"thread_handed_over:{event.pk}",
            actor=event.actor,
            thread=event.thread,
            context={"brand": event.brand, "previous_owner": event.previous_owner},
        )
    )


def claim_decision_notify(*, claim_id: int) -> int:
    """Tell the claimant that staff approved or rejected their claim, and why."""
    claim = (
        BrandClaim.objects.select_related("brand", "claimant", "decided_by")
        .exclude(status=BrandClaim.Status.PENDING)
        .filter(pk=claim_id)
        .first()
    )
    if claim is None:
        return 0
    return len(
        notification_deliver(
            recipients=[claim.claimant],
            kind=Notification.Kind.CLAIM_DECIDED,
            dedupe_key=f"claim_decided:{claim.pk}",
            actor=claim.decided_by,
            message=claim.reason,
            url=claim.brand.get_absolute_url(),
            context={"claim": claim, "brand": claim.brand},
        )
    )


def invitation_send(*, invitation_id: int, token: str) -> int:
    """E-mail the invitation link. The invited person may not have an account yet, so this
    is an e-mail only, in the inviting admin's language."""
    invitation = (
        Invitation.objects.select_related("brand", "invited_by")
        .filter(pk=invitation_id, accepted_at__isnull=True, revoked_at__isnull=True)
        .first()
    )
    if invitation is None or invitation.state() != Invitation.State.PENDING:
        return 0
    inviter = invitation.invited_by
    language = (inviter.language if inviter else "") or settings.LANGUAGE_CODE
    context = {
        "invitation": invitation,
        "brand": invitation.brand,
        "inviter": inviter,
        "url": settings.SITE_URL.rstrip("/")
        + reverse("brands:invitation", kwargs={"token": token}),
    }
    with translation.override(language):
        subject = render_to_string("brands/email/invitation_subject.txt", context).strip()
        body = render_to_string("brands/email/invitation.txt", context)
    send_mail(
        settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject,
        body,
        settings.DEFAULT_FROM_EMAIL,
        [invitation.email],
    )
    return 1
