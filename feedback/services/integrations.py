"""Writes for a brand's integrations: the signing secret, outgoing webhooks and their
delivery log, and the signed inbound endpoint through which an issue tracker changes a
feedback item's status.

Outgoing: every event (queued by integrations.services.event_emit) is one WebhookDelivery
row per active endpoint subscribed to its kind, with its body fixed at the moment of the
event, sent after commit by an outbox message (outbox.services) that is retried with
exponential backoff. The team's action is done before any endpoint is
called, so a slow or broken endpoint never blocks or undoes it.
"""

from __future__ import annotations

import json
import logging
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from brands.models import Brand
from community.models import User
from feedback import permissions, selectors, webhooks
from feedback.models import (
    BrandSigningSecret,
    FeedbackItem,
    InboundWebhook,
    WebhookDelivery,
    WebhookEndpoint,
)
from feedback.models.integrations import default_event_kinds
from integrations.services import clean_event_kinds
from moderation.services import audit_log_record
from outbox.services import backoff as outbox_backoff

logger = logging.getLogger(__name__)

WEBHOOK_MAX_ATTEMPTS = 5


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


# --- The signing secret ------------------------------------------------------------------


@transaction.atomic
def signing_secret_rotate(*, actor: User, brand: Brand) -> BrandSigningSecret:
    """Create the brand's secret, or replace it: the old one stops working at once."""
    permissions.check_can_manage_integrations(actor, brand)
    value = secrets.token_hex(32)
    record, created = BrandSigningSecret.objects.select_for_update().get_or_create(
        brand=brand, defaults={"secret": value, "created_by": actor}
    )
    if not created:
        record.secret = value
        record.rotated_at = timezone.now()
        record.created_by = actor
        record.save(update_fields=["secret", "rotated_at", "created_by"])
    # Never the secret itself in the log.
    audit_log_record(
        actor=actor,
        action="integrations.secret_create" if created else "integrations.secret_rotate",
        target=brand,
        brand=brand,
    )
    return record


# --- Endpoints -----------------------------------------------------------------------------


@transaction.atomic
def webhook_endpoint_create(
    *,
    actor: User,
    brand: Brand,
    url: str,
    format: str,
    description: str = "",
    events: Iterable[str] | None = None,
) -> WebhookEndpoint:
    """Add an endpoint hearing the event kinds chosen (integrations.events); without a
    choice, the feedback events every endpoint heard before kinds could be chosen."""
    permissions.check_can_manage_integrations(actor, brand)
    kinds = default_event_kinds() if events is None else clean_event_kinds(events)
    url = (url or "").strip()
    refusal = webhooks.url_refusal(url) if url else _("Enter the endpoint's address.")
    if refusal:
        raise ValidationError({"url": [refusal]})
    if len(url) > 500:
        raise ValidationError({"url": [_("Keep the address to 500 characters.")]})
    if format not in WebhookEndpoint.Format.values:
        raise ValidationError({"format": [_("Choose Slack or JSON.")]})
    if WebhookEndpoint.objects.for_brand(brand).filter(url=url).exists():
        raise ValidationError({"url": [_("This address is already an endpoint.")]})
    if not BrandSigningSecret.objects.filter(brand=brand).exists():
        signing_secret_rotate(actor=actor, brand=brand)
    endpoint = WebhookEndpoint.objects.create(
        brand=brand,
        url=url,
        format=format,
        description=(description or "").strip()[:100],
        events=kinds,
        created_by=actor,
    )
    audit_log_record(
        actor=actor,
        action="integrations.endpoint_create",
        target=endpoint,
        brand=brand,
        data={"url": url, "format": format, "events": kinds},
    )
    return endpoint


@transaction.atomic
def webhook_endpoint_set_active(
    *, actor: User, endpoint: WebhookEndpoint, active: bool
) -> WebhookEndpoint:
    permissions.check_can_manage_integrations(actor, endpoint.brand)
    endpoint.active = active
    endpoint.save(update_fields=["active"])
    audit_log_record(
        actor=actor,
        action="integrations.endpoint_resume" if active else "integrations.endpoint_pause",
        target=endpoint,
        brand=endpoint.brand,
    )
    return endpoint


@transaction.atomic
def webhook_endpoint_delete(*, actor: User, endpoint: WebhookEndpoint) -> None:
    permissions.check_can_manage_integrations(actor, endpoint.brand)
    audit_log_record(
        actor=actor,
        action="integrations.endpoint_delete",
        target=endpoint,
        brand=endpoint.brand,
        data={"url": endpoint.url},
    )
    endpoint.delete()


# --- Outgoing events ---------------------------------------------------------------------


