"""Members: the user account, its public profile and in-app notifications."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .addresses import quoted, split_at_marks

# A ban is a suspension that never ends; kept as a far-future date so one column answers
# "may this person post now?".
BAN_YEAR = 9999
# An erased member's row is kept, anonymised, under a username starting with this (`~` is in
# no username a person can choose): everything they wrote stays under "a former member".
ERASED_PREFIX = "~erased-"


class User(AbstractUser):
    """A person on Sodan. The public face is `display_name`; `username` is the handle."""

    display_name = models.CharField(
        _("display name"),
        max_length=80,
        blank=True,
        help_text=_("Shown next to everything you write. Defaults to your username."),
    )
    bio = models.TextField(
        _("about you"), max_length=1000, blank=True, help_text=_("A few words on your profile.")
    )
    reputation = models.IntegerField(
        _("reputation"),
        default=0,
        help_text=_("Earned by helpful votes and accepted answers; kept with F() updates."),
    )
    email_notifications = models.BooleanField(
        _("e-mail notifications"),
        default=True,
        help_text=_("Send me an e-mail as well as the in-app notification."),
    )
    suspended_until = models.DateTimeField(
        _("suspended until"),
        null=True,
        blank=True,
        help_text=_(
            "Set by a sanction: until then the member reads but cannot post, vote or flag. "
            "Kept on the member so every page knows without another query."
        ),
    )
    suspension_reason = models.CharField(
        _("suspension reason"), max_length=300, blank=True, help_text=_("Shown to the member.")
    )
    language = models.CharField(
        _("language"),
        max_length=10,
        blank=True,
        help_text=_("Language of e-mails sent to this person; empty means English."),
    )

    objects = UserManager()

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")

    def __str__(self) -> str:
        return self.public_name

    @property
    def public_name(self) -> str:
        if self.username.startswith(ERASED_PREFIX):  # privacy.services.account_erase
            return str(_("a former member"))
        return self.display_name or self.username

    @property
    def is_suspended(self) -> bool:
        return self.suspended_until is not None and self.suspended_until > timezone.now()

    @property
    def is_banned(self) -> bool:
        return self.is_suspended and self.suspended_until.year >= BAN_YEAR

    def get_absolute_url(self) -> str:
        return reverse("community:profile", kwargs={"username": self.username})


# A username nobody can have (no `~` prefix, nothing to quote), reversed in place of theirs.
_PROFILE_PLACEHOLDER = "sodan0profile0placeholder"


def profile_url_maker() -> Callable[[str], str]:
    """`User.get_absolute_url` for the many people one page shows: the address reversed
    once (under this request's URL configuration and script prefix) and each username put
    in, quoted as `reverse` quotes it. A page of hundreds of answers pays one reverse."""
    prefix, suffix = split_at_marks("community:profile", {"username": _PROFILE_PLACEHOLDER})
    return lambda username: f"{prefix}{quoted(username)}{suffix}"


class NotificationQuerySet(models.QuerySet["Notification"]):
    def for_recipient(self, user: User) -> NotificationQuerySet:
        return self.filter(recipient=user)

    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """An in-app notification; the e-mail copy is sent by the same Celery task."""

    class Kind(models.TextChoices):
        """Labels for the kinds; the column has no database choices, so a new kind needs
        no migration."""

        ANSWER_POSTED = "answer_posted", _("New answer")
        ANSWER_ACCEPTED = "answer_accepted", _("Answer accepted")
        MODERATION_ACTION = "moderation_action", _("A moderator acted on your post")
        APPEAL_DECIDED = "appeal_decided", _("Your appeal was decided")
        CRISIS_ALERT = "crisis_alert", _("Crisis keyword alert")
        SANCTION = "sanction", _("Your account was suspended")
        RESPONSE_OVERDUE = "response_overdue", _("A thread is past the response target")
        THREAD_HANDED_OVER = "thread_handed_over", _("A thread was handed over to you")
        CLAIM_DECIDED = "claim_decided", _("Your brand claim was decided")
        FEEDBACK_SHIPPED = "feedback_shipped", _("The team has acted on what you reported")
        FEEDBACK_MENTION = "feedback_mention", _("You were mentioned on a feedback item")
        PRIVATE_CASE = "private_case", _("Private case")
        DATA_EXPORT_READY = "data_export_ready", _("Your data export is ready")
        DISCLOSURE_REQUEST = "disclosure_request", _("A customer asks what the brand keeps")
        DISCLOSURE_ANSWERED = "disclosure_answered", _("A brand answered your disclosure request")
        OFFICIAL_DRAFT = "official_draft", _("A draft official answer")
        DEPARTMENT_REQUEST = "department_request", _("Request to a department")
        LINE_CASE_REQUEST = "line_case_request", _("A private request from LINE")
        FOLLOW_UP = "follow_up", _("Is it solved?")
        FOLLOWED_THREADS = "followed_threads", _("New threads in what you follow")
        EDIT_SUGGESTED = "edit_suggested", _("An edit was suggested to your answer")

    recipient = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="notifications", help_text=_("Who is told.")
    )
    actor = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Who did the thing the notification is about."),
    )
    kind = models.CharField(max_length=40, help_text=_("What happened: one of Kind."))
    thread = models.ForeignKey(
        "qa.Thread", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    answer = models.ForeignKey(
        "qa.Answer", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    message = models.CharField(
        max_length=500,
        blank=True,
        help_text=_("What to tell the person, for kinds that need more than a title."),
    )
    dedupe_key = models.CharField(
        max_length=120,
        help_text=_("One notification per recipient and key, so a retried task never repeats."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "dedupe_key"], name="notification_once_per_recipient"
            )
        ]
        indexes = [models.Index(fields=["recipient", "read_at", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.recipient}"

    def get_kind_display(self) -> str:
        try:
            return str(self.Kind(self.kind).label)
        except ValueError:
            return self.kind


class NotificationConsent(models.Model):
    """A person's own choice for one topic on one channel (community/consent.py).

    Only choices the person made are stored: without a row, the topic's default applies
    (consent.DEFAULTS). `changed_at` and `source` say when and from where the choice was
    last made, so a complaint ("I never turned that off") can be answered.
    """

    user = models.ForeignKey(
        User,
        on_delete=models.CASCADE,
        related_name="notification_consents",
        help_text=_("Whose choice it is."),
    )
    topic = models.CharField(max_length=20, help_text=_("One of consent.Topic."))
    channel = models.CharField(max_length=10, help_text=_("e-mail or LINE."))
    allowed = models.BooleanField(help_text=_("Whether messages on this topic may be sent."))
    changed_at = models.DateTimeField(help_text=_("When the person last made this choice."))
    source = models.CharField(
        max_length=30,
        help_text=_("Where the choice was made: settings page, one-click link, API…"),
    )

    class Meta:
        verbose_name = _("notification consent")
        verbose_name_plural = _("notification consents")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "topic", "channel"], name="notification_consent_once"
            )
        ]

    def __str__(self) -> str:
        state = "on" if self.allowed else "off"
        return f"{self.user_id} {self.topic}/{self.channel} {state}"


class DigestPreference(models.Model):
    """How often a person wants their digest (community/digests.py); no row means never."""

    class Frequency(models.TextChoices):
        OFF = "off", _("Off")
        DAILY = "daily", _("Daily")
        WEEKLY = "weekly", _("Weekly")

    user = models.OneToOneField(
        User, on_delete=models.CASCADE, related_name="digest_preference", help_text=_("Whose.")
    )
    frequency = models.CharField(
        max_length=10,
        choices=Frequency.choices,
        default=Frequency.OFF,
        help_text=_("Off, daily or weekly."),
    )
    changed_at = models.DateTimeField(help_text=_("When the person last chose."))

    class Meta:
        verbose_name = _("digest preference")
        verbose_name_plural = _("digest preferences")

    def __str__(self) -> str:
        return f"{self.user_id} {self.frequency}"


class DigestSent(models.Model):
    """One digest of one kind for one person and period: a retried or repeated run sends
    nothing twice."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="+", help_text=_("Who got it.")
    )
    kind = models.CharField(max_length=20, help_text=_("followed or rep."))
    period = models.CharField(
        max_length=20, help_text=_("The day (2026-12-03) or ISO week (2026-W49) it covers.")
    )
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("digest sent")
        verbose_name_plural = _("digests sent")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind", "period"], name="digest_once_per_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} digest {self.period} → {self.user_id}"
