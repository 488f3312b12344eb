"""Starting a brand's community, claiming it, and staff deciding claims."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import permissions, services
from ..forms import BrandStartForm, ClaimDecisionForm, ClaimForm, add_service_errors
from ..models import Brand, BrandClaim


@login_required
def brand_start(request: HttpRequest) -> HttpResponse:
    permissions.check_can_start_brand(request.user)
    form = BrandStartForm(request.POST or None)
    existing: list[Brand] = []
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                brand = services.brand_start(actor=request.user, **form.cleaned_data)
            except services.BrandAlreadyHere as error:
                existing = error.brands
                form.add_error(None, error.messages)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _(
                        "The %(brand)s community is open. It is community-run until the "
                        "company claims it."
                    )
                    % {"brand": brand.name},
                )
                return redirect(brand)
    return render(
        request, "brands/brand_start.html", {"form": form, "existing": existing}, status=status
    )


@login_required
def brand_claim(request: HttpRequest, brand_slug: str) -> HttpResponse:
    brand = permissions.access_brand(request.user, brand_slug, check=permissions.check_can_claim)
    form = ClaimForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                claim = services.claim_submit(
                    claimant=request.user, brand=brand, evidence=form.cleaned_data["evidence"]
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                if claim.status == BrandClaim.Status.APPROVED:
                    messages.success(
                        request,
                        _("%(brand)s is now official, and you are its admin. Invite your team.")
                        % {"brand": brand.name},
                    )
                    return redirect("brands:team", brand_slug=brand.slug)
                messages.success(
                    request,
                    _("Your claim is with staff; you will hear from us when it is decided."),
                )
                return redirect(brand)
    return render(
        request,
        "brands/claim.html",
        {
            "brand": brand,
            "form": form,
            "qualifying_address": services.verified_address_on_domain(request.user, brand),
            "pending": BrandClaim.objects.pending()
            .filter(brand=brand, claimant=request.user)
            .first(),
        },
        status=status,
    )


def _staff_claims_page(
    request: HttpRequest,
    *,
    failed: BrandClaim | None = None,
    failed_form: ClaimDecisionForm | None = None,
) -> HttpResponse:
    permissions.check_can_decide_claims(request.user)
    addresses = Prefetch(
        "claimant__emailaddress_set",
        queryset=EmailAddress.objects.filter(verified=True),
        to_attr="verified_addresses",
    )
    pending = list(
        BrandClaim.objects.pending()
        .select_related("brand", "claimant")
        .prefetch_related(addresses)
        .order_by("created_at", "id")
    )
    for claim in pending:
        claim.form = failed_form if failed and failed.pk == claim.pk else ClaimDecisionForm()
    decided = list(
        BrandClaim.objects.exclude(status=BrandClaim.Status.PENDING)
        .select_related("brand", "claimant", "decided_by")
        .order_by("-decided_at", "-id")[:20]
    )
    return render(
        request,
        "brands/staff_claims.html",
        {"pending": pending, "decided": decided},
        status=400 if failed else 200,
    )


@login_required
def staff_claims(request: HttpRequest) -> HttpResponse:
    return _staff_claims_page(request)


@login_required
@require_POST
def staff_claim_decide(request: HttpRequest, pk: int) -> HttpResponse:
    claim = permissions.access_claim(request.user, pk)
    form = ClaimDecisionForm(request.POST)
    if form.is_valid():
        decide = (
            services.claim_approve
            if form.cleaned_data["decision"] == "approve"
            else services.claim_reject
        )
        try:
            decide(actor=request.user, claim=claim, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("The claim for %(brand)s is decided.") % {"brand": claim.brand.name},
            )
            return redirect("brands:staff_claims")
    return _staff_claims_page(request, failed=claim, failed_form=form)