def item_data(item: FeedbackItem) -> dict[str, Any]:
    """The item as the JSON format shows it: no internal summary or comments, no e-mail
    addresses; the people count and the threads' public addresses."""
    people = (
        FeedbackItem.objects.filter(pk=item.pk)
        .annotate(people=selectors.people_affected_expression())
        .values_list("people", flat=True)
        .first()
    )
    threads = [
        {"id": pk, "title": title, "url": absolute(f"/t/{pk}/")}
        for pk, title in item.links.order_by("thread_id").values_list("thread_id", "thread__title")
    ]
    public = selectors.public_status(item)
    return {
        "id": item.pk,
        "title": item.title,
        "type": item.kind,
        "status": item.status,
        "status_label": str(FeedbackItem.Status(item.status).label),
        "public_status": public.headline,
        "shipped_in": item.shipped_in,
        "resolution": item.resolution,
        "decline_reason": item.decline_reason,
        "issue_url": item.issue_url,
        "url": absolute(item.get_absolute_url()),
        "people_affected": people or 0,
        "threads": threads,
    }


def webhook_backoff_seconds(retries: int) -> int:
    """30 s, 1 min, 2 min, 4 min… after the 1st, 2nd, 3rd, 4th failure: the outbox's own
    backoff, which retries deliveries."""
    return int(outbox_backoff(retries + 1).total_seconds())


def webhook_delivery_attempt(*, delivery_id: int, final: bool) -> str:
    """Send one delivery once and record how it went.

    Returns "delivered", "retry" (failed in a way that can pass, and attempts remain),
    "failed" or "skipped" (already delivered, or its endpoint was removed or paused).
    """
    delivery = (
        WebhookDelivery.objects.select_related("endpoint__brand__signing_secret")
        .filter(pk=delivery_id)
        .first()
    )
    if delivery is None or delivery.status in (
        WebhookDelivery.Status.DELIVERED,
        WebhookDelivery.Status.FAILED,
    ):
        return "skipped"
    endpoint = delivery.endpoint
    if not endpoint.active:
        _record(delivery, status=WebhookDelivery.Status.FAILED, error=_("The endpoint is paused."))
        return "skipped"
    secret = getattr(endpoint.brand, "signing_secret", None)
    body = webhooks.encode(delivery.payload)
    headers = {"X-Sodan-Event": delivery.event, "X-Sodan-Delivery": str(delivery.pk)}
    if secret is not None:
        headers[webhooks.SIGNATURE_HEADER] = webhooks.sign(
            secret=secret.secret, body=body, timestamp=int(timezone.now().timestamp())
        )
    result = webhooks.send(
        url=endpoint.url,
        body=body,
        headers=headers,
        timeout=settings.SODAN_WEBHOOK_TIMEOUT_SECONDS,
    )
    attempts = delivery.attempts + 1
    if result.delivered:
        _record(
            delivery,
            status=WebhookDelivery.Status.DELIVERED,
            attempts=attempts,
            code=result.status_code,
            delivered_at=timezone.now(),
        )
        return "delivered"
    again = result.retryable and not final and attempts < WEBHOOK_MAX_ATTEMPTS
    _record(
        delivery,
        status=WebhookDelivery.Status.RETRYING if again else WebhookDelivery.Status.FAILED,
        attempts=attempts,
        code=result.status_code,
        error=result.error,
    )
    logger.info("Webhook delivery %s failed (%s)", delivery.pk, result.error)
    return "retry" if again else "failed"


def _record(
    delivery: WebhookDelivery,
    *,
    status: str,
    attempts: int | None = None,
    code: int | None = None,
    error: str = "",
    delivered_at: datetime | None = None,
) -> None:
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        status=status,
        attempts=attempts if attempts is not None else delivery.attempts,
        response_code=code,
        error=error[:500],
        last_attempt_at=timezone.now(),
        delivered_at=delivered_at,
    )


# --- The inbound endpoint ------------------------------------------------------------------


@dataclass
class InboundResult:
    status_code: int
    message: str
    item: FeedbackItem | None = None


GITHUB_ACTIONS = {
    "closed": FeedbackItem.Status.SHIPPED,
    "reopened": FeedbackItem.Status.IN_PROGRESS,
}


def _log(
    *,
    brand: Brand,
    source: str,
    event: str,
    outcome: str,
    reason: str,
    remote_addr: str | None,
    item: FeedbackItem | None = None,
    replay_key: str = "",
) -> InboundWebhook:
    return InboundWebhook.objects.create(
        brand=brand,
        source=source,
        event=event[:60],
        outcome=outcome,
        reason=reason[:300],
        replay_key=replay_key,
        item=item,
        remote_addr=remote_addr or None,
    )


def _find_item(brand: Brand, *, item_id: Any = None, issue_url: str = "") -> FeedbackItem | None:
    items = FeedbackItem.objects.for_brand(brand).select_related("brand")
    if item_id not in (None, ""):
        try:
            return items.filter(pk=int(item_id)).first()
        except (TypeError, ValueError):
            return None
    issue_url = (issue_url or "").strip().rstrip("/")
    if not issue_url:
        return None
    for candidate in (issue_url, issue_url + "/"):
        found = items.filter(issue_url__iexact=candidate).first()
        if found is not None:
            return found
    return None


