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
