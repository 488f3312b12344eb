"""Where a brand's community is served and embedded: its own domains, the web sites that may
show its widget, and the Wagtail group of people who edit its pages."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# The DNS TXT record a brand publishes to prove it controls a domain:
#   _sodan-challenge.support.example.com  TXT  "sodan-verification=<token>"
CHALLENGE_PREFIX = "_sodan-challenge"
TOKEN_PREFIX = "sodan-verification="  # noqa: S105 - a label, not a secret


class BrandDomainQuerySet(models.QuerySet["BrandDomain"]):
    def for_brand(self, brand) -> BrandDomainQuerySet:
        return self.filter(brand=brand)

    def served(self) -> BrandDomainQuerySet:
        """Verified domains: the only ones whose requests show a brand's community."""
        return self.filter(status=BrandDomain.Status.VERIFIED)


class BrandDomain(models.Model):
    """A host name (support.example.com) on which one brand's community is served."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for the DNS record")
        VERIFIED = "verified", _("Verified: served")
        FAILED = "failed", _("Record not found")

    brand = models.ForeignKey(
        "brands.Brand",
        on_delete=models.CASCADE,
        related_name="domains",
        help_text=_("The brand served on this host."),
    )
    hostname = models.CharField(
        _("host name"),
        max_length=253,
        unique=True,
        help_text=_("Lower-case host name without scheme or port, e.g. support.example.com."),
    )
    token = models.CharField(
        max_length=64, help_text=_("The secret the brand publishes in a DNS TXT record.")
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=Status.choices,
        default=Status.PENDING,
        help_text=_("Only verified domains are served."),
    )
    verified_at = models.DateTimeField(
        null=True, blank=True, help_text=_("When the record was first found.")
    )
    last_checked_at = models.DateTimeField(
        null=True, blank=True, help_text=_("When the DNS record was last looked up.")
    )
    last_error = models.CharField(
        max_length=300, blank=True, help_text=_("What the last look-up found wrong, if anything.")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Who added the domain."),
    )

    objects = BrandDomainQuerySet.as_manager()

    class Meta:
        ordering = ["hostname"]
        verbose_name = _("brand domain")
        verbose_name_plural = _("brand domains")

    def __str__(self) -> str:
        return self.hostname

    @property
    def is_served(self) -> bool:
        return self.status == self.Status.VERIFIED

    @property
    def record_name(self) -> str:
        return f"{CHALLENGE_PREFIX}.{self.hostname}"

    @property
    def record_value(self) -> str:
        return f"{TOKEN_PREFIX}{self.token}"


class WidgetOriginQuerySet(models.QuerySet["WidgetOrigin"]):
    def for_brand(self, brand) -> WidgetOriginQuerySet:
        return self.filter(brand=brand)


class WidgetOrigin(models.Model):
    """A web site (scheme, host and port) the brand allows to embed its widget."""

    brand = models.ForeignKey(
        "brands.Brand",
        on_delete=models.CASCADE,
        related_name="widget_origins",
        help_text=_("The brand whose widget may be embedded."),
    )
    origin = models.CharField(
        _("web site"),
        max_length=300,
        help_text=_("Scheme, host and port only, e.g. https://www.example.com."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Who approved the web site."),
    )

    objects = WidgetOriginQuerySet.as_manager()

    class Meta:
        ordering = ["origin"]
        constraints = [
            models.UniqueConstraint(fields=["brand", "origin"], name="widget_origin_unique")
        ]
        verbose_name = _("widget web site")
        verbose_name_plural = _("widget web sites")

    def __str__(self) -> str:
        return self.origin


class BrandEditors(models.Model):
    """The Wagtail group whose members edit one brand's pages (its admins).

    `brand` is nulled, not cascaded, when a brand is deleted, so that
    `themes.services.brand_sites_cleanup` can still find and delete the group, the
    collection and the orphaned pages properly (Wagtail's page tree must be pruned with
    its own delete, never by a database cascade).
    """

    brand = models.OneToOneField(
        "brands.Brand",
        on_delete=models.SET_NULL,
        null=True,
        related_name="editors",
        help_text=_("The brand whose pages the group edits."),
    )
    group = models.OneToOneField(
        "auth.Group",
        on_delete=models.CASCADE,
        related_name="brand_editors",
        help_text=_("Holds the Wagtail page and image permissions for this brand."),
    )
    collection = models.ForeignKey(
        "wagtailcore.Collection",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Where the brand's images go."),
    )

    class Meta:
        verbose_name = _("brand editors group")
        verbose_name_plural = _("brand editors groups")

    def __str__(self) -> str:
        return str(self.group)
