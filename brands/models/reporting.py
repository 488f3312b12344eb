"""What a brand's team sets for its reports and its own screens: the cost of a contact
(for the deflection estimate), scheduled report e-mails, and each member's inbox columns
and saved views."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .core import Brand


class ReportSettings(models.Model):
    brand = models.OneToOneField(Brand, on_delete=models.CASCADE, related_name="report_settings")
    cost_per_contact = models.DecimalField(
        _("cost per contact (yen)"),
        max_digits=10,
        decimal_places=0,
        default=Decimal(0),
        help_text=_("What one call or e-mail to support costs: solved threads' views save it."),
    )

    class Meta:
        verbose_name = _("report settings")
        verbose_name_plural = _("report settings")

    def __str__(self) -> str:
        return f"{self.brand}: {self.cost_per_contact}"


class ReportScheduleQuerySet(models.QuerySet["ReportSchedule"]):
    def for_brand(self, brand: Brand) -> ReportScheduleQuerySet:
        return self.filter(brand=brand)


class ReportSchedule(models.Model):
    """A report e-mailed after each period ends to the people chosen."""

    class Period(models.TextChoices):
        WEEKLY = "weekly", _("Every week (Monday to Sunday)")
        MONTHLY = "monthly", _("Every month")
        QUARTERLY = "quarterly", _("Every fiscal quarter (April–June, July–September, …)")
        FISCAL_YEAR = "fiscal_year", _("Every fiscal year (April to March)")

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="report_schedules")
    period = models.CharField(_("period"), max_length=20, choices=Period.choices)
    recipients = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="+",
        verbose_name=_("recipients"),
        help_text=_("Team members who receive it (while they are on the team)."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_period_start = models.DateField(
        null=True, blank=True, help_text=_("The start of the last period sent: sent once each.")
    )

    objects = ReportScheduleQuerySet.as_manager()

    class Meta:
        ordering = ["period", "id"]
        verbose_name = _("scheduled report")
        verbose_name_plural = _("scheduled reports")

    def __str__(self) -> str:
        return f"{self.brand}: {self.get_period_display()}"


class InboxView(models.Model):
    """A member's own inbox: the columns shown, and named filter combinations.

    One row with `name` empty holds the member's columns; each saved view is a row with a
    name and its filters (tab, product, type, department)."""

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="inbox_views"
    )
    name = models.CharField(_("name"), max_length=60, blank=True)
    columns = models.JSONField(default=list, blank=True, help_text=_("Column keys shown."))
    filters = models.JSONField(default=dict, blank=True, help_text=_("Saved filter values."))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["brand", "user", "name"], name="one_inbox_view_per_name"
            )
        ]
        verbose_name = _("inbox view")
        verbose_name_plural = _("inbox views")

    def __str__(self) -> str:
        return f"{self.user}: {self.name or '-'}"
