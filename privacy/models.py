"""What a person controls about their own data: the social accounts they share, the exports
of everything Sodan holds about them, and their requests to brands to disclose what the
brand keeps (with the brand's written disclosure policy)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SocialAccount(models.Model):
    """One of a person's accounts elsewhere, shown to whom they chose."""

    class Kind(models.TextChoices):
        X = "x", _("X")
        INSTAGRAM = "instagram", _("Instagram")
        LINE = "line", _("LINE ID")
        BLOG = "blog", _("Blog")

    class Visibility(models.TextChoices):
        PUBLIC = "public", _("Everyone")
        BRANDS = "brands", _("Brand teams only")
        NOBODY = "nobody", _("No one")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="social_accounts",
        help_text=_("Whose account it is."),
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, help_text=_("Which service."))
    value = models.CharField(
        max_length=200, help_text=_("The handle, LINE ID or blog address, validated per kind.")
    )
    visibility = models.CharField(
        max_length=10,
        choices=Visibility.choices,
        default=Visibility.NOBODY,
        help_text=_("Who sees it: everyone, the teams of brands, or no one."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["user", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="social_account_one_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.value}"

    @property
    def url(self) -> str:
        """Where the account lives, for a link; empty for a LINE ID, which has no page."""
        if self.kind == self.Kind.X:
            return f"https://x.com/{self.value}"
        if self.kind == self.Kind.INSTAGRAM:
            return f"https://www.instagram.com/{self.value}/"
        if self.kind == self.Kind.BLOG:
            return self.value
        return ""


class DataExportQuerySet(models.QuerySet["DataExport"]):
    def expired(self, now=None) -> DataExportQuerySet:
        return self.filter(expires_at__lte=now or timezone.now())


class DataExport(models.Model):
    """A zip of everything Sodan holds about one person, prepared in the background and
    kept (in the default file storage) until it expires."""

    class Status(models.TextChoices):
        PREPARING = "preparing", _("Being prepared")
        READY = "ready", _("Ready to download")
        EXPIRED = "expired", _("Expired")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="data_exports",
        help_text=_("Whose data; the only person who may download it."),
    )
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PREPARING, help_text=_("Stage.")
    )
    file = models.FileField(
        upload_to="privacy/exports/",
        blank=True,
        help_text=_("The zip, under an unguessable name; removed when the export expires."),
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    ready_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(
        null=True, blank=True, help_text=_("When the file is removed (SODAN_EXPORT_DAYS).")
    )

    objects = DataExportQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"export {self.pk} ({self.status})"

    @property
    def is_downloadable(self) -> bool:
        return (
            self.status == self.Status.READY
            and bool(self.file)
            and self.expires_at is not None
            and self.expires_at > timezone.now()
        )


class DisclosurePolicy(models.Model):
    """A brand's words on what it keeps about customers and how it answers a request."""

    brand = models.OneToOneField(
        "brands.Brand",
        on_delete=models.CASCADE,
        related_name="disclosure_policy",
        help_text=_("Whose policy."),
    )
    text = models.TextField(
        _("disclosure policy"),
        max_length=5000,
        blank=True,
        help_text=_("Shown to customers on their 'What brands keep about me' page."),
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The brand admin who last changed it."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "disclosure policies"

    def __str__(self) -> str:
        return f"disclosure policy of brand {self.brand_id}"


class DisclosureRequestQuerySet(models.QuerySet["DisclosureRequest"]):
    def for_brand(self, brand) -> DisclosureRequestQuerySet:
        return self.filter(brand=brand)

    def unanswered(self) -> DisclosureRequestQuerySet:
        return self.filter(answered_at__isnull=True)


class DisclosureRequest(models.Model):
    """A person asks a brand what it keeps about them; the brand's admins answer by a date."""

    brand = models.ForeignKey(
        "brands.Brand",
        on_delete=models.CASCADE,
        related_name="disclosure_requests",
        help_text=_("Scope: the brand asked."),
    )
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="disclosure_requests",
        help_text=_("Who asks."),
    )
    message = models.TextField(max_length=2000, blank=True, help_text=_("What they ask."))
    created_at = models.DateTimeField(auto_now_add=True)
    due_at = models.DateTimeField(help_text=_("Answer by (SODAN_DISCLOSURE_DUE_DAYS)."))
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The brand admin who answered."),
    )
    answer = models.TextField(max_length=5000, blank=True, help_text=_("The brand's answer."))

    objects = DisclosureRequestQuerySet.as_manager()

    class Meta:
        ordering = ["due_at", "id"]
        indexes = [models.Index(fields=["brand", "answered_at", "due_at"])]

    def __str__(self) -> str:
        return f"disclosure request {self.pk} to brand {self.brand_id}"

    @property
    def is_overdue(self) -> bool:
        return self.answered_at is None and self.due_at <= timezone.now()
