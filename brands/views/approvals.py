"""Approvals of official answers (the queue, a draft, the team's rules and roles) and the
brand's canned replies. Thin: parse, call the service, show its refusal where it belongs."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from community.form_actions import form_action
from qa.rendering import render_markdown

from .. import approval_selectors, permissions
from ..approval_forms import (
    ApprovalRuleForm,
    CannedReplyForm,
    DraftApproveForm,
    DraftBodyForm,
    DraftChangesForm,
    MemberApprovalForm,
    SelfApprovalForm,
)
from ..forms import add_service_errors
from ..models import ApprovalRule, Brand, CannedReply, OfficialDraft, Product
from ..services import approvals as services


def _team_page_of(request: HttpRequest, brand_slug: str, **_kwargs: Any) -> str:
    return reverse("brands:team", kwargs={"brand_slug": brand_slug})


def _canned_page_of(request: HttpRequest, brand_slug: str, **_kwargs: Any) -> str:
    return reverse("brands:canned_replies", kwargs={"brand_slug": brand_slug})


# --- The queue and a draft ----------------------------------------------------------------


@login_required
def approval_queue(request: HttpRequest, brand_slug: str) -> HttpResponse:
    brand = permissions.access_drafts(request.user, brand_slug)
    drafts = approval_selectors.draft_queue(brand=brand, user=request.user)
    context = {
        "brand": brand,
        "products": list(Product.objects.for_brand(brand)),
        "drafts": drafts,
    }
    return render(request, "brands/approval_queue.html", context)


def _draft_page(
    request: HttpRequest,
    draft: OfficialDraft,
    *,
    refusal: str = "",
    approve_form: DraftApproveForm | None = None,
    changes_form: DraftChangesForm | None = None,
    revise_form: DraftBodyForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    context: dict[str, Any] = {
        "brand": draft.brand,
        "draft": draft,
        "thread": draft.thread,
        "reason": approval_selectors.draft_reason(draft),
        "preview_html": render_markdown(draft.body) if draft.body else "",
        "refusal": refusal,
        "can_approve": draft.status == OfficialDraft.Status.PENDING
        and permissions.can_approve_draft(user, draft),
        "can_revise": draft.is_open and permissions.can_revise_draft(user, draft),
        "approve_form": approve_form or DraftApproveForm(initial={"body": draft.body}),
        "changes_form": changes_form or DraftChangesForm(),
        "revise_form": revise_form or DraftBodyForm(initial={"body": draft.body}),
    }
    return render(request, "brands/draft.html", context, status=status)


@login_required
def draft_detail(request: HttpRequest, brand_slug: str, pk: int) -> HttpResponse:
    brand = permissions.access_drafts(request.user, brand_slug)
    return _draft_page(request, permissions.access_draft(request.user, brand, pk))


def _draft_action(request: HttpRequest, brand_slug: str, pk: int) -> OfficialDraft:
    brand = permissions.access_drafts(request.user, brand_slug)
    return permissions.access_draft(request.user, brand, pk)


@form_action("brands:draft")
def draft_approve(request: HttpRequest, brand_slug: str, pk: int) -> HttpResponse:
    draft = _draft_action(request, brand_slug, pk)
    form = DraftApproveForm(request.POST)
    form.is_valid()
    body = form.cleaned_data.get("body") or None
    try:
        draft = services.draft_approve(actor=request.user, draft=draft, body=body)
    except PermissionDenied as refusal:
        return _draft_page(request, draft, refusal=str(refusal), approve_form=form, status=403)
    except ValidationError as error:
        add_service_errors(form, error)
        return _draft_page(request, draft, approve_form=form, status=400)
    messages.success(request, _("Approved: the answer is published with your approval."))
    if draft.answer_id:
        return redirect(draft.answer.get_absolute_url())  # on the page of answers that shows it
    return redirect(draft.thread)


@form_action("brands:draft")
def draft_request_changes(request: HttpRequest, brand_slug: str, pk: int) -> HttpResponse:
    draft = _draft_action(request, brand_slug, pk)
    form = DraftChangesForm(request.POST)
    form.is_valid()
    try:
        services.draft_request_changes(
            actor=request.user, draft=draft, comment=form.cleaned_data.get("comment", "")
        )
    except PermissionDenied as refusal:
        return _draft_page(request, draft, refusal=str(refusal), changes_form=form, status=403)
    except ValidationError as error:
        add_service_errors(form, error)
        return _draft_page(request, draft, changes_form=form, status=400)
    messages.success(request, _("Sent back to the author with your comment."))
    return redirect("brands:approvals", brand_slug=brand_slug)


@form_action("brands:draft")
def draft_revise(request: HttpRequest, brand_slug: str, pk: int) -> HttpResponse:
    draft = _draft_action(request, brand_slug, pk)
    form = DraftBodyForm(request.POST)
    form.is_valid()
    try:
        draft = services.draft_revise(
            actor=request.user, draft=draft, body=form.cleaned_data.get("body", "")
        )
    except PermissionDenied as refusal:
        return _draft_page(request, draft, refusal=str(refusal), revise_form=form, status=403)
    except ValidationError as error:
        add_service_errors(form, error)
        return _draft_page(request, draft, revise_form=form, status=400)
    messages.success(request, _("Sent again: the approvers have it."))
    return redirect(draft)


@form_action("brands:draft")
def draft_withdraw(request: HttpRequest, brand_slug: str, pk: int) -> HttpResponse:
    draft = _draft_action(request, brand_slug, pk)
    try:
        services.draft_withdraw(actor=request.user, draft=draft)
    except PermissionDenied as refusal:
        return _draft_page(request, draft, refusal=str(refusal), status=403)
    messages.success(request, _("Draft withdrawn; nothing was published."))
    return redirect(draft.thread)


# --- The team's rules and roles (the team page's approvals section) ------------------------


def _back_to_team(brand: Brand) -> HttpResponse:
    return redirect(reverse("brands:team", kwargs={"brand_slug": brand.slug}) + "#approvals")


def _team_error(request: HttpRequest, error: ValidationError) -> None:
    messages.error(request, " ".join(error.messages))


@form_action(_team_page_of)
def approval_rule_add(request: HttpRequest, brand_slug: str) -> HttpResponse:
    brand = permissions.access_team(request.user, brand_slug)
    form = ApprovalRuleForm(request.POST, brand=brand)
    if not form.is_valid():
        messages.error(request, _("Choose what the rule applies to and who approves."))
        return _back_to_team(brand)
    try:
        services.approval_rule_add(actor=request.user, brand=brand, **form.cleaned_data)
    except ValidationError as error:
        _team_error(request, error)
    else:
        messages.success(request, _("Rule added: matching answers now wait for approval."))
    return _back_to_team(brand)


@form_action(_team_page_of)
def approval_rule_remove(request: HttpRequest, brand_slug: str, pk: int) -> HttpResponse:
    brand = permissions.access_team(request.user, brand_slug)
    rule = get_object_or_404(ApprovalRule, pk=pk, brand=brand)
    services.approval_rule_remove(actor=request.user, rule=rule)
    messages.success(request, _("Rule removed."))
    return _back_to_team(brand)


@form_action(_team_page_of)
def member_approval(request: HttpRequest, brand_slug: str, pk: int) -> HttpResponse:
    brand = permissions.access_team(request.user, brand_slug)
    membership = permissions.access_membership(request.user, brand, pk)
    form = MemberApprovalForm(request.POST)
    form.is_valid()
    try:
        services.membership_approval_set(
            actor=request.user, membership=membership, **form.cleaned_data
        )
    except ValidationError as error:
        _team_error(request, error)
    else:
        messages.success(request, _("Saved for %(name)s.") % {"name": membership.user.public_name})
    return _back_to_team(brand)


@form_action(_team_page_of)
def self_approval(request: HttpRequest, brand_slug: str) -> HttpResponse:
    brand = permissions.access_team(request.user, brand_slug)
    form = SelfApprovalForm(request.POST)
    form.is_valid()
    services.brand_self_approval_set(
        actor=request.user, brand=brand, allowed=form.cleaned_data.get("allowed", False)
    )
    messages.success(request, _("Saved."))
    return _back_to_team(brand)


# --- Canned replies -----------------------------------------------------------------------


def _canned_page(
    request: HttpRequest,
    brand: Brand,
    *,
    form: CannedReplyForm | None = None,
    editing: CannedReply | None = None,
    status: int = 200,
) -> HttpResponse:
    context = {
        "brand": brand,
        "products": list(Product.objects.for_brand(brand)),
        "replies": approval_selectors.canned_replies(brand=brand),
        "form": form or CannedReplyForm(),
        "editing": editing,
    }
    return render(request, "brands/canned_replies.html", context, status=status)


def _canned_save(request: HttpRequest, brand: Brand, reply: CannedReply | None) -> HttpResponse:
    form = CannedReplyForm(request.POST)
    if form.is_valid():
        try:
            services.canned_reply_save(
                actor=request.user, brand=brand, reply=reply, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Canned reply saved."))
            return redirect("brands:canned_replies", brand_slug=brand.slug)
    return _canned_page(request, brand, form=form, editing=reply, status=400)


@login_required
def canned_replies(request: HttpRequest, brand_slug: str) -> HttpResponse:
    brand = permissions.access_canned_replies(request.user, brand_slug)
    if request.method == "POST":
        return _canned_save(request, brand, None)
    return _canned_page(request, brand)


@login_required
def canned_reply_edit(request: HttpRequest, brand_slug: str, pk: int) -> HttpResponse:
    brand = permissions.access_canned_replies(request.user, brand_slug)
    reply = permissions.access_canned_reply(request.user, brand, pk)
    if request.method == "POST":
        return _canned_save(request, brand, reply)
    form = CannedReplyForm(
        initial={"title": reply.title, "language": reply.language, "body": reply.body}
    )
    return _canned_page(request, brand, form=form, editing=reply)


@form_action(_canned_page_of)
def canned_reply_delete(request: HttpRequest, brand_slug: str, pk: int) -> HttpResponse:
    brand = permissions.access_canned_replies(request.user, brand_slug)
    reply = permissions.access_canned_reply(request.user, brand, pk)
    services.canned_reply_delete(actor=request.user, reply=reply)
    messages.success(request, _("Canned reply deleted."))
    return redirect("brands:canned_replies", brand_slug=brand.slug)


@form_action(_canned_page_of)
def canned_reply_used(request: HttpRequest, brand_slug: str, pk: int) -> HttpResponse:
    """Counts one insertion. The picker's script posts here in the background (204); a
    post without the script comes back to the thread's answer form."""
    brand = permissions.access_canned_replies(request.user, brand_slug)
    reply = permissions.access_canned_reply(request.user, brand, pk)
    services.canned_reply_used(actor=request.user, reply=reply)
    if request.headers.get("X-Requested-With") == "fetch":
        return HttpResponse(status=204)
    thread = request.POST.get("thread", "")
    if thread.isdigit():
        return redirect(reverse("qa:thread_short", kwargs={"pk": int(thread)}) + "#answer-form")
    return redirect("brands:canned_replies", brand_slug=brand.slug)
