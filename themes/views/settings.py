"""A brand admin's pages: the look (draft, preview, publish), domains, and the widget."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from brands.models import Brand
from community.mfa import reauthenticate_for_powers

from .. import permissions, selectors, services
from ..forms import DomainForm, ThemeForm, WidgetOriginForm, apply_service_errors
from ..models import BrandDomain, WidgetOrigin


def _sodan_origin(request: HttpRequest) -> str:
    return f"{request.scheme}://{request.get_host()}"


@login_required
def theme_edit(request: HttpRequest, brand_slug: str) -> HttpResponse:
    brand = permissions.access_site(request.user, brand_slug)
    theme = selectors.theme_for_editing(brand)
    form = ThemeForm(request.POST or None, request.FILES or None, theme=theme)
    if request.method == "POST" and form.is_valid():
        try:
            services.theme_save_draft(actor=request.user, brand=brand, **form.service_kwargs())
            if request.POST.get("action") == "publish":
                services.theme_publish(actor=request.user, brand=brand)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            if request.POST.get("action") == "publish":
                messages.success(request, _("Published: visitors see the new look now."))
            else:
                messages.success(
                    request, _("Draft saved. Preview it, then publish it when it looks right.")
                )
            return redirect("themes:theme", brand.slug)
    return render(
        request,
        "themes/theme_edit.html",
        {
            "brand": brand,
            "theme": theme,
            "form": form,
            "section": "theme",
            "brand_page": selectors.brand_home_page(brand),
            "preview_url": f"{brand.get_absolute_url()}?preview=theme",
        },
        status=400 if form.is_bound else 200,
    )


@login_required
@require_POST
def theme_publish(request: HttpRequest, brand_slug: str) -> HttpResponse:
    brand = permissions.access_site(request.user, brand_slug)
    try:
        services.theme_publish(actor=request.user, brand=brand)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Published: visitors see the new look now."))
    return redirect("themes:theme", brand.slug)


@login_required
@require_POST
def brand_page_setup(request: HttpRequest, brand_slug: str) -> HttpResponse:
    """Create the brand page if needed and give the brand's admins Wagtail access to it."""
    brand = permissions.access_site(request.user, brand_slug)
    services.brand_editors_sync(brand)
    page = selectors.brand_home_page(brand)
    if page is None:
        messages.error(request, _("The brand page is unpublished; publish it in the admin."))
        return redirect("themes:theme", brand.slug)
    return redirect("wagtailadmin_pages:edit", page.pk)


# --- Domains ------------------------------------------------------------------------------


def _domains_page(
    request: HttpRequest, brand: Brand, form: DomainForm, *, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "themes/domains.html",
        {
            "brand": brand,
            "form": form,
            "section": "domains",
            "domains": list(BrandDomain.objects.for_brand(brand)),
        },
        status=status,
    )


@login_required
@reauthenticate_for_powers  # changing a brand's address asks again (community/mfa.py)
def domains(request: HttpRequest, brand_slug: str) -> HttpResponse:
    brand = permissions.access_site(request.user, brand_slug)
    form = DomainForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                domain = services.domain_add(
                    actor=request.user, brand=brand, hostname=form.cleaned_data["hostname"]
                )
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _(
                        "Added %(host)s. Publish the TXT record below; we check it in the "
                        "background."
                    )
                    % {"host": domain.hostname},
                )
                return redirect("themes:domains", brand.slug)
        return _domains_page(request, brand, form, status=400)
    return _domains_page(request, brand, form)


def _brand_domain(request: HttpRequest, brand_slug: str, pk: int) -> BrandDomain:
    brand = permissions.access_site(request.user, brand_slug)
    return permissions.access_domain(request.user, brand, pk)


@login_required
@require_POST
def domain_check(request: HttpRequest, brand_slug: str, pk: int) -> HttpResponse:
    domain = _brand_domain(request, brand_slug, pk)
    services.domain_check_request(actor=request.user, domain=domain)
    messages.info(
        request,
        _("Checking %(host)s now; reload this page in a moment.") % {"host": domain.hostname},
    )
    return redirect("themes:domains", brand_slug)


@login_required
@require_POST
@reauthenticate_for_powers  # changing a brand's address asks again (community/mfa.py)
def domain_remove(request: HttpRequest, brand_slug: str, pk: int) -> HttpResponse:
    domain = _brand_domain(request, brand_slug, pk)
    hostname = domain.hostname
    services.domain_remove(actor=request.user, domain=domain)
    messages.success(request, _("Removed %(host)s.") % {"host": hostname})
    return redirect("themes:domains", brand_slug)


# --- Widget ---------------------------------------------------------------------------------


def _widget_page(
    request: HttpRequest, brand: Brand, form: WidgetOriginForm, *, status: int = 200
) -> HttpResponse:
    origin = _sodan_origin(request)
    return render(
        request,
        "themes/widget_settings.html",
        {
            "brand": brand,
            "form": form,
            "section": "widget",
            "origins": list(WidgetOrigin.objects.for_brand(brand)),
            "sodan_origin": origin,
            "script_url": origin + reverse("themes:widget_script", args=[brand.slug]),
            "community_url": origin + brand.get_absolute_url(),
            "site_url": settings.SITE_URL,
        },
        status=status,
    )


@login_required
def widget_settings(request: HttpRequest, brand_slug: str) -> HttpResponse:
    brand = permissions.access_site(request.user, brand_slug)
    form = WidgetOriginForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                row = services.widget_origin_add(
                    actor=request.user, brand=brand, origin=form.cleaned_data["origin"]
                )
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(
                    request, _("%(origin)s may now show the widget.") % {"origin": row.origin}
                )
                return redirect("themes:widget_settings", brand.slug)
        return _widget_page(request, brand, form, status=400)
    return _widget_page(request, brand, form)


@login_required
@require_POST
def widget_origin_remove(request: HttpRequest, brand_slug: str, pk: int) -> HttpResponse:
    brand = permissions.access_site(request.user, brand_slug)
    row = permissions.access_widget_origin(request.user, brand, pk)
    origin = row.origin
    services.widget_origin_remove(actor=request.user, origin=row)
    messages.success(request, _("%(origin)s can no longer show the widget.") % {"origin": origin})
    return redirect("themes:widget_settings", brand.slug)
