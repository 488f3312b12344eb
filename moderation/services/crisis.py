"""Crisis alerts: raised by a keyword in a post (keywords.py) or by a surge of complaints
about one product or release (crisis_surge.py); delivered in-app, by e-mail and to the
brand's crisis channel (Slack or any webhook) through the outbox; acknowledged by someone
of the brand's team or a moderator; escalated once to the brand's admins when nobody
acknowledged it in time (SODAN_CRISIS_ACK_MINUTES)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from brands.models import Brand, Membership, Product, ProductVersion
from community.models import Notification, User
from community.services import notification_deliver
from feedback import webhooks
from outbox.services import message_send
from qa.models import Thread

from .. import permissions
from ..crisis_models import SEVERITY_RANK, CrisisAlert, CrisisChannel, Severity
from ..models import ModeratorAppointment
from .audit import audit_log_record

# Threads named in one alert's notices and messages; the alert page lists them all.
THREADS_SHOWN = 5


def crisis_alert_raise(
    *,
    brand: Brand,
    cause: str,
    severity: str,
    key: str,
    summary: str,
    threads: Iterable[Thread] = (),
    product: Product | int | None = None,
    version: ProductVersion | int | None = None,
    now: datetime | None = None,
) -> CrisisAlert | None:
    """Record an alert and queue its delivery, once per key. For a key already alerted the
    threads join that alert and its severity rises if this one is higher; nobody is told
    again. Returns the new alert, or None."""
    threads = list(threads)
    with transaction.atomic():
        existing = CrisisAlert.objects.select_for_update().filter(brand=brand, key=key).first()
        if existing is None:
            try:
                with transaction.atomic():
                    alert = CrisisAlert.objects.create(
                        brand=brand,
                        cause=cause,
                        severity=severity,
                        key=key[:200],
                        summary=summary[:500],
                        product_id=getattr(product, "pk", product),
                        version_id=getattr(version, "pk", version),
                        created_at=now or timezone.now(),
                    )
            except IntegrityError:  # raised at the same moment by another post
                existing = CrisisAlert.objects.select_for_update().get(brand=brand, key=key)
        if existing is not None:
            crisis_alert_join(alert=existing, threads=threads, severity=severity)
            return None
        alert.threads.add(*threads)
        from .. import tasks

        message_send(tasks.crisis_alert_notify, alert.pk)
        if CrisisChannel.objects.filter(brand=brand).exclude(webhook_url="").exists():
            message_send(tasks.crisis_alert_webhook, alert.pk)
        return alert


def crisis_alert_join(*, alert: CrisisAlert, threads: Iterable[Thread], severity: str) -> None:
    """More threads for an alert already raised; its severity only rises."""
    alert.threads.add(*threads)
    if SEVERITY_RANK.get(severity, 0) > alert.rank:
        CrisisAlert.objects.filter(pk=alert.pk).update(severity=severity)
        alert.severity = severity


@transaction.atomic
def crisis_alert_acknowledge(
    *, actor: Any, alert: CrisisAlert, now: datetime | None = None
) -> CrisisAlert:
    """Someone of the brand's team or a moderator says they are on it: recorded who and
    when, once; the escalation to the admins is then not sent."""
    permissions.check_can_acknowledge_crisis(actor, alert.brand)
    now = now or timezone.now()
    claimed = CrisisAlert.objects.filter(pk=alert.pk, acknowledged_at__isnull=True).update(
        acknowledged_at=now, acknowledged_by=actor
    )
    alert.refresh_from_db(fields=["acknowledged_at", "acknowledged_by"])
    if not claimed:
        raise ValidationError(
            _("%(name)s acknowledged this alert already, at %(when)s.")
            % {
                "name": alert.acknowledged_by.public_name if alert.acknowledged_by else "?",
                "when": date_format(timezone.localtime(alert.acknowledged_at), "DATETIME_FORMAT"),
            }
        )
    audit_log_record(
        actor=actor, action="crisis_alert.acknowledge", target=alert, brand=alert.brand
    )
    return alert


def crisis_escalations_record(*, now: datetime | None = None) -> list[int]:
    """Mark every alert nobody acknowledged within SODAN_CRISIS_ACK_MINUTES as escalated
    and queue the admins' notice, once per alert (the mark and the message are written
    together). Returns the ids escalated now."""
    now = now or timezone.now()
    deadline = now - timedelta(minutes=settings.SODAN_CRISIS_ACK_MINUTES)
    escalated = []
    with transaction.atomic():
        due = list(
            CrisisAlert.objects.select_for_update(skip_locked=True)
            .filter(acknowledged_at__isnull=True, escalated_at__isnull=True)
            .filter(created_at__lte=deadline)
            .values_list("pk", flat=True)
        )
        from .. import tasks

        for pk in due:
            if CrisisAlert.objects.filter(pk=pk, escalated_at__isnull=True).update(
                escalated_at=now
            ):
                message_send(tasks.crisis_alert_escalate, pk)
                escalated.append(pk)
    return escalated


# --- Delivery (run by the tasks) ---------------------------------------------------------


def _crisis_recipients(brand: Brand, *, severity: str = Severity.HIGH) -> list[User]:
    """Who hears of an alert at once: the brand's reps and product team, its admins unless
    the alert is low, and the moderators who moderate it neutrally."""
    roles = [Membership.Role.REP, Membership.Role.PRODUCT]
    if severity != Severity.LOW:
        roles.append(Membership.Role.ADMIN)
    team = User.objects.filter(
        brand_memberships__brand=brand,
        brand_memberships__role__in=roles,
        brand_memberships__revoked_at__isnull=True,
        is_active=True,
    )
    moderator_ids = ModeratorAppointment.objects.filter(brand__isnull=True).values("user") | (
        ModeratorAppointment.objects.filter(brand=brand).values("user")
    )
    moderators = [
        user
        for user in User.objects.filter(pk__in=moderator_ids, is_active=True)
        if permissions.moderates(user, brand)
    ]
    people = {user.pk: user for user in [*team, *moderators]}
    return [people[pk] for pk in sorted(people)]


def _brand_admins(brand: Brand) -> list[User]:
    return [
        membership.user
        for membership in Membership.objects.active()
        .for_brand(brand)
        .filter(role=Membership.Role.ADMIN, user__is_active=True)
        .select_related("user")
        .order_by("pk")
    ]


def _load(alert_id: int) -> CrisisAlert | None:
    return (
        CrisisAlert.objects.select_related("brand", "product", "version")
        .prefetch_related("threads")
        .filter(pk=alert_id)
        .first()
    )


def _alert_url(alert: CrisisAlert) -> str:
    path = reverse("moderation:crisis_alerts", kwargs={"brand_slug": alert.brand.slug})
    return settings.SITE_URL.rstrip("/") + path + f"#alert-{alert.pk}"


def _alert_scope(alert: CrisisAlert) -> str:
    if alert.version_id:
        return f"{alert.product.name} {alert.version.name}" if alert.product else ""
    return alert.product.name if alert.product else ""


def _alert_line(alert: CrisisAlert) -> str:
    """One sentence in the active language: severity, cause, brand, scope, summary."""
    scope = _alert_scope(alert)
    return _("%(severity)s crisis alert (%(cause)s) for %(brand)s%(scope)s: %(summary)s") % {
        "severity": alert.get_severity_display(),
        "cause": alert.get_cause_display(),
        "brand": alert.brand.name,
        "scope": f" · {scope}" if scope else "",
        "summary": alert.summary,
    }


def _threads(alert: CrisisAlert) -> list[Thread]:
    return sorted(alert.threads.all(), key=lambda thread: thread.pk)[:THREADS_SHOWN]


def _deliver(alert: CrisisAlert, recipients: list[User], *, dedupe: str, escalated: bool) -> int:
    threads = _threads(alert)
    count = 0
    for recipient in recipients:
        with translation.override(recipient.language or settings.LANGUAGE_CODE):
            message = _alert_line(alert)
            if escalated:
                message = (
                    _("Nobody has acknowledged this alert in %(minutes)s minutes.")
                    % {"minutes": settings.SODAN_CRISIS_ACK_MINUTES}
                    + " "
                    + message
                )
        count += len(
            notification_deliver(
                recipients=[recipient],
                kind=Notification.Kind.CRISIS_ALERT,
                dedupe_key=f"{dedupe}:{alert.pk}",
                actor=None,
                thread=threads[0] if threads else None,
                message=message,
                url=_alert_url(alert),
                context={"alert": alert, "escalated": escalated, "threads": threads},
            )
        )
    return count


def crisis_alert_notify(*, alert_id: int) -> int:
    """In-app notice and e-mail to the people who hear of an alert at once."""
    alert = _load(alert_id)
    if alert is None:
        return 0
    return _deliver(
        alert,
        _crisis_recipients(alert.brand, severity=alert.severity),
        dedupe="crisis-alert",
        escalated=False,
    )


def crisis_alert_escalate_notify(*, alert_id: int) -> int:
    """The brand's admins hear that nobody acknowledged the alert; not once it has been."""
    alert = _load(alert_id)
    if alert is None or alert.acknowledged_at is not None:
        return 0
    return _deliver(alert, _brand_admins(alert.brand), dedupe="crisis-escalation", escalated=True)


