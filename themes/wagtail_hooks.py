"""Wagtail admin wiring: the choosers of a brand page's blocks, and the page cache."""

from __future__ import annotations

from wagtail import hooks

from .choosers import product_chooser_viewset, thread_chooser_viewset


@hooks.register("register_admin_viewset")
def register_thread_chooser():
    return thread_chooser_viewset


@hooks.register("register_admin_viewset")
def register_product_chooser():
    return product_chooser_viewset


def _brand_of(page) -> object | None:
    from .models import BrandHomePage

    specific = page.specific
    if isinstance(specific, BrandHomePage):
        return specific.brand
    parent = BrandHomePage.objects.ancestor_of(page).select_related("brand").first()
    return parent.brand if parent else None


def _refuse(request, sentence: str):
    from django.contrib import messages
    from django.shortcuts import redirect

    messages.error(request, sentence)
    return redirect("wagtailadmin_home")


@hooks.register("before_edit_page")
def brand_admins_only_while_they_are(request, page):
    """Wagtail's group permission is the gate; this also refuses someone whose admin role
    was revoked before the group was synced again (powers end at once)."""
    from django.utils.translation import gettext as _

    from .permissions import can_manage_site

    if request.user.is_superuser or request.user.is_staff:
        return None
    brand = _brand_of(page)
    if brand is not None and not can_manage_site(request.user, brand):
        return _refuse(
            request,
            _("Only %(brand)s's admins and Sodan staff edit its pages.") % {"brand": brand.name},
        )
    return None


@hooks.register("before_delete_page")
def keep_brand_pages(request, page):
    """A brand's home page is part of the brand: only staff remove it."""
    from django.utils.translation import gettext as _

    from .models import BrandHomePage

    if isinstance(page.specific, BrandHomePage) and not request.user.is_staff:
        return _refuse(request, _("A brand's home page cannot be deleted; unpublish it instead."))
    return None
