"""Who may do what with a brand's LINE account. The credentials and relay are part of the
brand's integrations (its admins, staff: feedback's rule, asked here, not copied); the
requests people send from the chat are answered by the brand's reps and admins."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from brands import permissions as brand_permissions
from brands.models import Brand
from community.permissions import allowed, require_participation
from feedback import permissions as feedback_permissions


def check_can_manage_line(user: Any, brand: Brand) -> None:
    feedback_permissions.check_can_manage_integrations(user, brand)


def check_can_answer_line_requests(user: Any, brand: Brand) -> None:
    if getattr(user, "is_authenticated", False) and user.is_active and user.is_staff:
        return
    require_participation(user)
    if not brand_permissions.is_rep(user, brand):
        raise PermissionDenied(
            _("Only %(brand)s's reps and admins answer what people ask on its LINE account.")
            % {"brand": brand.name}
        )


def can_manage_line(user: Any, brand: Brand) -> bool:
    return allowed(check_can_manage_line, user, brand)


def can_answer_line_requests(user: Any, brand: Brand) -> bool:
    return allowed(check_can_answer_line_requests, user, brand)


def access_line_settings(viewer: Any, brand_slug: str) -> Brand:
    return brand_permissions.access_brand(viewer, brand_slug, check=check_can_manage_line)


def access_line_requests(viewer: Any, brand_slug: str) -> Brand:
    return brand_permissions.access_brand(viewer, brand_slug, check=check_can_answer_line_requests)