def _read_change(source: str, event: str, payload: Any) -> tuple[dict | None, str]:
    """What the tracker asks for: {"item_id"|"issue_url", "status", "message", "shipped_in",
    "reason"}; or None and why it is ignored."""
    if not isinstance(payload, dict):
        return None, _("The body must be a JSON object.")
    if source == InboundWebhook.Source.GITHUB:
        if event != "issues":
            return None, _("Only GitHub's issues events change items.")
        action = payload.get("action")
        issue = payload.get("issue") or {}
        if action not in GITHUB_ACTIONS or not isinstance(issue, dict):
            return None, _("Only closing and reopening an issue change items.")
        status = GITHUB_ACTIONS[action]
        reason = ""
        if action == "closed" and issue.get("state_reason") == "not_planned":
            # Closed as "not planned" is no fix: the customers must not hear it shipped.
            status = FeedbackItem.Status.DECLINED
            reason = _("Closed as not planned in the issue tracker.")
        return {
            "issue_url": str(issue.get("html_url") or ""),
            "status": status,
            "reason": reason,
            "message": "",
            "shipped_in": str((issue.get("milestone") or {}).get("title") or "")
            if status == FeedbackItem.Status.SHIPPED
            else "",
        }, ""
    status = payload.get("status")
    if status not in FeedbackItem.Status.values:
        return None, _("“status” must be one of: %(statuses)s.") % {
            "statuses": ", ".join(FeedbackItem.Status.values)
        }
    return {
        "item_id": payload.get("item"),
        "issue_url": str(payload.get("issue_url") or ""),
        "status": status,
        "message": str(payload.get("message") or ""),
        "shipped_in": str(payload.get("shipped_in") or payload.get("version") or ""),
        "reason": str(payload.get("reason") or ""),
    }, ""


def inbound_webhook_receive(
    *, brand: Brand, headers: Mapping[str, str], body: bytes, remote_addr: str | None = None
) -> InboundResult:
    """Authenticate a request from the brand's issue tracker and apply it.

    Refused and logged: no secret yet, a missing or wrong signature, a timestamp more than
    five minutes off, a replay of a request already accepted. GitHub's `issues` event
    (closed → shipped, or declined when closed as not planned; reopened → in progress) and
    the generic JSON format both find the item by its linked issue address.
    """
    is_github = bool(headers.get(webhooks.GITHUB_SIGNATURE_HEADER) or headers.get("X-GitHub-Event"))
    source = InboundWebhook.Source.GITHUB if is_github else InboundWebhook.Source.SODAN
    event = headers.get("X-GitHub-Event", "") if is_github else "status"

    def refuse(code: int, reason: str) -> InboundResult:
        _log(
            brand=brand,
            source=source,
            event=event,
            outcome=InboundWebhook.Outcome.REFUSED,
            reason=reason,
            remote_addr=remote_addr,
        )
        return InboundResult(code, reason)

    secret = BrandSigningSecret.objects.filter(brand=brand).first()
    if secret is None:
        return refuse(401, _("This brand has no signing secret yet."))
    try:
        if is_github:
            replay_key = webhooks.verify_github(
                secret=secret.secret,
                header=headers.get(webhooks.GITHUB_SIGNATURE_HEADER, ""),
                body=body,
                delivery_id=headers.get("X-GitHub-Delivery", ""),
            )
        else:
            replay_key = webhooks.verify_sodan(
                secret=secret.secret,
                header=headers.get(webhooks.SIGNATURE_HEADER, ""),
                body=body,
                now=int(timezone.now().timestamp()),
            )
    except webhooks.SignatureError as error:
        return refuse(401, str(error))
    try:
        payload = json.loads(body)
    except ValueError:
        return refuse(400, _("The body is not valid JSON."))
    if is_github and event == "ping":
        _log(
            brand=brand,
            source=source,
            event=event,
            outcome=InboundWebhook.Outcome.IGNORED,
            reason="ping",
            remote_addr=remote_addr,
        )
        return InboundResult(200, "pong")
    change, ignored = _read_change(source, event, payload)
    if change is None:
        if is_github:
            _log(
                brand=brand,
                source=source,
                event=event,
                outcome=InboundWebhook.Outcome.IGNORED,
                reason=ignored,
                remote_addr=remote_addr,
            )
            return InboundResult(202, ignored)
        return refuse(400, ignored)
    item = _find_item(brand, item_id=change.get("item_id"), issue_url=change["issue_url"])
    if item is None:
        return refuse(404, _("No feedback item of this brand links to that issue."))
    if item.merged_into_id:
        item = _find_item(brand, item_id=item.merged_into_id) or item
    from . import items as feedback  # the feedback services import this module

    try:
        with transaction.atomic():
            _log(
                brand=brand,
                source=source,
                event=event,
                outcome=InboundWebhook.Outcome.ACCEPTED,
                reason=change["status"],
                remote_addr=remote_addr,
                item=item,
                replay_key=replay_key,
            )
            item = feedback.feedback_status_set_by_tracker(
                item=item,
                status=change["status"],
                message=change["message"],
                shipped_in=change["shipped_in"],
                reason=change["reason"],
            )
    except IntegrityError:
        return refuse(409, _("This request was already received: replays are refused."))
    except ValidationError as error:
        return refuse(422, " ".join(error.messages))
    return InboundResult(200, item.status, item)