def _slack_payload(alert: CrisisAlert) -> dict:
    """A Slack incoming-webhook message: a fallback text and one mrkdwn section with the
    alert and links to its threads (titles only, no customer's words beyond them)."""
    with translation.override(settings.LANGUAGE_CODE):
        line = webhooks._slack_escape(_alert_line(alert))
        links = [
            f"• <{settings.SITE_URL.rstrip('/')}{thread.get_absolute_url()}|"
            f"{webhooks._slack_escape(thread.title)}>"
            for thread in _threads(alert)
        ]
        open_link = f"<{_alert_url(alert)}|{_('Acknowledge')}>"
    text = f":rotating_light: {line}"
    return {
        "text": text,
        "blocks": [
            {
                "type": "section",
                "text": {"type": "mrkdwn", "text": "\n".join([text, *links, open_link])},
            }
        ],
    }


def crisis_alert_webhook_send(*, alert_id: int) -> bool:
    """POST the alert to the brand's crisis channel, once. A failure that can pass raises
    OSError, so the outbox tries again later; one that cannot is recorded on the alert."""
    alert = _load(alert_id)
    if alert is None or alert.webhook_delivered_at is not None:
        return False
    channel = CrisisChannel.objects.filter(brand=alert.brand).first()
    if channel is None or not channel.webhook_url:
        return False
    result = webhooks.send(
        url=channel.webhook_url,
        body=webhooks.encode(_slack_payload(alert)),
        headers={},
        timeout=settings.SODAN_WEBHOOK_TIMEOUT_SECONDS,
    )
    if result.delivered:
        CrisisAlert.objects.filter(pk=alert.pk).update(
            webhook_delivered_at=timezone.now(), webhook_error=""
        )
        return True
    CrisisAlert.objects.filter(pk=alert.pk).update(webhook_error=result.error[:500])
    if result.retryable:
        raise OSError(result.error)
    return False


@transaction.atomic
def crisis_channel_set(*, actor: Any, brand: Brand, webhook_url: str) -> CrisisChannel:
    """The brand's admins (and staff) choose where alerts are posted; empty stops it."""
    permissions.check_can_manage_keywords(actor, brand)
    webhook_url = (webhook_url or "").strip()
    refusal = webhooks.url_refusal(webhook_url) if webhook_url else ""
    if refusal:
        raise ValidationError({"webhook_url": [refusal]})
    channel, _created = CrisisChannel.objects.update_or_create(
        brand=brand, defaults={"webhook_url": webhook_url}
    )
    audit_log_record(actor=actor, action="crisis_channel.set", target=channel, brand=brand)
    return channel


def crisis_check(*, now: datetime | None = None) -> dict[str, int]:
    """The periodic check: surges over the last hour, then escalations due."""
    from .crisis_surge import surges_check

    now = now or timezone.now()
    raised = surges_check(now=now)
    escalated = crisis_escalations_record(now=now)
    return {"raised": len(raised), "escalated": len(escalated)}
