"""Requests to other departments: sending one from a thread or a private case, the
departments' lists, and one request with its start and answer forms."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qa.models import Thread

from .. import permissions, selectors, services
from ..forms import DepartmentAnswerForm, DepartmentRequestForm, add_service_errors
from ..models import Department, DepartmentRequest, Product


@login_required
@require_POST
def department_request_send(request: HttpRequest, brand_slug: str) -> HttpResponse:
    brand = permissions.access_brand(request.user, brand_slug)
    form = DepartmentRequestForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        department = permissions.access_department(request.user, data["department"])
        thread = case = None
        if data.get("case"):
            from cases.permissions import access_case

            case = access_case(request.user, data["case"])
        elif data.get("thread"):
            thread = get_object_or_404(Thread, pk=data["thread"])
        try:
            sent = services.department_request_send(
                actor=request.user,
                brand=brand,
                department=department,
                body=data["body"],
                due_on=data["due_on"],
                thread=thread,
                case=case,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Request sent to %(department)s.") % {"department": department.name},
            )
            back = case or thread
            return redirect(back.get_absolute_url() if back else sent_url(sent))
    else:
        permissions.check_can_read_requests(request.user, brand)
    return render(
        request,
        "brands/department_request_form.html",
        {"brand": brand, "form": form, "departments": Department.objects.for_brand(brand)},
        status=400,
    )


def sent_url(sent: DepartmentRequest) -> str:
    from django.urls import reverse

    return reverse(
        "brands:department_request", kwargs={"brand_slug": sent.brand.slug, "pk": sent.pk}
    )


@login_required
def department_requests(request: HttpRequest, brand_slug: str) -> HttpResponse:
    """One department's list (or every department's), by status: open, in progress,
    answered."""
    brand = permissions.access_brand(
        request.user, brand_slug, check=permissions.check_can_read_requests
    )
    departments = list(Department.objects.for_brand(brand))
    chosen = next((d for d in departments if str(d.pk) == request.GET.get("department", "")), None)
    status = request.GET.get("status", "")
    if status not in DepartmentRequest.Status.values:
        status = ""
    counts = selectors.department_request_counts(brand=brand)
    for department in departments:
        department.counts = [
            (value, counts.get((department.pk, value), 0))
            for value in DepartmentRequest.Status.values
        ]
    return render(
        request,
        "brands/department_requests.html",
        {
            "brand": brand,
            "products": list(Product.objects.for_brand(brand)),
            "departments": departments,
            "chosen": chosen,
            "status": status,
            "statuses": DepartmentRequest.Status.choices,
            "requests": list(
                selectors.department_requests(
                    brand=brand, department_id=chosen.pk if chosen else None, status=status
                )
            ),
        },
    )


@login_required
def department_request(request: HttpRequest, brand_slug: str, pk: int) -> HttpResponse:
    brand = permissions.access_brand(request.user, brand_slug)
    item = permissions.access_department_request(request.user, brand, pk)
    form = DepartmentAnswerForm(request.POST or None)
    status = 200
    if request.method == "POST":
        permissions.check_can_work_request(request.user, item)
        status = 400
        try:
            if "start" in request.POST:
                services.department_request_start(actor=request.user, request=item)
                return redirect(sent_url(item))
            if form.is_valid():
                services.department_request_answer(
                    actor=request.user, request=item, answer=form.cleaned_data["answer"]
                )
                messages.success(request, _("Answered; the rep who asked is told."))
                return redirect(sent_url(item))
        except ValidationError as error:
            add_service_errors(form, error)
    return render(
        request,
        "brands/department_request.html",
        {
            "brand": brand,
            "item": item,
            "form": form,
            "can_work": permissions.can_work_request(request.user, item),
        },
        status=status,
    )
