"""Brands, their products and versions, and the people who speak for them."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

# A week and a half: longer than that is no promise to a customer.
MAX_RESPONSE_TARGET_HOURS = 240

hex_colour = RegexValidator(
    r"^#[0-9a-fA-F]{6}$", _("Enter a colour as # followed by six hexadecimal digits.")
)


class BrandQuerySet(models.QuerySet["Brand"]):
    def search(self, query: str) -> BrandQuerySet:
        query = query.strip()
        if not query:
            return self
        return self.filter(models.Q(name__icontains=query) | models.Q(domain__icontains=query))


class Brand(models.Model):
    """A company's presence. Community-run until a claim is approved, then official."""

    class Status(models.TextChoices):
        COMMUNITY = "community", _("Community-run (unofficial)")
        OFFICIAL = "official", _("Official")

    name = models.CharField(_("name"), max_length=100, help_text=_("The company or brand name."))
    slug = models.SlugField(_("slug"), max_length=100, unique=True, help_text=_("Used in URLs."))
    domain = models.CharField(
        _("website domain"),
        max_length=253,
        blank=True,
        help_text=_("The company's own website domain, e.g. example.com."),
    )
    description = models.TextField(
        _("description"), blank=True, help_text=_("One paragraph shown on the brand page.")
    )
    logo = models.ImageField(
        _("logo"), upload_to="brand-logos/", blank=True, help_text=_("Square image, shown small.")
    )
    accent_colour = models.CharField(
        _("accent colour"),
        max_length=7,
        default="#2563eb",
        validators=[hex_colour],
        help_text=_("Used for the brand's header and buttons."),
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=Status.choices,
        default=Status.COMMUNITY,
        help_text=_("Official once the company's claim has been approved."),
    )
    thread_count = models.PositiveIntegerField(
        default=0, help_text=_("Visible threads; kept with F() updates by the Q&A services.")
    )
    official_since = models.DateTimeField(
        _("official since"),
        null=True,
        blank=True,
        help_text=_(
            "When the company's claim was approved. The response target counts threads "
            "started since then; empty means since the brand was created."
        ),
    )
    response_target_hours = models.PositiveSmallIntegerField(
        _("response target (hours)"),
        default=24,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_RESPONSE_TARGET_HOURS)],
        help_text=_(
            "Hours, around the clock, within which a thread should get its first official "
            "response; a thread past it alerts the brand's admins once."
        ),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The customer who started this community; empty if staff created it."),
    )
    approval_self_allowed = models.BooleanField(
        _("approvers may approve their own drafts"),
        default=False,
        help_text=_("Otherwise another approver must approve an approver's own draft."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = BrandQuerySet.as_manager()

    class Meta:
        ordering = [Lower("name")]
        verbose_name = _("brand")
        verbose_name_plural = _("brands")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("qa:brand", kwargs={"brand_slug": self.slug})

    @property
    def is_official(self) -> bool:
        return self.status == self.Status.OFFICIAL

    @property
    def responses_counted_since(self):
        """Threads started from this moment on are measured against the response target."""
        return self.official_since or self.created_at

    @property
    def initials(self) -> str:
        return "".join(word[0] for word in self.name.split()[:2]).upper() or self.name[:1]


class ProductQuerySet(models.QuerySet["Product"]):
    def for_brand(self, brand: Brand) -> ProductQuerySet:
        return self.filter(brand=brand)


class Product(models.Model):
    brand = models.ForeignKey(
        Brand, on_delete=models.CASCADE, related_name="products", help_text=_("Whose product.")
    )
    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=100, help_text=_("Unique within the brand."))

    objects = ProductQuerySet.as_manager()

    class Meta:
        ordering = ["brand", Lower("name")]
        constraints = [
            models.UniqueConstraint(fields=["brand", "slug"], name="product_slug_unique_in_brand")
        ]
        verbose_name = _("product")
        verbose_name_plural = _("products")

    def __str__(self) -> str:
        return self.name


class ProductVersionQuerySet(models.QuerySet["ProductVersion"]):
    def released(self) -> ProductVersionQuerySet:
        return self.filter(released_at__isnull=False)


class ProductVersion(models.Model):
    """A release of a product. Threads, me-toos and endorsements can name one."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="versions")
    name = models.CharField(
        _("version"), max_length=50, help_text=_("As customers see it, e.g. 2.1")
    )
    released_at = models.DateTimeField(
        _("released"), null=True, blank=True, help_text=_("Empty until the brand publishes it.")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ProductVersionQuerySet.as_manager()

    class Meta:
        ordering = ["product", "-released_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["product", "name"], name="version_name_unique")
        ]
        verbose_name = _("product version")
        verbose_name_plural = _("product versions")

    def __str__(self) -> str:
        return f"{self.product.name} {self.name}"


class MembershipQuerySet(models.QuerySet["Membership"]):
    def for_brand(self, brand: Brand) -> MembershipQuerySet:
        return self.filter(brand=brand)

    def active(self) -> MembershipQuerySet:
        return self.filter(revoked_at__isnull=True)

    def speaking(self) -> MembershipQuerySet:
        """Those who answer for the brand in public: reps and admins."""
        return self.filter(role__in=[Membership.Role.ADMIN, Membership.Role.REP])


class Membership(models.Model):
    """A person who speaks for a brand: admin, rep (answers for it) or product team."""

    class Role(models.TextChoices):
        ADMIN = "admin", _("Brand admin")
        REP = "rep", _("Brand rep")
        PRODUCT = "product", _("Product team")

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="brand_memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    department = models.ForeignKey(
        "brands.Department",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="members",
        help_text=_("The group the member works in: requests to it reach them."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(
        null=True, blank=True, help_text=_("A revoked member loses every power at once.")
    )
    is_approver = models.BooleanField(
        _("approver"),
        default=False,
        help_text=_("May approve the team's official answers where a rule asks for approval."),
    )
    in_training = models.BooleanField(
        _("in training"),
        default=False,
        help_text=_("Every official answer and endorsement of theirs waits for an approver."),
    )

    objects = MembershipQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["brand", "user"],
                condition=models.Q(revoked_at__isnull=True),
                name="one_active_membership_per_brand",
            )
        ]
        verbose_name = _("brand membership")
        verbose_name_plural = _("brand memberships")

    def __str__(self) -> str:
        return f"{self.user} - {self.get_role_display()} - {self.brand}"
