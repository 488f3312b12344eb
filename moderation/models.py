"""Moderators and (in later work) flags, the review queue, verification and sanctions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# Crisis alerts live in their own module; imported here so Django finds them.
from .crisis_models import CrisisAlert, CrisisChannel, Severity  # noqa: F401


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


class FlagQuerySet(models.QuerySet["Flag"]):
    def open(self) -> FlagQuerySet:
        return self.filter(resolved_at__isnull=True)


class Flag(models.Model):
    """A report that a thread or an answer breaks the guidelines. One per person per post;
    the system raises flags too (crisis keywords), with no flagger."""

    class Reason(models.TextChoices):
        SPAM = "spam", _("Spam")
        ABUSIVE = "abusive", _("Abusive or harassing")
        OFF_TOPIC = "off_topic", _("Off-topic")
        INACCURATE = "inaccurate", _("Inaccurate")
        DUPLICATE = "duplicate", _("Duplicate of another thread")
        CRISIS = "crisis", _("Crisis keyword")
        HELD = "held", _("New member's post, waiting for review")

    class Resolution(models.TextChoices):
        DISMISSED = "dismissed", _("Dismissed")
        ACTED = "acted", _("Acted on")

    thread = models.ForeignKey(
        "qa.Thread", on_delete=models.CASCADE, null=True, blank=True, related_name="flags"
    )
    answer = models.ForeignKey(
        "qa.Answer", on_delete=models.CASCADE, null=True, blank=True, related_name="flags"
    )
    brand = models.ForeignKey(
        "brands.Brand", on_delete=models.CASCADE, related_name="+", help_text=_("For filters.")
    )
    flagger = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="flags",
        help_text=_("Empty when the system raised the flag."),
    )
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    note = models.TextField(_("note"), blank=True, max_length=2000)
    duplicate_of = models.ForeignKey(
        "qa.Thread",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The original thread, for duplicate flags."),
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resolution = models.CharField(max_length=20, choices=Resolution.choices, blank=True)

    objects = FlagQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(thread__isnull=False, answer__isnull=True)
                    | models.Q(thread__isnull=True, answer__isnull=False)
                ),
                name="flag_on_thread_xor_answer",
            ),
            models.UniqueConstraint(
                fields=["flagger", "thread"],
                condition=models.Q(flagger__isnull=False, thread__isnull=False),
                name="one_flag_per_person_per_thread",
            ),
            models.UniqueConstraint(
                fields=["flagger", "answer"],
                condition=models.Q(flagger__isnull=False, answer__isnull=False),
                name="one_flag_per_person_per_answer",
            ),
        ]
        indexes = [models.Index(fields=["resolved_at", "brand", "created_at"], name="flag_queue")]
        verbose_name = _("flag")
        verbose_name_plural = _("flags")

    def __str__(self) -> str:
        target = f"thread {self.thread_id}" if self.thread_id else f"answer {self.answer_id}"
        return f"{self.get_reason_display()} on {target}"

    @property
    def target(self):
        return self.thread if self.thread_id else self.answer


class Verification(models.Model):
    """A moderator's statement that an answer is accurate. Withdrawn when the answer is
    edited, which puts it in the re-check queue until a moderator re-verifies or declines."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Verified")
        WITHDRAWN = "withdrawn", _("Withdrawn after edit, awaiting re-check")
        RECHECKED = "rechecked", _("Re-verified")
        DECLINED = "declined", _("Declined after re-check")

    answer = models.ForeignKey("qa.Answer", on_delete=models.CASCADE, related_name="verifications")
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(_("note"), blank=True, max_length=2000)
    source_url = models.URLField(_("source"), blank=True, help_text=_("Where it can be checked."))
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ACTIVE)
    created_at = models.DateTimeField(auto_now_add=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    rechecked_at = models.DateTimeField(null=True, blank=True)
    rechecked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recheck_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["answer"],
                condition=models.Q(status="active"),
                name="one_active_verification_per_answer",
            )
        ]
        verbose_name = _("verification")
        verbose_name_plural = _("verifications")

    def __str__(self) -> str:
        return f"{self.get_status_display()}: answer {self.answer_id}"


class Appeal(models.Model):
    """The author of a removed post asks once for a second look; a different moderator
    decides."""

    class Decision(models.TextChoices):
        UPHELD = "upheld", _("Removal upheld")
        REVERSED = "reversed", _("Removal reversed: the post is restored")

    thread = models.ForeignKey(
        "qa.Thread", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    answer = models.ForeignKey(
        "qa.Answer", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    brand = models.ForeignKey("brands.Brand", on_delete=models.CASCADE, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    removal = models.ForeignKey(
        AuditLogEntry,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The moderator action appealed against."),
    )
    message = models.TextField(_("message"), max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decision = models.CharField(max_length=20, choices=Decision.choices, blank=True)
    decision_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["thread"],
                condition=models.Q(thread__isnull=False),
                name="one_appeal_per_thread",
            ),
            models.UniqueConstraint(
                fields=["answer"],
                condition=models.Q(answer__isnull=False),
                name="one_appeal_per_answer",
            ),
        ]
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")

    def __str__(self) -> str:
        return f"Appeal by {self.author} ({self.decision or 'open'})"

    @property
    def target(self):
        return self.thread if self.thread_id else self.answer


class Sanction(models.Model):
    """A suspension for a period, or a ban. The member row carries the one in force."""

    class Kind(models.TextChoices):
        SUSPENSION = "suspension", _("Suspension")
        BAN = "ban", _("Ban")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sanctions"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    until = models.DateTimeField(null=True, blank=True, help_text=_("Empty for a ban."))
    reason = models.CharField(_("reason"), max_length=300)
    imposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("sanction")
        verbose_name_plural = _("sanctions")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.user}"


class CrisisKeyword(models.Model):
    """A word or phrase whose appearance in a post alerts the brand's admins and moderators.
    Global (staff) when brand is empty."""

    brand = models.ForeignKey(
        "brands.Brand",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="crisis_keywords",
        help_text=_("Empty: applies to every brand (kept by staff)."),
    )
    phrase = models.CharField(_("word or phrase"), max_length=100)
    severity = models.CharField(
        _("severity"),
        max_length=20,
        choices=Severity.choices,
        default=Severity.HIGH,
        help_text=_("Low: the team and moderators are alerted; high and critical: the admins too."),
    )
    normalized = models.CharField(
        max_length=100, editable=False, help_text=_("NFKC, case-folded; what is matched.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["normalized"]
        constraints = [
            models.UniqueConstraint(fields=["brand", "normalized"], name="keyword_unique_in_brand")
        ]
        verbose_name = _("crisis keyword")
        verbose_name_plural = _("crisis keywords")

    def __str__(self) -> str:
        return self.phrase


class FirstPostHold(models.Model):
    """A brand's choice to hold new members' first posts for review (services/holds.py).
    Without a row, or with 0, posts are published at once."""

    brand = models.OneToOneField(
        "brands.Brand", on_delete=models.CASCADE, related_name="first_post_hold"
    )
    posts = models.PositiveSmallIntegerField(
        _("posts held"),
        default=0,
        help_text=_(
            "A member's posts wait for a moderator until this many of theirs have been "
            "published; 0 turns the hold off."
        ),
    )
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("first-post hold")
        verbose_name_plural = _("first-post holds")

    def __str__(self) -> str:
        return f"{self.brand}: {self.posts}"
