"""Reads that span models for the privacy pages."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count

from . import permissions
from .models import DisclosurePolicy, DisclosureRequest, SocialAccount


@dataclass
class BrandKeeping:
    brand: Any
    notes: int
    cases: int
    policy: str
    requests: list


def brands_keeping(*, user: Any) -> list[BrandKeeping]:
    """Each brand that holds notes or private cases about the person, with its disclosure
    policy and the person's requests to it. Four queries, whatever the number of brands."""
    from brands.models import Brand, CustomerNote
    from cases.models import Case

    notes = dict(
        CustomerNote.objects.filter(customer=user)
        .values_list("brand_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    cases = dict(
        Case.objects.filter(customer=user)
        .values_list("brand_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    ids = set(notes) | set(cases)
    brands = Brand.objects.filter(pk__in=ids).order_by("name") if ids else []
    policies = (
        dict(DisclosurePolicy.objects.filter(brand_id__in=ids).values_list("brand_id", "text"))
        if ids
        else {}
    )
    requests: dict[int, list] = {}
    for request in DisclosureRequest.objects.filter(requester=user).order_by("-created_at"):
        requests.setdefault(request.brand_id, []).append(request)
    return [
        BrandKeeping(
            brand=brand,
            notes=notes.get(brand.pk, 0),
            cases=cases.get(brand.pk, 0),
            policy=policies.get(brand.pk, ""),
            requests=requests.get(brand.pk, []),
        )
        for brand in brands
    ]


def social_accounts_shown(*, viewer: Any, member: Any, brand: Any = None) -> list[SocialAccount]:
    """The member's accounts this viewer may see here (permissions.can_see_social_account):
    on the public profile (brand None) or on a brand's team pages. One query."""
    return [
        account
        for account in SocialAccount.objects.filter(user=member).order_by("kind")
        if permissions.can_see_social_account(viewer, account, brand)
    ]


def disclosure_page(*, brand: Any) -> dict:
    """A brand's policy and its requests, unanswered first (by due date), then answered."""
    policy = DisclosurePolicy.objects.filter(brand=brand).first()
    waiting = list(
        DisclosureRequest.objects.for_brand(brand).unanswered().select_related("requester")
    )
    answered = list(
        DisclosureRequest.objects.for_brand(brand)
        .filter(answered_at__isnull=False)
        .select_related("requester", "answered_by")
        .order_by("-answered_at")[:50]
    )
    return {"policy": policy, "waiting": waiting, "answered": answered}
