"""What a brand does on customers' threads: owning them, recommending answers, meeting its
response target, and the reps' private hand-over notes about a customer.

None of these rows changes a customer's post: the brand's presence is laid over the
community, never in place of it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .core import Brand, ProductVersion


class ThreadOwnershipQuerySet(models.QuerySet["ThreadOwnership"]):
    def for_brand(self, brand: Brand) -> ThreadOwnershipQuerySet:
        return self.filter(brand=brand)


class ThreadOwnership(models.Model):
    """A rep has taken a customer's thread officially: "Official: <brand> is on it".

    One row while the thread is owned; releasing deletes it. The history of takes,
    releases and hand-overs is in OwnershipEvent and in the audit log.
    """

    thread = models.OneToOneField(
        "qa.Thread",
        on_delete=models.CASCADE,
        related_name="ownership",
        help_text=_("The customer's thread, which stays exactly as it was."),
    )
    brand = models.ForeignKey(
        Brand,
        on_delete=models.CASCADE,
        related_name="thread_ownerships",
        help_text=_(
            "The brand that owns it. If a moderator moves the thread to another brand the "
            "row no longer counts and the next take replaces it."
        ),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="owned_threads",
        help_text=_("The rep who is on it."),
    )
    taken_at = models.DateTimeField(help_text=_("When the current owner took it or got it."))

    objects = ThreadOwnershipQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["brand", "owner"], name="ownership_brand_owner")]
        verbose_name = _("thread ownership")
        verbose_name_plural = _("thread ownerships")

    def __str__(self) -> str:
        return f"{self.owner} owns thread {self.thread_id} for {self.brand}"


class OwnershipEvent(models.Model):
    """One take, release or hand-over, so a customer card can say who owned a thread."""

    class Action(models.TextChoices):
        TAKE = "take", _("Took ownership")
        RELEASE = "release", _("Released")
        HAND_OVER = "hand_over", _("Handed over")

    thread = models.ForeignKey(
        "qa.Thread", on_delete=models.CASCADE, related_name="ownership_events"
    )
    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="+")
    action = models.CharField(max_length=20, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Who did it; empty for the system (a membership revoked)."),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The owner after a take or hand-over; the one let go on a release."),
    )
    previous_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("ownership event")
        verbose_name_plural = _("ownership events")

    def __str__(self) -> str:
        return f"{self.get_action_display()}: thread {self.thread_id}"


class EndorsementQuerySet(models.QuerySet["Endorsement"]):
    def for_brand(self, brand: Brand) -> EndorsementQuerySet:
        return self.filter(brand=brand)

    def active(self) -> EndorsementQuerySet:
        return self.filter(withdrawn_at__isnull=True)

    def outdated(self) -> EndorsementQuerySet:
        return self.active().filter(outdated_for__isnull=False)


class Endorsement(models.Model):
    """A rep recommends a customer's answer as the company's answer.

    Answer.endorsed_at/endorsed_by mirror the active endorsement for the thread page; this
    row keeps the history: which version it was about, when a newer release made it
    possibly outdated, when a rep confirmed it again, and when and why it was withdrawn.
    """

    class Withdrawal(models.TextChoices):
        EDITED = "edited", _("The answer was edited")
        BY_BRAND = "by_brand", _("Withdrawn by the brand")

    answer = models.ForeignKey("qa.Answer", on_delete=models.CASCADE, related_name="endorsements")
    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="endorsements")
    rep = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        help_text=_("The rep who endorsed it."),
    )
    version = models.ForeignKey(
        ProductVersion,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The release the recommendation is about, if any."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    outdated_for = models.ForeignKey(
        ProductVersion,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("A newer release since which the answer may be outdated, until confirmed."),
    )
    confirmed_at = models.DateTimeField(
        null=True, blank=True, help_text=_("When a rep last confirmed it for a newer release.")
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    withdrawn_reason = models.CharField(max_length=20, choices=Withdrawal.choices, blank=True)

    objects = EndorsementQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["answer"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="one_active_endorsement_per_answer",
            )
        ]
        verbose_name = _("endorsement")
        verbose_name_plural = _("endorsements")

    def __str__(self) -> str:
        return f"{self.brand} endorses answer {self.answer_id}"


class ResponseTargetBreach(models.Model):
    """A thread went past its brand's response target without an official response.

    Unique per thread, so the periodic check records it, and the admins hear of it, once.
    """

    thread = models.OneToOneField(
        "qa.Thread", on_delete=models.CASCADE, related_name="response_breach"
    )
    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="response_breaches")
    due_at = models.DateTimeField(help_text=_("When the first official response was due."))
    detected_at = models.DateTimeField(auto_now_add=True)
    notified_at = models.DateTimeField(
        null=True, blank=True, help_text=_("When the brand's admins were told.")
    )

    class Meta:
        ordering = ["-detected_at", "-id"]
        verbose_name = _("response target breach")
        verbose_name_plural = _("response target breaches")

    def __str__(self) -> str:
        return f"Thread {self.thread_id} past {self.brand}'s response target"


class CustomerNoteQuerySet(models.QuerySet["CustomerNote"]):
    def for_brand(self, brand: Brand) -> CustomerNoteQuerySet:
        return self.filter(brand=brand)


class CustomerNote(models.Model):
    """A rep's private hand-over note about a customer (顧客カルテ).

    Seen only by that brand's reps, admins and product team: never by the customer,
    another brand or the public.
    """

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="customer_notes")
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        help_text=_("The rep who wrote it."),
    )
    thread = models.ForeignKey(
        "qa.Thread",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The thread it was written from, if any."),
    )
    body = models.TextField(_("note"), max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CustomerNoteQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["brand", "customer", "-created_at"], name="note_brand_customer")
        ]
        verbose_name = _("customer note")
        verbose_name_plural = _("customer notes")

    def __str__(self) -> str:
        return f"Note on {self.customer} for {self.brand}"
