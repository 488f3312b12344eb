"""A brand's LINE official account, what LINE sends it, and what Sodan sends back."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class LineChannel(models.Model):
    """The credentials a brand admin entered on the integrations page. The environment's
    (SODAN_LINE_<SLUG>_SECRET / _TOKEN) win over these (line.selectors.channel_for)."""

    brand = models.OneToOneField(
        "brands.Brand", on_delete=models.CASCADE, related_name="line_channel", help_text=_("Scope.")
    )
    channel_secret = models.CharField(
        max_length=200, blank=True, help_text=_("Signs LINE's webhook requests; never shown back.")
    )
    access_token = models.TextField(
        blank=True, help_text=_("The channel access token for the reply and push calls.")
    )
    relay_url = models.URLField(
        blank=True,
        help_text=_("The brand's existing LINE tool's webhook: events go on to it, re-signed."),
    )
    relay_all = models.BooleanField(
        default=False,
        help_text=_("Forward every event to the relay address, not only those Sodan leaves."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"LINE channel of brand {self.brand_id}"


class LineRequest(models.Model):
    """One webhook request, its body kept as LINE sent it (the relay forwards it)."""

    brand = models.ForeignKey("brands.Brand", on_delete=models.CASCADE, related_name="+")
    body = models.TextField(help_text=_("The request body as received."))
    received_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"LINE request {self.pk}"


class LineEvent(models.Model):
    """One webhook event, stored before anything is done with it: LINE redelivers, and the
    webhookEventId makes a redelivered event a no-op."""

    class State(models.TextChoices):
        NEW = "new", _("Received")
        HANDLED = "handled", _("Answered by Sodan")
        LEFT = "left", _("Not Sodan's: left to the relay")

    brand = models.ForeignKey("brands.Brand", on_delete=models.CASCADE, related_name="+")
    request = models.ForeignKey(LineRequest, on_delete=models.CASCADE, related_name="events")
    webhook_event_id = models.CharField(max_length=64, help_text=_("LINE's webhookEventId."))
    type = models.CharField(max_length=40)
    line_user_id = models.CharField(max_length=64, blank=True)
    payload = models.JSONField(help_text=_("The event as LINE sent it."))
    state = models.CharField(max_length=10, choices=State.choices, default=State.NEW)
    received_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    thread = models.ForeignKey(
        "qa.Thread",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The public question this message became, once its writer confirmed it."),
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["brand", "webhook_event_id"], name="line_event_once_per_brand"
            )
        ]
        ordering = ["-received_at", "-pk"]

    def __str__(self) -> str:
        return f"LINE {self.type} {self.webhook_event_id}"

    @property
    def text(self) -> str:
        message = self.payload.get("message") or {}
        return message.get("text", "") if message.get("type") == "text" else ""


class LineLink(models.Model):
    """A LINE user id of one brand's official account, linked to a member through the
    signed link the chat offered. (LINE user ids differ between providers, so per brand.)"""

    brand = models.ForeignKey("brands.Brand", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="line_links"
    )
    line_user_id = models.CharField(max_length=64)
    linked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["brand", "line_user_id"], name="line_link_once"),
            models.UniqueConstraint(fields=["brand", "user"], name="line_link_one_per_brand"),
        ]

    def __str__(self) -> str:
        return f"LINE link of member {self.user_id} with brand {self.brand_id}"


class LinePush(models.Model):
    """A notification pushed to LINE: sent once (LINE's retry key), retried while LINE is
    busy or down, and given up (kept, with the error) after SODAN_LINE_PUSH_MAX_ATTEMPTS."""

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting")
        SENT = "sent", _("Sent")
        GIVEN_UP = "given_up", _("Given up")

    brand = models.ForeignKey("brands.Brand", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="line_pushes"
    )
    line_user_id = models.CharField(max_length=64)
    dedupe_key = models.CharField(max_length=200, unique=True)
    text = models.TextField()
    retry_key = models.UUIDField(default=uuid.uuid4, editable=False)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"LINE push {self.pk} ({self.state})"


class LineRelay(models.Model):
    """A body forwarded to the brand's existing LINE tool, with its outcome."""

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting")
        SENT = "sent", _("Forwarded")
        FAILED = "failed", _("Refused by the tool")

    brand = models.ForeignKey("brands.Brand", on_delete=models.CASCADE, related_name="+")
    body = models.TextField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"LINE relay {self.pk} ({self.state})"


class LineCaseRequest(models.Model):
    """A person who wrote on LINE and asked to talk to the brand privately; the brand's reps
    and admins are told and answer them (the request page, or a private case)."""

    brand = models.ForeignKey("brands.Brand", on_delete=models.CASCADE, related_name="+")
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="line_case_requests"
    )
    event = models.OneToOneField(
        LineEvent, on_delete=models.CASCADE, related_name="case_request", help_text=_("Asked in.")
    )
    text = models.TextField(help_text=_("What they wrote on LINE."))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"LINE private request {self.pk}"
