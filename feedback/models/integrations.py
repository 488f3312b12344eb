"""A brand's integrations: the signing secret shared with its tools, outgoing webhooks with
their delivery log, and the log of what its issue tracker sent in."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from brands.models import Brand


class BrandSigningSecret(models.Model):
    """The HMAC-SHA256 key shared between the brand and its tools.

    Signs every outgoing webhook and authenticates the inbound endpoint. It must be kept in
    the clear to compute signatures; only the brand's admins and staff can read it.
    """

    brand = models.OneToOneField(Brand, on_delete=models.CASCADE, related_name="signing_secret")
    secret = models.CharField(max_length=128, help_text=_("Random; replaced when rotated."))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    rotated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "brands_brandsigningsecret"  # kept from when it lived in brands
        verbose_name = _("signing secret")
        verbose_name_plural = _("signing secrets")

    def __str__(self) -> str:
        return f"Signing secret of {self.brand}"

    @property
    def hint(self) -> str:
        """Enough to tell two secrets apart, not enough to use one."""
        return f"{self.secret[:6]}…"


class WebhookEndpointQuerySet(models.QuerySet["WebhookEndpoint"]):
    def for_brand(self, brand: Brand) -> WebhookEndpointQuerySet:
        return self.filter(brand=brand)

    def active(self) -> WebhookEndpointQuerySet:
        return self.filter(active=True)


def default_event_kinds() -> list[str]:
    """What an endpoint hears unless its admin chooses: the feedback events every endpoint
    got before events were chosen per endpoint (integrations.events has the catalogue)."""
    return ["feedback_item.created", "feedback_item.changed"]


class WebhookEndpoint(models.Model):
    """Where the brand wants to hear about its threads, answers, items and cases: the event
    kinds it receives are chosen by the brand's admin (integrations.events)."""

    class Format(models.TextChoices):
        SLACK = "slack", _("Slack incoming webhook")
        JSON = "json", _("JSON (for an issue tracker or your own tool)")

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="webhook_endpoints")
    url = models.URLField(_("address"), max_length=500, help_text=_("An https:// address."))
    format = models.CharField(
        _("format"), max_length=10, choices=Format.choices, default=Format.JSON
    )
    description = models.CharField(
        _("description"), max_length=100, blank=True, help_text=_("e.g. #product-feedback")
    )
    active = models.BooleanField(default=True, help_text=_("Paused endpoints get nothing."))
    events = models.JSONField(
        _("events"),
        default=default_event_kinds,
        help_text=_("The event kinds this endpoint receives (integrations.events)."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = WebhookEndpointQuerySet.as_manager()

    class Meta:
        db_table = "brands_webhookendpoint"  # kept from when it lived in brands
        ordering = ["created_at", "id"]
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")

    def __str__(self) -> str:
        return self.url

    def receives(self, kind: str) -> bool:
        return kind in (self.events or [])


class WebhookDeliveryQuerySet(models.QuerySet["WebhookDelivery"]):
    def for_brand(self, brand: Brand) -> WebhookDeliveryQuerySet:
        return self.filter(brand=brand)


class WebhookDelivery(models.Model):
    """One event for one endpoint, and how sending it went.

    The body is fixed when the event happens, so every retry sends the same JSON (with a
    fresh signature timestamp).
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RETRYING = "retrying", _("Failed, will retry")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="webhook_deliveries")
    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.CharField(max_length=40, help_text=_("e.g. item.status_changed"))
    payload = models.JSONField(help_text=_("The body sent, as JSON."))
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    response_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    objects = WebhookDeliveryQuerySet.as_manager()

    class Meta:
        db_table = "brands_webhookdelivery"  # kept from when it lived in brands
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["brand", "-created_at"], name="webhook_delivery_brand")]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")

    def __str__(self) -> str:
        return f"{self.event} → {self.endpoint_id} ({self.status})"


class InboundWebhookQuerySet(models.QuerySet["InboundWebhook"]):
    def for_brand(self, brand: Brand) -> InboundWebhookQuerySet:
        return self.filter(brand=brand)


class InboundWebhook(models.Model):
    """What an issue tracker sent to the brand's inbound endpoint, accepted or refused.

    `replay_key` is the signature (or GitHub's delivery id) of an accepted request; unique
    per brand, so the same signed request is never applied twice.
    """

    class Source(models.TextChoices):
        SODAN = "sodan", _("Generic JSON")
        GITHUB = "github", _("GitHub")

    class Outcome(models.TextChoices):
        ACCEPTED = "accepted", _("Accepted")
        IGNORED = "ignored", _("Ignored")
        REFUSED = "refused", _("Refused")

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="inbound_webhooks")
    source = models.CharField(max_length=10, choices=Source.choices)
    event = models.CharField(max_length=60, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    reason = models.CharField(max_length=300, blank=True)
    replay_key = models.CharField(max_length=120, blank=True)
    item = models.ForeignKey(
        "feedback.FeedbackItem", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    remote_addr = models.GenericIPAddressField(null=True, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)

    objects = InboundWebhookQuerySet.as_manager()

    class Meta:
        db_table = "brands_inboundwebhook"  # kept from when it lived in brands
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["brand", "replay_key"],
                condition=~models.Q(replay_key=""),
                name="inbound_webhook_once",
            )
        ]
        verbose_name = _("inbound webhook")
        verbose_name_plural = _("inbound webhooks")

    def __str__(self) -> str:
        return f"{self.source} {self.event} for {self.brand}: {self.outcome}"


__all__ = ["BrandSigningSecret", "InboundWebhook", "WebhookDelivery", "WebhookEndpoint"]
