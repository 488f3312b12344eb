"""Reputation earned in one brand: a ledger of events, a running total per member and
brand kept with F() updates, and badges for milestones.

Expertise is brand-specific: points earned answering about one brand's cameras unlock
nothing in another brand. `User.reputation` stays the site-wide total of the ledger."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Reason(models.TextChoices):
    HELPFUL_VOTE = "helpful_vote", _("helpful vote")
    ACCEPTED = "accepted", _("accepted answer")
    FIXED_FOR_ME = "fixed_for_me", _("“fixed for me” confirmation")
    VERIFIED = "verified", _("verified by a moderator")


class ReputationEventQuerySet(models.QuerySet):
    def for_brand(self, brand: object) -> ReputationEventQuerySet:
        return self.filter(brand=brand)


class ReputationEvent(models.Model):
    """One earning, written once per `source_key` (the thing that earned it: a vote, an
    acceptance, a verification). Taking the thing back deletes the row and its points, so
    doing it again earns them again."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="reputation_events",
        help_text=_("Who earned the points."),
    )
    brand = models.ForeignKey(
        "brands.Brand",
        on_delete=models.CASCADE,
        related_name="reputation_events",
        help_text=_("Where they were earned."),
    )
    reason = models.CharField(
        _("reason"), max_length=20, choices=Reason.choices, help_text=_("What earned them.")
    )
    points = models.IntegerField(_("points"), help_text=_("Points earned by this event."))
    source_key = models.CharField(
        _("source"),
        max_length=120,
        unique=True,
        help_text=_("The thing that earned the points, e.g. vote:<answer>:<voter>."),
    )
    created_at = models.DateTimeField(auto_now_add=True, help_text=_("When."))

    objects = ReputationEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("reputation event")
        verbose_name_plural = _("reputation events")
        indexes = [models.Index(fields=["brand", "created_at"])]

    def __str__(self) -> str:
        return f"{self.member_id} +{self.points} ({self.reason})"


class BrandReputationQuerySet(models.QuerySet):
    def for_brand(self, brand: object) -> BrandReputationQuerySet:
        return self.filter(brand=brand)


class BrandReputation(models.Model):
    """A member's standing in one brand: the sum of their events there and the level it
    reaches. Kept by reputation.services only, with F() updates."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="brand_reputations",
        help_text=_("The member."),
    )
    brand = models.ForeignKey(
        "brands.Brand",
        on_delete=models.CASCADE,
        related_name="member_reputations",
        help_text=_("The brand."),
    )
    points = models.IntegerField(_("points"), default=0, help_text=_("Sum of the events."))
    level = models.PositiveSmallIntegerField(
        _("level"), default=0, help_text=_("From the points, by SODAN_REPUTATION_LEVELS.")
    )

    objects = BrandReputationQuerySet.as_manager()

    class Meta:
        verbose_name = _("reputation in a brand")
        verbose_name_plural = _("reputation in brands")
        constraints = [
            models.UniqueConstraint(fields=["member", "brand"], name="one_reputation_per_brand")
        ]
        indexes = [models.Index(fields=["brand", "-points"])]

    def __str__(self) -> str:
        return f"{self.member_id}@{self.brand_id}: {self.points}"


class Badge(models.Model):
    """A milestone reached in a brand, awarded once and kept: badges are public."""

    class Kind(models.TextChoices):
        FIRST_ACCEPTED = "first_accepted", _("First accepted answer")
        TEN_ACCEPTED = "ten_accepted", _("10 accepted answers")
        FIFTY_FIXED = "fifty_fixed", _("Fixed it for 50 people")
        VERIFIED_EXPERT = "verified_expert", _("Verified expert")
        BRAND_ENDORSED = "brand_endorsed", _("Endorsed by the brand")

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="badges",
        help_text=_("Who earned it."),
    )
    brand = models.ForeignKey(
        "brands.Brand",
        on_delete=models.CASCADE,
        related_name="badges",
        help_text=_("Where it was earned."),
    )
    kind = models.CharField(_("badge"), max_length=30, choices=Kind.choices, help_text=_("Which."))
    awarded_at = models.DateTimeField(auto_now_add=True, help_text=_("When."))

    class Meta:
        verbose_name = _("badge")
        verbose_name_plural = _("badges")
        constraints = [
            models.UniqueConstraint(fields=["member", "brand", "kind"], name="one_badge_each")
        ]

    def __str__(self) -> str:
        return f"{self.kind} ({self.member_id}@{self.brand_id})"
