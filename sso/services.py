"""Writes for company single sign-on: a brand admin's configuration, each sign-in through
the brand's identity provider, and the end of powers when the provider stops vouching.

The protocol work is allauth's: an OpenID Connect brand gets a SocialApp of allauth's
`openid_connect` provider, a SAML brand one of its `saml` provider (python3-saml), both
hidden from the public sign-in page and named `sso-<brand slug>`.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

import requests
from allauth.socialaccount.models import SocialApp
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from brands.models import Brand
from brands.services import (
    memberships_end_for_identity_provider,
    memberships_restore_for_identity_provider,
)
from moderation.services import audit_log_record

from . import permissions
from .models import BrandSignOn, SignOnLink

logger = logging.getLogger(__name__)

_DOMAIN_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789.-")


def _clean_domains(domains: str, *, brand: Brand) -> str:
    found = [d.strip().lower().lstrip("@") for d in domains.replace("\n", ",").split(",")]
    found = [d for d in found if d]
    if not found:
        raise ValidationError({"domains": [_("Name at least one e-mail domain of the company.")]})
    for domain in found:
        if "." not in domain or not set(domain) <= _DOMAIN_CHARS:
            raise ValidationError(
                {"domains": [_("%(domain)s is not an e-mail domain.") % {"domain": domain}]}
            )
    # Read whole (a brand's sign-on is one row): an iterator left open by the refusal below
    # kept a server-side cursor past the end of its transaction on PostgreSQL.
    taken = list(BrandSignOn.objects.exclude(brand=brand).values_list("brand__name", "domains"))
    for other_brand, other_domains in taken:
        overlap = set(found) & {d.strip() for d in other_domains.split(",")}
        if overlap:
            raise ValidationError(
                {
                    "domains": [
                        _("%(domain)s already signs in through %(brand)s's provider.")
                        % {"domain": sorted(overlap)[0], "brand": other_brand}
                    ]
                }
            )
    return ",".join(found)


def _saml_idp(*, entity_id: str, metadata_url: str, metadata_xml: str) -> dict:
    """The identity provider's part of allauth's SAML settings. Pasted metadata is read
    here, once, so a mistake is said on the form, not at an employee's first sign-in."""
    if metadata_url:
        if not entity_id:
            raise ValidationError(
                {"entity_id": [_("Give the identity provider's entity ID with its metadata.")]}
            )
        return {"entity_id": entity_id, "metadata_url": metadata_url}
    if not metadata_xml.strip():
        raise ValidationError(
            {"metadata_url": [_("Give the provider's metadata address, or paste its metadata.")]}
        )
    from onelogin.saml2.idp_metadata_parser import OneLogin_Saml2_IdPMetadataParser

    try:
        parsed = OneLogin_Saml2_IdPMetadataParser.parse(
            metadata_xml, entity_id=entity_id or None
        ).get("idp", {})
    except Exception as error:  # the parser raises bare exceptions for bad XML
        raise ValidationError(
            {"metadata_xml": [_("This is not SAML metadata we can read: %(e)s") % {"e": error}]}
        ) from error
    sso_url = parsed.get("singleSignOnService", {}).get("url")
    certificate = (
        parsed.get("x509cert") or (parsed.get("x509certMulti", {}).get("signing") or [""])[0]
    )
    if not parsed.get("entityId") or not sso_url or not certificate:
        raise ValidationError(
            {
                "metadata_xml": [
                    _(
                        "The metadata must name the provider, its sign-in address and its "
                        "certificate."
                    )
                ]
            }
        )
    return {"entity_id": parsed["entityId"], "sso_url": sso_url, "x509cert": certificate}


def _app_settings(sign_on: BrandSignOn) -> dict:
    if sign_on.protocol == BrandSignOn.Protocol.OIDC:
        # PKCE binds the provider's answer to the browser that asked (allauth's OpenID
        # Connect sends no nonce): a code taken from another sign-in is refused.
        return {
            "server_url": sign_on.issuer.rstrip("/"),
            "hidden": True,
            "oauth_pkce_enabled": True,
        }
    return {
        "hidden": True,
        "idp": _saml_idp(
            entity_id=sign_on.entity_id,
            metadata_url=sign_on.metadata_url,
            metadata_xml=sign_on.metadata_xml,
        ),
        # The attribute names most company providers send (allauth's, then the plain LDAP
        # names); the NameID when there is no subject ID.
        "attribute_mapping": {
            "uid": ["urn:oasis:names:tc:SAML:attribute:subject-id"],
            "email": [
                "urn:oid:0.9.2342.19200300.100.1.3",
                "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress",
                "mail",
                "email",
            ],
            "first_name": [
                "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname",
                "urn:oid:2.5.4.42",
                "givenName",
            ],
            "last_name": ["urn:oid:2.5.4.4", "sn", "surname"],
            "username": ["http://schemas.auth0.com/nickname", "uid"],
        },
        "use_nameid_for_email": False,
        "advanced": {
            "want_assertion_signed": True,
            "want_message_signed": False,
            "reject_idp_initiated_sso": True,
            "allow_single_label_domains": settings.SODAN_SSO_ALLOW_SINGLE_LABEL_DOMAINS,
        },
    }


