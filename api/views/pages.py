"""The pages where credentials are made and revoked: a person's tokens, a brand's keys.

A new token is shown once, on the page that answers the form, and never again.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from brands.models import Brand
from community.mfa import reauthenticate_for_powers

from .. import permissions, services
from ..forms import BrandKeyForm, TokenForm
from ..models import BrandApiKey, PersonalAccessToken


def _apply_errors(form, error: ValidationError) -> None:
    for field, errors in error.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    permissions.check_can_have_token(request.user)
    form = TokenForm(request.POST or None)
    issued = None
    if request.method == "POST" and form.is_valid():
        try:
            issued = services.personal_token_create(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            form = TokenForm()
    listed = PersonalAccessToken.objects.filter(user=request.user)
    return render(request, "api/tokens.html", {"form": form, "issued": issued, "tokens": listed})


@require_POST
@login_required
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(PersonalAccessToken, pk=pk, user=request.user)
    services.personal_token_revoke(user=request.user, token=token)
    messages.success(request, _("The token %(prefix)s… is revoked.") % {"prefix": token.prefix})
    return redirect("api:tokens")


@login_required
@reauthenticate_for_powers  # creating a brand API key asks again (community/mfa.py)
def brand_keys(request: HttpRequest, brand_slug: str) -> HttpResponse:
    brand = get_object_or_404(Brand, slug=brand_slug)
    permissions.check_can_manage_api_keys(request.user, brand)
    form = BrandKeyForm(request.POST or None)
    issued = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            issued = services.brand_api_key_create(
                actor=request.user,
                brand=brand,
                name=data["name"],
                role=data["role"],
                scopes=data["scopes"],
                expires_in_days=data["expires_in_days"] or None,
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            form = BrandKeyForm()
    keys = BrandApiKey.objects.filter(brand=brand).select_related("integration_user", "created_by")
    return render(
        request,
        "api/brand_keys.html",
        {"brand": brand, "form": form, "issued": issued, "keys": keys, "section": "api_keys"},
    )


@require_POST
@login_required
def brand_key_revoke(request: HttpRequest, brand_slug: str, pk: int) -> HttpResponse:
    brand = get_object_or_404(Brand, slug=brand_slug)
    key = get_object_or_404(BrandApiKey, pk=pk, brand=brand)
    services.brand_api_key_revoke(actor=request.user, key=key)
    messages.success(request, _("The key %(prefix)s… is revoked.") % {"prefix": key.prefix})
    return redirect("api:brand_keys", brand.slug)
