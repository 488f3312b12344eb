"""How a company comes to speak for a brand: a claim, then invitations to its team."""

from __future__ import annotations

import hashlib
from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .core import Brand, Membership


class BrandClaimQuerySet(models.QuerySet["BrandClaim"]):
    def for_brand(self, brand: Brand) -> BrandClaimQuerySet:
        return self.filter(brand=brand)

    def pending(self) -> BrandClaimQuerySet:
        return self.filter(status=BrandClaim.Status.PENDING)


class BrandClaim(models.Model):
    """A company's request to take its community over officially.

    Approved at once when the claimant's verified e-mail is on the brand's domain;
    otherwise it waits for staff with the evidence the claimant gave.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for staff")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    brand = models.ForeignKey(
        Brand, on_delete=models.CASCADE, related_name="claims", help_text=_("The brand claimed.")
    )
    claimant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="brand_claims",
        help_text=_("Who claims to speak for the company; becomes its admin on approval."),
    )
    evidence = models.TextField(
        _("evidence"),
        blank=True,
        max_length=2000,
        help_text=_("What the claimant told staff to show they work for the company."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    auto_approved = models.BooleanField(
        default=False,
        help_text=_("Approved without staff because of a verified e-mail on the brand's domain."),
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The staff member who decided; empty when approved automatically."),
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(
        _("reason"), blank=True, help_text=_("Why it was approved or rejected.")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = BrandClaimQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["brand", "claimant"],
                condition=models.Q(status="pending"),
                name="one_pending_claim_per_claimant",
            )
        ]
        verbose_name = _("brand claim")
        verbose_name_plural = _("brand claims")

    def __str__(self) -> str:
        return f"{self.claimant} claims {self.brand} ({self.get_status_display()})"

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING


def hash_invitation_token(token: str) -> str:
    """Only the hash is stored: a copy of the database does not let anyone join a team."""
    return hashlib.sha256(token.encode()).hexdigest()


class InvitationQuerySet(models.QuerySet["Invitation"]):
    def for_brand(self, brand: Brand) -> InvitationQuerySet:
        return self.filter(brand=brand)

    def pending(self, now: datetime | None = None) -> InvitationQuerySet:
        return self.filter(
            accepted_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=now or timezone.now(),
        )


class Invitation(models.Model):
    """A brand admin's invitation, by e-mail, to join the team with a role."""

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting")
        ACCEPTED = "accepted", _("Accepted")
        REVOKED = "revoked", _("Revoked")
        EXPIRED = "expired", _("Expired")

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(
        _("e-mail"), help_text=_("Only a member with this verified address can accept.")
    )
    role = models.CharField(_("role"), max_length=20, choices=Membership.Role.choices)
    department = models.ForeignKey(
        "brands.Department",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The member's department once they accept."),
    )
    token_hash = models.CharField(
        max_length=64, unique=True, help_text=_("SHA-256 of the token sent in the e-mail.")
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(help_text=_("After this the link no longer works."))
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("team invitation")
        verbose_name_plural = _("team invitations")

    def __str__(self) -> str:
        return f"{self.email} → {self.brand} ({self.get_role_display()})"

    def state(self, now: datetime | None = None) -> str:
        if self.accepted_at:
            return self.State.ACCEPTED
        if self.revoked_at:
            return self.State.REVOKED
        if self.expires_at <= (now or timezone.now()):
            return self.State.EXPIRED
        return self.State.PENDING
