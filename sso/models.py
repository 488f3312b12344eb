"""A brand's company single sign-on, and the people its identity provider vouches for."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class BrandSignOnQuerySet(models.QuerySet["BrandSignOn"]):
    def for_brand(self, brand) -> BrandSignOnQuerySet:
        return self.filter(brand=brand)


class BrandSignOn(models.Model):
    """How a brand's employees sign in: its company's SAML 2.0 or OpenID Connect provider.

    The allauth app that does the protocol work (`app`) is made from these fields by
    sso.services.sign_on_configure; it is hidden from the public sign-in page."""

    class Protocol(models.TextChoices):
        OIDC = "oidc", _("OpenID Connect")
        SAML = "saml", _("SAML 2.0")

    brand = models.OneToOneField("brands.Brand", on_delete=models.CASCADE, related_name="sign_on")
    protocol = models.CharField(_("protocol"), max_length=10, choices=Protocol.choices)
    domains = models.CharField(
        _("e-mail domains"),
        max_length=500,
        help_text=_("The company's e-mail domains, comma-separated; only these sign in here."),
    )
    issuer = models.URLField(
        _("issuer"), blank=True, help_text=_("OpenID Connect: the provider's issuer address.")
    )
    client_id = models.CharField(_("client ID"), max_length=255, blank=True)
    client_secret = models.CharField(_("client secret"), max_length=255, blank=True)
    entity_id = models.CharField(
        _("identity provider entity ID"),
        max_length=500,
        blank=True,
        help_text=_("SAML: the identity provider's entity ID."),
    )
    metadata_url = models.URLField(
        _("metadata address"), blank=True, help_text=_("SAML: where the provider's metadata is.")
    )
    metadata_xml = models.TextField(
        _("metadata XML"), blank=True, help_text=_("SAML: the provider's metadata, pasted.")
    )
    app = models.OneToOneField(
        "socialaccount.SocialApp",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="brand_sign_on",
        help_text=_("allauth's app doing the protocol, made from the fields above."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = BrandSignOnQuerySet.as_manager()

    def __str__(self) -> str:
        return f"{self.brand} ({self.get_protocol_display()})"

    @property
    def provider_id(self) -> str:
        """The name allauth knows the brand's provider by (SocialAccount.provider)."""
        return f"sso-{self.brand.slug}"

    @property
    def domain_list(self) -> list[str]:
        return [d.strip().lower() for d in self.domains.split(",") if d.strip()]

    def covers(self, email: str) -> bool:
        return email.rpartition("@")[2].lower() in self.domain_list


class SignOnLink(models.Model):
    """A person the brand's identity provider vouched for: when it last did, and whether it
    has stopped (then their powers in that brand ended, and come back with the next sign-in
    through it)."""

    sign_on = models.ForeignKey(BrandSignOn, on_delete=models.CASCADE, related_name="links")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sign_on_links"
    )
    first_seen_at = models.DateTimeField(auto_now_add=True)
    last_seen_at = models.DateTimeField(help_text=_("The last sign-in through the provider."))
    refresh_token = models.TextField(
        blank=True,
        help_text=_("OpenID Connect: asked again by the periodic check; refused means removed."),
    )
    ended_at = models.DateTimeField(
        null=True, blank=True, help_text=_("When the provider stopped vouching: powers ended.")
    )
    ended_reason = models.CharField(max_length=200, blank=True)
    ended_memberships = models.JSONField(
        default=list,
        blank=True,
        help_text=_("Memberships ended then, given back at the next sign-in through it."),
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["sign_on", "user"], name="sso_one_link_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.user} via {self.sign_on}"
