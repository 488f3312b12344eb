"""A brand admin's company sign-on page, and "Sign in with your company account"."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from community.mfa import reauthenticate_for_powers
from themes.forms import apply_service_errors

from . import permissions, selectors, services
from .forms import CompanySignInForm, SignOnForm
from .models import BrandSignOn


def _provider_urls(request: HttpRequest, sign_on: BrandSignOn | None) -> dict[str, str]:
    """What the company's administrator types into their identity provider."""
    if sign_on is None or sign_on.app is None:
        return {}
    if sign_on.protocol == BrandSignOn.Protocol.OIDC:
        path = f"/accounts/oidc/{sign_on.provider_id}/login/callback/"
        return {"redirect_uri": request.build_absolute_uri(path)}
    slug = sign_on.app.client_id
    return {
        "acs": request.build_absolute_uri(reverse("saml_acs", args=[slug])),
        "metadata": request.build_absolute_uri(reverse("saml_metadata", args=[slug])),
    }


def sign_in_url(sign_on: BrandSignOn) -> str:
    """Where a person of this company starts signing in."""
    if sign_on.protocol == BrandSignOn.Protocol.SAML:
        return reverse("saml_login", args=[sign_on.app.client_id])
    return reverse("openid_connect_login", args=[sign_on.provider_id])


@login_required
@reauthenticate_for_powers  # changing SSO asks for the second factor again (community/mfa.py)
def sign_on_settings(request: HttpRequest, brand_slug: str) -> HttpResponse:
    brand = permissions.access_sign_on_settings(request.user, brand_slug)
    sign_on = selectors.sign_on_of_brand(brand)
    form = SignOnForm.for_sign_on(sign_on, request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.sign_on_configure(actor=request.user, brand=brand, **form.cleaned_data)
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("Saved. People at %(domains)s can now sign in with their company account.")
                    % {"domains": form.cleaned_data["domains"]},
                )
                return redirect("sso:settings", brand.slug)
    return render(
        request,
        "sso/settings.html",
        {
            "brand": brand,
            "form": form,
            "sign_on": sign_on,
            "section": "sso",
            "provider_urls": _provider_urls(request, sign_on),
        },
        status=status,
    )


@login_required
@require_POST
@reauthenticate_for_powers
def sign_on_remove(request: HttpRequest, brand_slug: str) -> HttpResponse:
    brand = permissions.access_sign_on_settings(request.user, brand_slug)
    services.sign_on_remove(actor=request.user, brand=brand)
    messages.success(request, _("Company sign-on is off. People sign in as anyone else does."))
    return redirect("sso:settings", brand.slug)


def company_sign_in(request: HttpRequest) -> HttpResponse:
    """The person types their work address; their company's provider takes it from there."""
    form = CompanySignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        sign_on = selectors.sign_on_for_email(form.cleaned_data["email"])
        if sign_on is not None:
            params = {"next": request.GET.get("next", "")}
            if request.user.is_authenticated:
                # Signed in already (by password): connect the company account to this one,
                # never a second account for the same person.
                params["process"] = "connect"
            query = urlencode({key: value for key, value in params.items() if value})
            target = sign_in_url(sign_on)
            return redirect(f"{target}?{query}" if query else target)
        form.add_error(
            "email",
            _("No company signs in to Sodan with this address: log in with your password."),
        )
    return render(
        request, "sso/company_sign_in.html", {"form": form}, status=400 if form.errors else 200
    )
