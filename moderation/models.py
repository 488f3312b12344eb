"""Moderators and (in later work) flags, the review queue, verification and sanctions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ModeratorAppointment(models.Model):
    """Staff appoint moderators: global (no brand) or scoped to one brand."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="moderator_appointments"
    )
    brand = models.ForeignKey(
        "brands.Brand",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="moderator_appointments",
        help_text=_("Empty for a global moderator."),
    )
    appointed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "brand"], name="one_appointment_per_brand"),
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(brand__isnull=True),
                name="one_global_appointment",
            ),
        ]
        verbose_name = _("moderator")
        verbose_name_plural = _("moderators")

    def __str__(self) -> str:
        scope = self.brand.name if self.brand_id else _("global")
        return f"{self.user} ({scope})"


class AuditLogEntryQuerySet(models.QuerySet["AuditLogEntry"]):
    def for_brand(self, brand) -> AuditLogEntryQuerySet:
        return self.filter(brand=brand)

    def for_object(self, obj: models.Model) -> AuditLogEntryQuerySet:
        from django.contrib.contenttypes.models import ContentType

        return self.filter(
            target_type=ContentType.objects.get_for_model(obj), target_id=str(obj.pk)
        )


class AuditLogEntry(models.Model):
    """Who did what, when, to which object: claims, role changes, ownership, endorsements,
    every moderator action. Append-only; staff read it in the admin."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Who acted; empty for the system (a periodic task)."),
    )
    action = models.CharField(
        _("action"), max_length=60, db_index=True, help_text=_("e.g. thread.hide, claim.approve")
    )
    brand = models.ForeignKey(
        "brands.Brand",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The brand the object belongs to, for filtering."),
    )
    target_type = models.ForeignKey(
        "contenttypes.ContentType", on_delete=models.SET_NULL, null=True, blank=True
    )
    target_id = models.CharField(max_length=64, blank=True)
    target_repr = models.CharField(
        max_length=200, blank=True, help_text=_("What the object was called at the time.")
    )
    reason = models.TextField(_("reason"), blank=True)
    data = models.JSONField(default=dict, blank=True, help_text=_("Details: before/after, ids."))
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = AuditLogEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("audit log entry")
        verbose_name_plural = _("audit log")

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor} {self.action} {self.target_repr}"