@transaction.atomic
def sign_on_configure(
    *,
    actor: Any,
    brand: Brand,
    protocol: str,
    domains: str,
    issuer: str = "",
    client_id: str = "",
    client_secret: str = "",
    entity_id: str = "",
    metadata_url: str = "",
    metadata_xml: str = "",
) -> BrandSignOn:
    """Set up or change the brand's company sign-on. A blank secret keeps the one saved."""
    permissions.check_can_configure_sign_on(actor, brand)
    if protocol not in BrandSignOn.Protocol.values:
        raise ValidationError({"protocol": [_("Choose OpenID Connect or SAML 2.0.")]})
    sign_on = BrandSignOn.objects.select_for_update().filter(brand=brand).first()
    created = sign_on is None
    if created:
        sign_on = BrandSignOn(brand=brand)
    sign_on.domains = _clean_domains(domains, brand=brand)
    sign_on.protocol = protocol
    if protocol == BrandSignOn.Protocol.OIDC:
        if not issuer or not client_id:
            raise ValidationError(
                {"issuer": [_("OpenID Connect needs the issuer address and the client ID.")]}
            )
        if not client_secret and not sign_on.client_secret:
            raise ValidationError({"client_secret": [_("Give the client secret.")]})
        sign_on.issuer, sign_on.client_id = issuer.strip(), client_id.strip()
        sign_on.client_secret = client_secret.strip() or sign_on.client_secret
        sign_on.entity_id = sign_on.metadata_url = sign_on.metadata_xml = ""
    else:
        sign_on.entity_id, sign_on.metadata_url = entity_id.strip(), metadata_url.strip()
        sign_on.metadata_xml = metadata_xml.strip()
        sign_on.issuer = sign_on.client_id = sign_on.client_secret = ""
    app_settings = _app_settings(sign_on)  # validates SAML metadata before anything is saved
    app = sign_on.app or SocialApp()
    app.provider = "openid_connect" if protocol == BrandSignOn.Protocol.OIDC else "saml"
    app.provider_id = sign_on.provider_id
    app.name = brand.name
    # allauth finds a SAML app by its client_id, the "organization slug" in its addresses.
    app.client_id = sign_on.client_id if protocol == BrandSignOn.Protocol.OIDC else brand.slug
    app.secret = sign_on.client_secret
    app.settings = app_settings
    app.save()
    sign_on.app = app
    sign_on.save()
    audit_log_record(
        actor=actor,
        action="sso.configure",
        target=brand,
        brand=brand,
        data={
            "protocol": protocol,
            "domains": sign_on.domain_list,
            "created": created,
            "issuer": sign_on.issuer or sign_on.entity_id or sign_on.metadata_url,
        },
    )
    return sign_on


@transaction.atomic
def sign_on_remove(*, actor: Any, brand: Brand) -> None:
    """Switch the brand's company sign-on off. People keep their accounts and roles; they
    sign in by password or another provider from now on."""
    permissions.check_can_configure_sign_on(actor, brand)
    sign_on = BrandSignOn.objects.select_for_update().filter(brand=brand).first()
    if sign_on is None:
        return
    if sign_on.app_id:
        SocialApp.objects.filter(pk=sign_on.app_id).delete()
    sign_on.delete()
    audit_log_record(
        actor=actor,
        action="sso.remove",
        target=brand,
        brand=brand,
        data={"protocol": sign_on.protocol, "domains": sign_on.domain_list},
    )


@transaction.atomic
def sign_on_seen(
    *, user: Any, sign_on: BrandSignOn, refresh_token: str = ""
) -> tuple[SignOnLink, list[int]]:
    """The brand's provider vouched for the person just now (sso/receivers.py). A first
    time is audited as connected; powers the provider's silence ended come back. Returns
    the link and the memberships given back."""
    now = timezone.now()
    link, created = SignOnLink.objects.select_for_update().get_or_create(
        sign_on=sign_on, user=user, defaults={"last_seen_at": now}
    )
    restored: list[int] = []
    if link.ended_at is not None:
        restored = memberships_restore_for_identity_provider(
            user=user, brand=sign_on.brand, membership_ids=link.ended_memberships
        )
    link.last_seen_at = now
    link.ended_at = None
    link.ended_reason = ""
    link.ended_memberships = []
    if refresh_token:
        link.refresh_token = refresh_token
    link.save()
    if created:
        audit_log_record(
            actor=user,
            action="sso.connect",
            target=user,
            brand=sign_on.brand,
            data={"provider": sign_on.provider_id},
        )
    return link, restored


