"""Who may change how search reads a brand's words: the brand's admins (and staff), as for
its other settings (brands.permissions.check_can_manage_team)."""

from __future__ import annotations

from typing import Any

from brands import permissions as brand_permissions
from brands.models import Brand
from community.permissions import allowed


def check_can_edit_synonyms(user: Any, brand: Brand) -> None:
    """Add or remove the brand's synonym sets and product nicknames (PermissionDenied with
    the reason otherwise)."""
    brand_permissions.check_can_manage_team(user, brand)


def can_edit_synonyms(user: Any, brand: Brand) -> bool:
    return allowed(check_can_edit_synonyms, user, brand)


def access_synonyms(viewer: Any, slug: str) -> Brand:
    """The brand whose synonyms the viewer edits (404 unknown, 403 with the reason)."""
    return brand_permissions.access_brand(viewer, slug, check=check_can_edit_synonyms)
