"""The brand admin's team page (members, invitations, response target) and accepting an
invitation."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import permissions, selectors, services
from ..forms import (
    InviteForm,
    MemberDepartmentForm,
    ResponseTargetForm,
    RevokeForm,
    RoleForm,
    add_service_errors,
)
from ..models import Brand, Product


def _team_page(
    request: HttpRequest,
    brand: Brand,
    *,
    invite_form: InviteForm | None = None,
    target_form: ResponseTargetForm | None = None,
    failed_member: int | None = None,
    member_form: RoleForm | None = None,
) -> HttpResponse:
    context = selectors.team(brand=brand)
    for membership in context["members"]:
        if membership.pk == failed_member:
            membership.form = member_form
        else:
            membership.form = RoleForm(
                initial={"role": membership.role}, prefix=f"m{membership.pk}"
            )
    failed = invite_form is not None or target_form is not None or failed_member is not None
    return render(
        request,
        "brands/team.html",
        {
            "brand": brand,
            "products": list(Product.objects.for_brand(brand)),
            **context,
            "invite_form": invite_form or InviteForm(),
            "target_form": target_form
            or ResponseTargetForm(initial={"hours": brand.response_target_hours}),
            "revoke_form": RevokeForm(),
        },
        status=400 if failed else 200,
    )


@login_required
def team(request: HttpRequest, brand_slug: str) -> HttpResponse:
    return _team_page(request, permissions.access_team(request.user, brand_slug))


@login_required
@require_POST
def team_invite(request: HttpRequest, brand_slug: str) -> HttpResponse:
    brand = permissions.access_team(request.user, brand_slug)
    form = InviteForm(request.POST)
    if form.is_valid():
        try:
            invitation = services.invitation_create(
                actor=request.user, brand=brand, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Invitation sent to %(email)s; the link works for 7 days.")
                % {"email": invitation.email},
            )
            return redirect("brands:team", brand_slug=brand.slug)
    return _team_page(request, brand, invite_form=form)


@login_required
@require_POST
def member_role(request: HttpRequest, brand_slug: str, pk: int) -> HttpResponse:
    brand = permissions.access_team(request.user, brand_slug)
    membership = permissions.access_membership(request.user, brand, pk)
    form = RoleForm(request.POST, prefix=f"m{membership.pk}")
    if form.is_valid():
        try:
            services.membership_change_role(
                actor=request.user, membership=membership, role=form.cleaned_data["role"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("%(name)s's role is changed.") % {"name": membership.user.public_name},
            )
            return redirect("brands:team", brand_slug=brand.slug)
    return _team_page(request, brand, failed_member=membership.pk, member_form=form)


@login_required
@require_POST
def member_revoke(request: HttpRequest, brand_slug: str, pk: int) -> HttpResponse:
    brand = permissions.access_team(request.user, brand_slug)
    membership = permissions.access_membership(request.user, brand, pk)
    form = RevokeForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        services.membership_revoke(actor=request.user, membership=membership, reason=reason)
    except ValidationError as error:
        role_form = RoleForm(initial={"role": membership.role}, prefix=f"m{membership.pk}")
        add_service_errors(role_form, error)
        return _team_page(request, brand, failed_member=membership.pk, member_form=role_form)
    messages.success(
        request,
        _("%(name)s is no longer on the team.") % {"name": membership.user.public_name},
    )
    if not permissions.is_brand_member(request.user, brand) and not request.user.is_staff:
        return redirect(brand)  # they left the team themselves
    return redirect("brands:team", brand_slug=brand.slug)


@login_required
@require_POST
def invitation_revoke(request: HttpRequest, brand_slug: str, pk: int) -> HttpResponse:
    brand = permissions.access_team(request.user, brand_slug)
    invitation = permissions.access_invitation(request.user, brand, pk)
    try:
        services.invitation_revoke(actor=request.user, invitation=invitation)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("The invitation to %(email)s is withdrawn.") % {"email": invitation.email}
        )
    return redirect("brands:team", brand_slug=brand.slug)


@login_required
@require_POST
def response_target(request: HttpRequest, brand_slug: str) -> HttpResponse:
    brand = permissions.access_team(request.user, brand_slug)
    form = ResponseTargetForm(request.POST)
    if form.is_valid():
        try:
            services.brand_response_target_set(
                actor=request.user, brand=brand, hours=form.cleaned_data["hours"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The response target is saved."))
            return redirect("brands:team", brand_slug=brand.slug)
    return _team_page(request, brand, target_form=form)


def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """The link in the invitation e-mail: see the invitation, then accept it."""
    invitation = permissions.access_invitation_link(token)
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{reverse('account_login')}?next={request.path}")
        services.invitation_accept(user=request.user, invitation=invitation)
        messages.success(
            request,
            _("Welcome to %(brand)s's team.") % {"brand": invitation.brand.name},
        )
        return redirect("brands:inbox", brand_slug=invitation.brand.slug)
    refusal = permissions.invitation_refusal(user=request.user, invitation=invitation)
    return render(
        request,
        "brands/invitation.html",
        {"invitation": invitation, "brand": invitation.brand, "refusal": refusal},
        status=403 if refusal else 200,
    )


@login_required
@require_POST
def member_department(request: HttpRequest, brand_slug: str, pk: int) -> HttpResponse:
    """Give a member a department label (or none): requests to it reach them."""
    brand = permissions.access_team(request.user, brand_slug)
    membership = permissions.access_membership(request.user, brand, pk)
    form = MemberDepartmentForm(request.POST)
    label = form.cleaned_data["department"] if form.is_valid() else ""
    try:
        services.membership_department_set(actor=request.user, membership=membership, label=label)
    except ValidationError as error:
        role_form = RoleForm(initial={"role": membership.role}, prefix=f"m{membership.pk}")
        add_service_errors(role_form, error)
        return _team_page(request, brand, failed_member=membership.pk, member_form=role_form)
    messages.success(
        request,
        _("%(name)s's department is saved.") % {"name": membership.user.public_name},
    )
    return redirect("brands:team", brand_slug=brand.slug)