@transaction.atomic
def sign_on_powers_end(*, link: SignOnLink, reason: str) -> list[int]:
    """The provider no longer vouches for the person: their powers in the brand end now.
    Their posts and official answers stay as they are."""
    link = (
        SignOnLink.objects.select_for_update()
        .select_related("sign_on__brand", "user")
        .get(pk=link.pk)
    )
    if link.ended_at is not None:
        return []
    brand = link.sign_on.brand
    ended = memberships_end_for_identity_provider(user=link.user, brand=brand, reason=reason)
    link.ended_at = timezone.now()
    link.ended_reason = reason[:200]
    link.ended_memberships = ended
    link.refresh_token = ""
    link.save(update_fields=["ended_at", "ended_reason", "ended_memberships", "refresh_token"])
    audit_log_record(
        actor=None,
        action="sso.powers_end",
        target=link.user,
        brand=brand,
        reason=reason,
        data={"provider": link.sign_on.provider_id, "memberships": ended},
    )
    return ended


class ProviderUnreachable(Exception):
    """The provider did not answer: nothing is concluded about the person."""


def _oidc_still_vouches(link: SignOnLink, token_endpoints: dict[str, str]) -> bool:
    """Ask the provider for a new token with the person's refresh token: refused means the
    company removed them (or revoked their sessions). `token_endpoints` keeps each issuer's
    discovered endpoint for the rest of the run, so a brand's people cost one discovery."""
    sign_on = link.sign_on
    issuer = sign_on.issuer.rstrip("/")
    timeout = settings.SODAN_SSO_HTTP_TIMEOUT
    try:
        if issuer not in token_endpoints:
            discovery = requests.get(f"{issuer}/.well-known/openid-configuration", timeout=timeout)
            discovery.raise_for_status()
            token_endpoints[issuer] = discovery.json()["token_endpoint"]
        answer = requests.post(
            token_endpoints[issuer],
            data={"grant_type": "refresh_token", "refresh_token": link.refresh_token},
            auth=(sign_on.client_id, sign_on.client_secret),
            timeout=timeout,
        )
    except (requests.RequestException, ValueError, KeyError) as error:
        raise ProviderUnreachable(str(error)) from error
    if answer.status_code in (400, 401):
        return False
    if answer.status_code != 200:
        raise ProviderUnreachable(f"HTTP {answer.status_code}")
    new_token = answer.json().get("refresh_token")
    if new_token and new_token != link.refresh_token:
        SignOnLink.objects.filter(pk=link.pk).update(refresh_token=new_token)
    return True


def sign_on_links_check(*, now: Any = None) -> int:
    """The periodic check (sso.tasks): whoever the brand's provider stopped vouching for
    loses their powers in the brand. Returns how many people's powers ended.

    - OpenID Connect, with a refresh token: the provider refuses a new token.
    - otherwise (SAML has no way to ask): no sign-in through the provider for
      SODAN_SSO_UNSEEN_HOURS; the next sign-in through it gives the powers back.
    A provider that does not answer changes nothing (the next run asks again)."""
    now = now or timezone.now()
    unseen_since = now - timedelta(hours=settings.SODAN_SSO_UNSEEN_HOURS)
    ended = 0
    token_endpoints: dict[str, str] = {}
    links = SignOnLink.objects.filter(ended_at__isnull=True).select_related("sign_on", "user")
    for link in links.iterator():
        if link.sign_on.protocol == BrandSignOn.Protocol.OIDC and link.refresh_token:
            try:
                vouches = _oidc_still_vouches(link, token_endpoints)
            except ProviderUnreachable as error:
                logger.warning("%s did not answer: %s", link.sign_on.provider_id, error)
                continue
            if vouches:
                continue
            reason = _("The company's identity provider refused to renew the sign-in.")
        elif link.last_seen_at < unseen_since:
            reason = _(
                "No sign-in through the company's identity provider for %(hours)s hours."
            ) % {"hours": settings.SODAN_SSO_UNSEEN_HOURS}
        else:
            continue
        sign_on_powers_end(link=link, reason=reason)
        ended += 1
    return ended
