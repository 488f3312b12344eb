"""Starting a brand's community, and a company claiming it.

Claiming is consent, not capture: approval makes the brand official and its claimant the
admin, and lays the brand's presence over the community as it is. No thread moves, no
post changes author or text.
"""

from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from brands import domains, permissions, selectors, tasks
from community import page_cache
from moderation.services import audit_log_record
from outbox.services import message_send

from ..models import Brand, BrandClaim, Membership, Product

MAX_NAME = 100
MAX_EVIDENCE = 2000


class BrandAlreadyHere(ValidationError):
    """Starting a community for a brand that is already here: `brands` are the ones found."""

    def __init__(self, brands: list[Brand]) -> None:
        names = ", ".join(brand.name for brand in brands)
        super().__init__(
            _(
                "%(names)s is already on Sodan (the same name or the same website): join "
                "that community instead of starting another."
            )
            % {"names": names}
        )
        self.brands = brands


def _unique_slug(name: str, domain: str) -> str:
    base = slugify(name)[:90] or slugify(domains.registrable_domain(domain).split(".")[0])[:90]
    base = base or "brand"
    slug, number = base, 2
    while Brand.objects.filter(slug=slug).exists():
        slug, number = f"{base}-{number}", number + 1
    return slug


def _clean_name(value: str, field: str, errors: dict[str, list[str]], empty: str) -> str:
    value = " ".join(value.split())
    if not value:
        errors[field] = [empty]
    elif len(value) > MAX_NAME:
        errors[field] = [
            _("Keep it to %(limit)d characters; this is %(length)d.")
            % {"limit": MAX_NAME, "length": len(value)}
        ]
    return value


@transaction.atomic
def brand_start(*, actor: Any, name: str, domain: str, product_name: str) -> Brand:
    """A verified customer starts the community of a brand that is not here yet.

    It is community-run (unofficial) until the company claims it. A brand with the same
    name (ignoring case, spaces and punctuation) or on the same registrable domain is
    refused with BrandAlreadyHere, which names the brands found.
    """
    permissions.check_can_start_brand(actor)
    errors: dict[str, list[str]] = {}
    name = _clean_name(name, "name", errors, _("Give the brand's name."))
    product_name = _clean_name(
        product_name, "product_name", errors, _("Name one of its products to start with.")
    )
    host = domains.normalize_domain(domain)
    if not host:
        errors["domain"] = [_("Enter the brand's website domain, like example.com.")]
    elif domains.is_shared_mail_domain(host):
        errors["domain"] = [
            _("%(domain)s is an e-mail provider anyone can use, not the brand's own website.")
            % {"domain": host}
        ]
    if errors:
        raise ValidationError(errors)
    found = selectors.near_duplicate_brands(name=name, domain=host)
    if found:
        raise BrandAlreadyHere(found)
    brand = Brand.objects.create(
        name=name,
        slug=_unique_slug(name, host),
        domain=host,
        status=Brand.Status.COMMUNITY,
        created_by=actor,
    )
    product = Product.objects.create(
        brand=brand, name=product_name, slug=slugify(product_name)[:100] or "product"
    )
    audit_log_record(
        actor=actor,
        action="brand.start",
        target=brand,
        brand=brand,
        data={"domain": host, "product": product.pk},
    )
    return brand


def verified_address_on_domain(user: Any, brand: Brand) -> str | None:
    """The person's verified e-mail address on the brand's domain, if they have one.

    A brand whose domain is a shared mail provider never approves a claim by address.
    """
    if not brand.domain or domains.is_shared_mail_domain(brand.domain):
        return None
    addresses = EmailAddress.objects.filter(user=user, verified=True).values_list(
        "email", flat=True
    )
    for address in addresses:
        if domains.is_on_domain(address.rpartition("@")[2], brand.domain):
            return address
    return None


@transaction.atomic
def claim_submit(*, claimant: Any, brand: Brand, evidence: str = "") -> BrandClaim:
    """Ask to take the brand's community over officially.

    With a verified address on the brand's domain the claim is approved at once;
    otherwise it waits for staff, with the evidence given.
    """
    brand = Brand.objects.select_for_update().get(pk=brand.pk)
    permissions.check_can_claim(claimant, brand)
    evidence = (evidence or "").strip()
    if len(evidence) > MAX_EVIDENCE:
        raise ValidationError(
            {
                "evidence": [
                    _("Keep it to %(limit)d characters; this is %(length)d.")
                    % {"limit": MAX_EVIDENCE, "length": len(evidence)}
                ]
            }
        )
    if BrandClaim.objects.pending().filter(brand=brand, claimant=claimant).exists():
        raise ValidationError(
            {
                "evidence": [
                    _(
                        "Your claim for %(brand)s is already waiting for staff; you will hear "
                        "from us when it is decided."
                    )
                    % {"brand": brand.name}
                ]
            }
        )
    address = verified_address_on_domain(claimant, brand)
    if address is None and not evidence:
        raise ValidationError(
            {
                "evidence": [
                    _(
                        "None of your verified e-mail addresses is on %(domain)s, so staff "
                        "decide: tell them how you work for %(brand)s (your position, a page "
                        "on the company's site that names you, who can confirm it)."
                    )
                    % {"domain": brand.domain or _("the brand's domain"), "brand": brand.name}
                ]
            }
        )
    claim = BrandClaim.objects.create(brand=brand, claimant=claimant, evidence=evidence)
    audit_log_record(
        actor=claimant,
        action="claim.submit",
        target=claim,
        brand=brand,
        data={"verified_address": address or ""},
    )
    if address:
        _approve(
            claim=claim,
            brand=brand,
            actor=None,
            auto=True,
            reason=_("Verified e-mail address %(address)s is on %(domain)s.")
            % {"address": address, "domain": brand.domain},
        )
    return claim


