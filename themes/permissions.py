"""Who may change a brand's look, domains, widget web sites and pages: its admins and staff.

`check_*` raise PermissionDenied with a sentence that says why; `can_*` are the same rules
as booleans for templates. Brand powers stay inside the brand (brands.permissions).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from brands.models import Brand
from brands.permissions import is_brand_admin

if TYPE_CHECKING:
    from .models import BrandDomain, WidgetOrigin


def _is_staff(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.is_staff)


def _other_brands(user: Any, brand: Brand) -> str:
    """For someone who administers other brands: why their powers don't reach this one."""
    if not getattr(user, "is_authenticated", False):
        return ""
    names = list(
        Brand.objects.filter(
            memberships__user=user,
            memberships__revoked_at__isnull=True,
            memberships__role="admin",
        )
        .exclude(pk=brand.pk)
        .values_list("name", flat=True)
    )
    if not names:
        return ""
    return " " + _(
        "You are an admin of %(others)s, not of %(brand)s: brand powers stay inside your own brand."
    ) % {"others": ", ".join(names), "brand": brand.name}


def check_can_manage_site(user: Any, brand: Brand) -> None:
    """Theme, domains, widget web sites and the brand's Wagtail pages."""
    if _is_staff(user) or is_brand_admin(user, brand):
        return
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied(
            _("Log in as one of %(brand)s's admins to change its look, domains and widget.")
            % {"brand": brand.name}
        )
    raise PermissionDenied(
        _("Only %(brand)s's admins and Sodan staff change its look, domains and widget.")
        % {"brand": brand.name}
        + _other_brands(user, brand)
    )


def can_manage_site(user: Any, brand: Brand) -> bool:
    try:
        check_can_manage_site(user, brand)
    except PermissionDenied:
        return False
    return True


def check_can_preview_theme(user: Any, brand: Brand) -> None:
    if not can_manage_site(user, brand):
        raise PermissionDenied(
            _(
                "Only %(brand)s's admins can preview its unpublished theme; everyone else sees "
                "the published one at the same address without ?preview=theme."
            )
            % {"brand": brand.name}
        )


# --- Access: fetch what the viewer may reach, or refuse --------------------------------------
# In Zulip's manner (brands.permissions.access_brand): 404 for what does not exist, 403 with
# the reason for what the viewer may not change.


def access_site(viewer: Any, brand_slug: str) -> Brand:
    """The brand whose look, domains and widget the viewer manages: its admins or staff."""
    from brands.permissions import access_brand

    return access_brand(viewer, brand_slug, check=check_can_manage_site)


def access_domain(viewer: Any, brand: Brand, pk: int) -> BrandDomain:
    """One of the brand's domains (404 for another brand's), for those who manage its site."""
    from .models import BrandDomain

    check_can_manage_site(viewer, brand)
    return get_object_or_404(BrandDomain.objects.select_related("brand"), pk=pk, brand=brand)


def access_widget_origin(viewer: Any, brand: Brand, pk: int) -> WidgetOrigin:
    """One of the web sites allowed to show the brand's widget (404 for another brand's)."""
    from .models import WidgetOrigin

    check_can_manage_site(viewer, brand)
    return get_object_or_404(WidgetOrigin.objects.select_related("brand"), pk=pk, brand=brand)
