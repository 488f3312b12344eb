"""Who may set up a brand's company sign-on: its admins and staff (DOMAIN.md: "create a
brand API key, change SSO"), the same rule as the brand's team and settings."""

from __future__ import annotations

from typing import Any

from brands.models import Brand
from brands.permissions import access_brand, check_can_manage_team


def check_can_configure_sign_on(user: Any, brand: Brand) -> None:
    check_can_manage_team(user, brand)


def access_sign_on_settings(viewer: Any, slug: str) -> Brand:
    """The brand whose sign-on the viewer may set up, else 404/403."""
    return access_brand(viewer, slug, check=check_can_configure_sign_on)
