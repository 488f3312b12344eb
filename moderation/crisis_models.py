"""Crisis alerts and each brand's crisis channel (models.py imports them, so Django finds
them as moderation's). An alert is raised by a keyword in a post or by a surge of
complaints about one product or release; someone must acknowledge it, or the brand's
admins are told."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Severity(models.TextChoices):
    LOW = "low", _("Low")
    HIGH = "high", _("High")
    CRITICAL = "critical", _("Critical")


# Higher first, for sorting the inbox and comparing alerts.
SEVERITY_RANK = {Severity.LOW: 1, Severity.HIGH: 2, Severity.CRITICAL: 3}


class CrisisAlertQuerySet(models.QuerySet["CrisisAlert"]):
    def for_brand(self, brand) -> CrisisAlertQuerySet:
        return self.filter(brand=brand)

    def unacknowledged(self) -> CrisisAlertQuerySet:
        return self.filter(acknowledged_at__isnull=True)


class CrisisAlert(models.Model):
    class Cause(models.TextChoices):
        KEYWORD = "keyword", _("Crisis keyword")
        SURGE = "surge", _("Surge of complaints")

    brand = models.ForeignKey(
        "brands.Brand", on_delete=models.CASCADE, related_name="crisis_alerts"
    )
    cause = models.CharField(_("cause"), max_length=20, choices=Cause.choices)
    severity = models.CharField(_("severity"), max_length=20, choices=Severity.choices)
    product = models.ForeignKey(
        "brands.Product",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The product a surge is about, or the keyword thread's product."),
    )
    version = models.ForeignKey(
        "brands.ProductVersion",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The release a surge is about; empty for the whole product."),
    )
    threads = models.ManyToManyField("qa.Thread", related_name="crisis_alerts", blank=True)
    summary = models.CharField(
        _("summary"),
        max_length=500,
        help_text=_("The keywords found, or the counts of a surge against the usual ones."),
    )
    key = models.CharField(
        max_length=200,
        help_text=_("One alert per post's keywords, or per product or release per surge."),
    )
    created_at = models.DateTimeField(db_index=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    escalated_at = models.DateTimeField(
        null=True, blank=True, help_text=_("When the brand's admins were told nobody had acted.")
    )
    webhook_delivered_at = models.DateTimeField(null=True, blank=True)
    webhook_error = models.CharField(max_length=500, blank=True)

    objects = CrisisAlertQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["brand", "key"], name="crisis_alert_key_unique")
        ]
        indexes = [
            models.Index(fields=["acknowledged_at", "escalated_at"], name="crisis_alert_waiting")
        ]
        verbose_name = _("crisis alert")
        verbose_name_plural = _("crisis alerts")

    def __str__(self) -> str:
        return f"{self.get_severity_display()} {self.get_cause_display()}: {self.summary}"

    @property
    def rank(self) -> int:
        return SEVERITY_RANK.get(self.severity, 0)


class CrisisChannel(models.Model):
    """Where a brand's crisis alerts go besides its people: a Slack incoming webhook, or
    any address that takes the same JSON."""

    brand = models.OneToOneField(
        "brands.Brand", on_delete=models.CASCADE, related_name="crisis_channel"
    )
    webhook_url = models.URLField(
        _("Slack or webhook address"),
        max_length=500,
        blank=True,
        help_text=_("Alerts are posted here as Slack incoming-webhook messages."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("crisis channel")
        verbose_name_plural = _("crisis channels")

    def __str__(self) -> str:
        return self.webhook_url
