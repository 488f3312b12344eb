"""Who may see and do what with a person's own data. One rule per question; the views, the
services, the template tags on the brands' pages and the tasks ask these same functions.

- A social account is shown to everyone when public; to the team of a brand (reps,
  admins, product team) on that brand's customer card and cases when shared with brands;
  otherwise to no one (its owner manages it on their settings page).
- An export is downloaded by the person it is about, and by no one else (404).
- Erasing an account, asking for an export, a disclosure request: the person themself,
  signed in.
- A brand's disclosure policy and the requests to it: the brand's admins (and staff).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from brands.permissions import is_brand_admin, is_brand_member
from community.permissions import allowed as _allowed

from .models import DataExport, DisclosureRequest, SocialAccount


def _active(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


# --- Social accounts -------------------------------------------------------------------------


def check_can_see_social_account(viewer: Any, account: SocialAccount, brand: Any = None) -> None:
    """The one rule for "who sees which social account". `brand` is the brand whose team
    page (customer card, case) shows it; None on the public profile, which shows public
    accounts only, whoever reads it (the owner sets them in their settings)."""
    if account.visibility == SocialAccount.Visibility.PUBLIC:
        return
    if (
        account.visibility == SocialAccount.Visibility.BRANDS
        and brand is not None
        and _active(viewer)
        and is_brand_member(viewer, brand)
    ):
        return
    raise PermissionDenied(_("This person has not shared this account with you."))


def can_see_social_account(viewer: Any, account: SocialAccount, brand: Any = None) -> bool:
    return _allowed(check_can_see_social_account, viewer, account, brand)


# --- Own data: export, erasure, disclosure requests -------------------------------------------


def check_can_manage_own_data(user: Any) -> None:
    """Exports, erasure and disclosure requests are the signed-in person's own; a suspended
    member keeps these rights (the law gives them to everyone)."""
    if not _active(user):
        raise PermissionDenied(_("Sign in to manage your data."))


def access_export(viewer: Any, pk: int) -> DataExport:
    """One's own export: anyone else's (or none) is a 404, as if it did not exist."""
    check_can_manage_own_data(viewer)
    return get_object_or_404(DataExport, pk=pk, user=viewer)


# --- Brands: the disclosure policy and the requests -----------------------------------------


def check_can_manage_disclosure(user: Any, brand: Any) -> None:
    """A brand's disclosure policy and the requests it answers: its admins, or staff."""
    if _active(user) and (user.is_staff or is_brand_admin(user, brand)):
        return
    raise PermissionDenied(
        _("Only %(brand)s's admins manage its disclosure policy and requests.")
        % {"brand": brand.name}
    )


def can_manage_disclosure(user: Any, brand: Any) -> bool:
    return _allowed(check_can_manage_disclosure, user, brand)


def access_disclosure_request(viewer: Any, brand: Any, pk: int) -> DisclosureRequest:
    """One of this brand's disclosure requests, for its admins (403), else 404."""
    check_can_manage_disclosure(viewer, brand)
    return get_object_or_404(
        DisclosureRequest.objects.select_related("requester", "brand"), pk=pk, brand=brand
    )
