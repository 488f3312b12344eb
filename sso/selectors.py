"""Reads for company single sign-on."""

from __future__ import annotations

from .models import BrandSignOn


def sign_on_for_provider(provider_id: str) -> BrandSignOn | None:
    """The brand configuration behind allauth's provider `sso-<brand slug>`."""
    return (
        BrandSignOn.objects.select_related("brand", "app")
        .filter(app__provider_id=provider_id)
        .first()
    )


def sign_on_for_email(email: str) -> BrandSignOn | None:
    """The company sign-on that covers this address's domain, if a brand set one up."""
    domain = email.rpartition("@")[2].strip().lower()
    if not domain:
        return None
    for sign_on in BrandSignOn.objects.select_related("brand", "app").filter(
        domains__icontains=domain, app__isnull=False
    ):
        if domain in sign_on.domain_list:
            return sign_on
    return None


def sign_on_of_brand(brand) -> BrandSignOn | None:
    return BrandSignOn.objects.select_related("app", "brand").filter(brand=brand).first()
