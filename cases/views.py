"""Pages of private cases: the case itself, the customer's list, and the form posts that
open, write in, close and summarise one; the helpdesk's signed inbound endpoint."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from brands.forms import add_service_errors
from brands.models import Brand, OfficialDraft
from community.form_actions import form_action
from qa.models import Thread

from . import permissions, selectors, services
from .forms import CaseMessageForm, CaseOpenForm, CaseResolveForm, CaseSummaryForm


def _errors(request: HttpRequest, error: ValidationError) -> None:
    messages.error(request, " ".join(error.messages))


@form_action("qa:thread_short")
def case_open(request: HttpRequest, pk: int) -> HttpResponse:
    thread = get_object_or_404(Thread.objects.select_related("brand", "author"), pk=pk)
    permissions.check_can_open_case(request.user, thread)
    form = CaseOpenForm(request.POST, candidates=_candidates(thread))
    if not form.is_valid():
        messages.error(request, _("Choose who the case is with and write the first message."))
        return redirect(thread)
    try:
        case = services.case_open(
            actor=request.user,
            thread=thread,
            customer=form.cleaned_data["customer"],
            body=form.cleaned_data["message"],
        )
    except ValidationError as error:
        _errors(request, error)
        return redirect(thread)
    messages.success(request, _("The thread now says it continued privately with your team."))
    return redirect(case)


def _candidates(thread: Thread):
    from community.models import User

    return User.objects.filter(pk__in=[p.pk for p in selectors.thread_case_candidates(thread)])


@login_required
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = permissions.access_case(request.user, pk)
    if not (
        permissions.is_case_customer(request.user, case)
        or permissions.speaks_in_case(request.user, case)
    ):
        services.case_read_record(actor=request.user, case=case)
    form = CaseMessageForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        permissions.check_can_write_in_case(request.user, case)
        status = 400
        if form.is_valid():
            try:
                services.case_message_post(
                    actor=request.user,
                    case=case,
                    body=form.cleaned_data["body"],
                    attachments=form.cleaned_data["attachments"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                return redirect(case.get_absolute_url() + "#latest")
    context = selectors.case_page(case=case, user=request.user)
    context |= {
        "brand": case.brand,
        "form": form,
        "resolve_form": CaseResolveForm(),
        "summary_form": CaseSummaryForm(initial={"body": case.summary_body}),
    }
    return render(request, "cases/case_detail.html", context, status=status)


@form_action("cases:detail")
def case_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    case = permissions.access_case(request.user, pk)
    form = CaseResolveForm(request.POST)
    outcome = form.cleaned_data["outcome"] if form.is_valid() else ""
    try:
        services.case_resolve(actor=request.user, case=case, outcome=outcome)
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(
            request, _("The case is closed; the thread says it was resolved privately.")
        )
    return redirect(case)


@form_action("cases:detail")
def case_summary_propose(request: HttpRequest, pk: int) -> HttpResponse:
    case = permissions.access_case(request.user, pk)
    form = CaseSummaryForm(request.POST)
    body = form.cleaned_data["body"] if form.is_valid() else ""
    try:
        services.case_summary_propose(actor=request.user, case=case, body=body)
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(request, _("The customer is asked to approve the summary."))
    return redirect(case)


@form_action("cases:detail")
def case_summary_decide(request: HttpRequest, pk: int) -> HttpResponse:
    case = permissions.access_case(request.user, pk)
    if request.POST.get("decision") == "approve":
        answer = services.case_summary_approve(actor=request.user, case=case)
        if isinstance(answer, OfficialDraft):  # the brand's approver publishes it
            messages.success(
                request,
                _(
                    "Thank you: the summary waits for the brand's approval and is published "
                    "in the thread once it is approved."
                ),
            )
            return redirect(case)
        messages.success(request, _("Thank you: the summary is now the brand's answer."))
        return redirect(answer.get_absolute_url())
    services.case_summary_decline(actor=request.user, case=case)
    messages.success(
        request, _("Nothing is published; the thread says only that it was resolved privately.")
    )
    return redirect(case)


@login_required
def my_cases(request: HttpRequest) -> HttpResponse:
    return render(
        request, "cases/my_cases.html", {"cases": selectors.customer_cases(customer=request.user)}
    )


@csrf_exempt
@require_POST
def helpdesk_inbound(request: HttpRequest, brand_slug: str) -> JsonResponse:
    brand = get_object_or_404(Brand, slug=brand_slug)
    result = services.helpdesk_update_receive(
        brand=brand,
        headers=request.headers,
        body=request.body,
        remote_addr=request.META.get("REMOTE_ADDR"),
    )
    body: dict = {"ok": 200 <= result.status_code < 300, "detail": result.message}
    if result.case is not None and result.status_code == 200:
        body.update(case=result.case.pk, status=result.case.status)
    return JsonResponse(body, status=result.status_code)