def _approve(*, claim: BrandClaim, brand: Brand, actor: Any, auto: bool, reason: str) -> None:
    claimant = claim.claimant
    others = Membership.objects.active().filter(user=claimant).exclude(brand=brand)
    if others.exists():
        raise ValidationError(
            {
                "reason": [
                    _(
                        "%(name)s now works for another brand; one person speaks for one "
                        "brand, so reject this claim."
                    )
                    % {"name": claimant.public_name}
                ]
            }
        )
    now = timezone.now()
    claim.status = BrandClaim.Status.APPROVED
    claim.auto_approved = auto
    claim.decided_by = actor
    claim.decided_at = now
    claim.reason = reason
    claim.save(update_fields=["status", "auto_approved", "decided_by", "decided_at", "reason"])
    brand.status = Brand.Status.OFFICIAL
    brand.official_since = now
    brand.save(update_fields=["status", "official_since"])
    membership = Membership.objects.active().filter(brand=brand, user=claimant).first()
    if membership is None:
        membership = Membership.objects.create(
            brand=brand, user=claimant, role=Membership.Role.ADMIN
        )
    elif membership.role != Membership.Role.ADMIN:
        membership.role = Membership.Role.ADMIN
        membership.save(update_fields=["role"])
    audit_log_record(
        actor=actor,
        action="claim.approve",
        target=claim,
        brand=brand,
        reason=reason,
        data={"auto": auto, "claimant": claimant.pk},
    )
    audit_log_record(
        actor=actor,
        action="membership.create",
        target=membership,
        brand=brand,
        reason=_("Claim approved"),
        data={"user": claimant.pk, "role": membership.role},
    )
    for other in BrandClaim.objects.pending().filter(brand=brand).exclude(pk=claim.pk):
        _decide(
            claim=other,
            actor=actor,
            status=BrandClaim.Status.REJECTED,
            reason=_("Another claim for this brand was approved."),
        )
    permissions.forget_brand_roles(claimant)
    cache.delete(selectors.navigation_cache_key(claimant.pk))
    page_cache.site_changed()  # every page of the brand now says "Official"
    if not auto:
        message_send(tasks.notify_claim_decided, claim.pk)


def _decide(*, claim: BrandClaim, actor: Any, status: str, reason: str) -> None:
    claim.status = status
    claim.decided_by = actor
    claim.decided_at = timezone.now()
    claim.reason = reason
    claim.save(update_fields=["status", "decided_by", "decided_at", "reason"])
    audit_log_record(
        actor=actor, action="claim.reject", target=claim, brand=claim.brand, reason=reason
    )
    message_send(tasks.notify_claim_decided, claim.pk)


def _pending_claim(claim: BrandClaim) -> BrandClaim:
    claim = BrandClaim.objects.select_for_update().select_related("claimant").get(pk=claim.pk)
    if not claim.is_pending:
        raise ValidationError(
            {
                "reason": [
                    _("This claim was already decided: %(status)s.")
                    % {"status": claim.get_status_display()}
                ]
            }
        )
    return claim


@transaction.atomic
def claim_approve(*, actor: Any, claim: BrandClaim, reason: str = "") -> BrandClaim:
    """Staff approve a claim: the brand becomes official, the claimant its admin."""
    permissions.check_can_decide_claims(actor)
    brand = Brand.objects.select_for_update().get(pk=claim.brand_id)
    claim = _pending_claim(claim)
    permissions.check_can_approve_claim(actor, brand)
    _approve(
        claim=claim,
        brand=brand,
        actor=actor,
        auto=False,
        reason=(reason or "").strip() or _("Approved by staff."),
    )
    return claim


@transaction.atomic
def claim_reject(*, actor: Any, claim: BrandClaim, reason: str) -> BrandClaim:
    """Staff reject a claim, saying why (the claimant reads it)."""
    permissions.check_can_decide_claims(actor)
    claim = _pending_claim(claim)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Tell the claimant why the claim is rejected.")]})
    _decide(claim=claim, actor=actor, status=BrandClaim.Status.REJECTED, reason=reason)
    return claim
