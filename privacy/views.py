"""Privacy pages: the member's own (social accounts, export, erasure, what brands keep) and
a brand admin's (disclosure policy and requests). Thin: a form, a rule, a service."""

from __future__ import annotations

from allauth.account.decorators import reauthentication_required
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from brands.permissions import access_brand
from community.form_actions import form_action

from . import permissions, selectors, services
from .forms import (
    DisclosureAnswerForm,
    DisclosurePolicyForm,
    DisclosureRequestForm,
    EraseForm,
    SocialAccountsForm,
)
from .models import DataExport, SocialAccount


def _errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, found in error.message_dict.items():
            form.add_error(field if field in form.fields else None, found)
    else:
        form.add_error(None, error.messages)


@login_required
def privacy(request: HttpRequest) -> HttpResponse:
    """The member's privacy page: exports, social accounts, erasure, brands."""
    permissions.check_can_manage_own_data(request.user)
    exports = list(DataExport.objects.filter(user=request.user)[:10])
    return render(
        request,
        "privacy/privacy.html",
        {"exports": exports, "days": settings.SODAN_EXPORT_DAYS},
    )


@login_required
def social_accounts(request: HttpRequest) -> HttpResponse:
    user = request.user
    permissions.check_can_manage_own_data(user)
    current = {account.kind: account for account in SocialAccount.objects.filter(user=user)}
    initial = {}
    for kind, account in current.items():
        initial[kind] = account.value
        initial[f"{kind}_visibility"] = account.visibility
    form = SocialAccountsForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.social_accounts_update(user=user, accounts=form.accounts())
            except ValidationError as error:
                _errors(form, error)
            else:
                messages.success(request, _("Your social accounts are saved."))
                return redirect("privacy:social_accounts")
    return render(request, "privacy/social_accounts.html", {"form": form}, status=status)


@form_action("privacy:privacy")
def export_request(request: HttpRequest) -> HttpResponse:
    services.export_request(user=request.user)
    messages.success(
        request,
        _("We are preparing your data. We will e-mail you a link when it is ready."),
    )
    return redirect("privacy:privacy")


@login_required
def export_download(request: HttpRequest, pk: int) -> HttpResponse:
    """The zip, to the person it is about only (404 for anyone else), while it lasts."""
    export = permissions.access_export(request.user, pk)
    if not export.is_downloadable:
        raise Http404(_("This export has expired or is not ready yet. Ask for a new one."))
    filename = f"sodan-data-{export.ready_at:%Y-%m-%d}.zip"
    response = FileResponse(export.file.open("rb"), as_attachment=True, filename=filename)
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@reauthentication_required(allow_get=True, enabled=lambda r: not r.user.has_usable_password())
def erase(request: HttpRequest) -> HttpResponse:
    """Delete the account: confirmed with the password (or, for an account without one, a
    fresh sign-in through allauth's re-authentication)."""
    user = request.user
    permissions.check_can_manage_own_data(user)
    form = EraseForm(request.POST or None)
    needs_password = user.has_usable_password()
    if not needs_password:
        form.fields.pop("password")
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            if needs_password and not user.check_password(form.cleaned_data["password"]):
                form.add_error("password", _("That is not your password."))
            else:
                services.account_erase(user=user, remove_posts=form.cleaned_data["remove_posts"])
                logout(request)
                messages.success(request, _("Your account is deleted. Goodbye, and thank you."))
                return redirect("/")
    return render(request, "privacy/erase.html", {"form": form}, status=status)


@login_required
def brands_keep(request: HttpRequest) -> HttpResponse:
    """What brands keep about me: each brand holding notes or cases, its policy, requests."""
    permissions.check_can_manage_own_data(request.user)
    return render(
        request,
        "privacy/brands_keep.html",
        {"keeping": selectors.brands_keeping(user=request.user), "form": DisclosureRequestForm()},
    )


@form_action("privacy:brands_keep")
def disclosure_request(request: HttpRequest, brand_slug: str) -> HttpResponse:
    brand = access_brand(request.user, brand_slug)
    form = DisclosureRequestForm(request.POST)
    message = form.cleaned_data["message"] if form.is_valid() else ""
    try:
        services.disclosure_request_create(user=request.user, brand=brand, message=message)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("%(brand)s's admins are asked; you will be told when they answer.")
            % {"brand": brand.name},
        )
    return redirect("privacy:brands_keep")


@login_required
def disclosure_requests(request: HttpRequest, brand_slug: str) -> HttpResponse:
    """A brand admin's page: the policy and the requests, unanswered first with their clock."""
    brand = access_brand(request.user, brand_slug, check=permissions.check_can_manage_disclosure)
    page = selectors.disclosure_page(brand=brand)
    form = DisclosurePolicyForm(
        request.POST or None, initial={"text": page["policy"].text if page["policy"] else ""}
    )
    if request.method == "POST" and form.is_valid():
        services.disclosure_policy_update(
            actor=request.user, brand=brand, text=form.cleaned_data["text"]
        )
        messages.success(request, _("Your disclosure policy is saved."))
        return redirect("privacy:disclosure_requests", brand_slug=brand.slug)
    return render(
        request,
        "privacy/disclosure_requests.html",
        {"brand": brand, "form": form, "answer_form": DisclosureAnswerForm(), **page},
    )


@form_action("privacy:disclosure_requests")
def disclosure_answer(request: HttpRequest, brand_slug: str, pk: int) -> HttpResponse:
    brand = access_brand(request.user, brand_slug, check=permissions.check_can_manage_disclosure)
    found = permissions.access_disclosure_request(request.user, brand, pk)
    form = DisclosureAnswerForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Write what the brand keeps, or that it keeps nothing."))
        services.disclosure_request_answer(
            actor=request.user, request=found, answer=form.cleaned_data["answer"]
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Your answer is sent to the customer."))
    return redirect("privacy:disclosure_requests", brand_slug=brand.slug)
