"""Writes for a brand's events: emitting one, choosing what an endpoint receives, and the
test event.

An event is one WebhookDelivery row per active endpoint of the brand subscribed to its kind,
written in the caller's transaction and sent after commit by an outbox message: the
feedback app's signed delivery, its retries with backoff and its delivery log
(feedback.services.integrations.webhook_delivery_attempt), reused as they are. A slow or
broken endpoint never blocks or undoes what the event is about.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from brands.models import Brand
from community.models import User
from feedback import permissions as feedback_permissions
from feedback import tasks as feedback_tasks
from feedback import webhooks
from feedback.models import WebhookDelivery, WebhookEndpoint
from outbox.services import message_send

from . import events


def event_emit(
    *, brand: Brand | int, kind: str, data: dict[str, Any] | Callable[[], dict[str, Any]]
) -> int:
    """Queue the event for every active endpoint of the brand subscribed to `kind`; return
    how many deliveries were queued. Call inside the transaction of the change the event
    is about, once per change, with the data of a builder in integrations.events: or the
    builder itself, in a lambda, so that a brand without a subscribed endpoint (most of
    them) pays one query per event and no payload is built for nobody. `brand` may be the
    brand's id: it is then loaded only when an endpoint hears the event.

    A kind outside the catalogue is a programming error (ValueError), and so is a private
    case's data under any kind but case.*: a case never reaches an endpoint that was not
    subscribed to case events.
    """
    if kind not in events.CATALOGUE:
        raise ValueError(f"Unknown event kind {kind!r}: see integrations.events.CATALOGUE.")
    if not callable(data):
        _refuse_private_case(kind, data)
    endpoints = [
        endpoint
        for endpoint in WebhookEndpoint.objects.filter(brand=brand).active().select_related("brand")
        if endpoint.receives(kind)
    ]
    if not endpoints:
        return 0
    brand = endpoints[0].brand
    if callable(data):
        data = data()
        _refuse_private_case(kind, data)
    return len(_queue(brand=brand, endpoints=endpoints, kind=kind, data=data))


def _refuse_private_case(kind: str, data: dict[str, Any]) -> None:
    if "case" in data and not events.CATALOGUE[kind].private:
        raise ValueError(f"A private case's data may only be sent as a case.* event, not {kind}.")


def _queue(
    *, brand: Brand, endpoints: list[WebhookEndpoint], kind: str, data: dict[str, Any]
) -> list[WebhookDelivery]:
    """One delivery per endpoint, its body fixed now (every retry sends the same bytes)."""
    if not endpoints:
        return []
    body = events.envelope(kind=kind, brand=brand, data=data, occurred_at=timezone.now())
    deliveries = [
        WebhookDelivery.objects.create(
            brand=brand,
            endpoint=endpoint,
            event=body["event"],
            payload=_slack(kind, brand, body) if endpoint.format == "slack" else body,
        )
        for endpoint in endpoints
    ]
    for delivery in deliveries:
        message_send(feedback_tasks.deliver_webhook, delivery.pk)
    return deliveries


def _slack(kind: str, brand: Brand, body: dict[str, Any]) -> dict[str, str]:
    brand_data = body["brand"]
    if kind.startswith("feedback_item."):  # the lines Slack channels showed before
        extra = {k: v for k, v in body.items() if k not in ("brand", "item")}
        return webhooks.slack_payload(
            event=body["event"], brand=brand_data, item=body["item"], data=extra
        )
    return {"text": events.slack_text(kind, brand_name=brand.name, data=body)}


def clean_event_kinds(kinds: Iterable[str]) -> list[str]:
    """The chosen kinds in catalogue order; an unknown one is refused."""
    chosen = set(kinds)
    unknown = sorted(chosen - set(events.KINDS))
    if unknown:
        raise ValidationError(
            {"events": [_("Unknown event kinds: %(kinds)s.") % {"kinds": ", ".join(unknown)}]}
        )
    return [kind for kind in events.KINDS if kind in chosen]


@transaction.atomic
def webhook_endpoint_events_set(
    *, actor: User, endpoint: WebhookEndpoint, kinds: Iterable[str]
) -> WebhookEndpoint:
    """Choose the event kinds the endpoint receives (none pauses nothing: it just hears
    nothing until some are chosen)."""
    feedback_permissions.check_can_manage_integrations(actor, endpoint.brand)
    chosen = clean_event_kinds(kinds)
    previous = list(endpoint.events or [])
    if chosen == previous:
        return endpoint
    endpoint.events = chosen
    endpoint.save(update_fields=["events"])
    # Imported here: moderation's services emit events, so they import this module.
    from moderation.services import audit_log_record

    audit_log_record(
        actor=actor,
        action="integrations.endpoint_events",
        target=endpoint,
        brand=endpoint.brand,
        data={"from": previous, "to": chosen},
    )
    return endpoint


@transaction.atomic
def webhook_test_send(*, actor: User, endpoint: WebhookEndpoint) -> WebhookDelivery:
    """Queue a `ping` event to this one endpoint, whatever kinds it is subscribed to: its
    delivery shows in the log like any other (a paused endpoint's as failed, saying so)."""
    feedback_permissions.check_can_manage_integrations(actor, endpoint.brand)
    [delivery] = _queue(
        brand=endpoint.brand,
        endpoints=[endpoint],
        kind=events.PING,
        data=events.ping(by=actor),
    )
    return delivery
