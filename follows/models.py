"""Follows of products and brands, and the "is it solved?" follow-ups.

A thread's followers are qa.ThreadSubscription rows (asker, me too, answerers and those who
pressed Follow; `muted` silences one person there). Products and brands are followed here.
A FollowUp is one question asked of one person about one thread: unique per thread,
person and kind, so nobody is asked twice.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class FollowQuerySet(models.QuerySet["Follow"]):
    def for_user(self, user) -> FollowQuerySet:
        return self.filter(user=user)

    def listening(self) -> FollowQuerySet:
        return self.filter(muted=False, user__is_active=True)


class Follow(models.Model):
    """A person follows a product or a whole brand: they hear of new threads there."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows"
    )
    brand = models.ForeignKey(
        "brands.Brand",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="follows",
        help_text=_("The brand followed (or, with a product, the product's brand)."),
    )
    product = models.ForeignKey(
        "brands.Product",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="follows",
        help_text=_("The product followed; empty when the whole brand is."),
    )
    muted = models.BooleanField(
        default=False,
        help_text=_("Muted: nothing from here, even through a followed brand."),
    )
    notified_through = models.DateTimeField(
        help_text=_("New threads created after this moment are news for the next batch."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = FollowQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "brand"],
                condition=models.Q(product__isnull=True),
                name="one_brand_follow_per_person",
            ),
            models.UniqueConstraint(
                fields=["user", "product"],
                condition=models.Q(product__isnull=False),
                name="one_product_follow_per_person",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} follows {self.product_id or self.brand_id}"

    @property
    def target(self):
        return self.product if self.product_id else self.brand


class FollowUpQuerySet(models.QuerySet["FollowUp"]):
    def pending(self) -> FollowUpQuerySet:
        return self.filter(responded_at__isnull=True)


class FollowUp(models.Model):
    """One "is it solved?" question to one person about one thread."""

    class Kind(models.TextChoices):
        ASKER = "asker", _("Asked of the person who asked")
        ME_TOO = "me_too", _("Asked of someone who pressed me too")

    class Outcome(models.TextChoices):
        SOLVED = "solved", _("An answer solved it")
        STILL_BROKEN = "still_broken", _("Still broken")
        BROKEN_AGAIN = "broken_again", _("Broken again after an update")
        FIXED = "fixed", _("The answer fixed it for them")
        NOT_FIXED = "not_fixed", _("The answer did not fix it for them")

    thread = models.ForeignKey("qa.Thread", on_delete=models.CASCADE, related_name="follow_ups")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follow_ups"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    answer = models.ForeignKey(
        "qa.Answer",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Me too: the answer they are asked about; asker: the one they chose."),
    )
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    version = models.ForeignKey(
        "brands.ProductVersion",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Broken again after updating to this version."),
    )
    sent_at = models.DateTimeField(auto_now_add=True)
    responded_at = models.DateTimeField(null=True, blank=True)

    objects = FollowUpQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["thread", "user", "kind"], name="one_follow_up_per_thread_person_kind"
            )
        ]

    def __str__(self) -> str:
        return f"follow-up {self.kind} to {self.user_id} on {self.thread_id}"
