"""A brand's reports page: charts to read at a glance, tables, and a CSV of each table."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from community.spreadsheets import csv_response

from .. import permissions, report_dimensions, reports, services
from ..forms import ReportForm, ReportScheduleForm, ReportSettingsForm, add_service_errors
from ..models import Brand, Membership, Product, ReportSchedule


@login_required
def brand_reports(request: HttpRequest, brand_slug: str) -> HttpResponse:
    brand = permissions.access_brand(
        request.user, brand_slug, check=permissions.check_can_read_reports
    )
    form = ReportForm(request.GET)
    weeks = (form.cleaned_data.get("weeks") if form.is_valid() else None) or reports.DEFAULT_WEEKS
    report = reports.brand_report(brand=brand, weeks=weeks, crosstab=form.crosstab())
    download = request.GET.get("download")
    if download:
        table = report.table(download)
        if table is None:
            raise Http404(_("No such table."))
        return csv_response(
            f"{brand.slug}-{table.key}-{report.weeks}w.csv", table.columns, table.rows
        )
    return _reports_page(request, brand, report)


def _reports_page(
    request: HttpRequest,
    brand: Brand,
    report: reports.Report,
    *,
    settings_form: ReportSettingsForm | None = None,
    schedule_form: ReportScheduleForm | None = None,
) -> HttpResponse:
    manages = permissions.can_manage_team(request.user, brand)
    team = _team(brand) if manages else []
    return render(
        request,
        "brands/reports.html",
        {
            "brand": brand,
            "products": list(Product.objects.for_brand(brand)),
            "report": report,
            "periods": reports.PERIODS,
            "dimensions": list(report_dimensions.DIMENSIONS.items()),
            "manages_reports": manages,
            "settings_form": settings_form
            or ReportSettingsForm(initial={"cost_per_contact": report.cost_per_contact}),
            "schedule_form": schedule_form or ReportScheduleForm(team=team),
            "schedules": list(
                ReportSchedule.objects.for_brand(brand).prefetch_related("recipients")
            )
            if manages
            else [],
        },
        status=400 if settings_form or schedule_form else 200,
    )


def _team(brand: Brand) -> list:
    return [
        membership.user
        for membership in Membership.objects.active()
        .for_brand(brand)
        .select_related("user")
        .order_by("user__username")
    ]


@login_required
@require_POST
def report_settings(request: HttpRequest, brand_slug: str) -> HttpResponse:
    brand = permissions.access_team(request.user, brand_slug)
    form = ReportSettingsForm(request.POST)
    if form.is_valid():
        try:
            services.report_settings_set(
                actor=request.user,
                brand=brand,
                cost_per_contact=form.cleaned_data["cost_per_contact"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The cost per contact is saved."))
            return redirect("brands:reports", brand_slug=brand.slug)
    return _reports_page(request, brand, reports.brand_report(brand=brand), settings_form=form)


@login_required
@require_POST
def report_schedule_create(request: HttpRequest, brand_slug: str) -> HttpResponse:
    brand = permissions.access_team(request.user, brand_slug)
    form = ReportScheduleForm(request.POST, team=_team(brand))
    if form.is_valid():
        try:
            services.report_schedule_create(
                actor=request.user,
                brand=brand,
                period=form.cleaned_data["period"],
                recipient_ids=form.cleaned_data["recipients"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The report will be e-mailed after each period."))
            return redirect("brands:reports", brand_slug=brand.slug)
    return _reports_page(request, brand, reports.brand_report(brand=brand), schedule_form=form)


@login_required
@require_POST
def report_schedule_delete(request: HttpRequest, brand_slug: str, pk: int) -> HttpResponse:
    brand = permissions.access_team(request.user, brand_slug)
    schedule = get_object_or_404(ReportSchedule.objects.for_brand(brand), pk=pk)
    services.report_schedule_delete(actor=request.user, schedule=schedule)
    messages.success(request, _("That scheduled report is stopped."))
    return redirect("brands:reports", brand_slug=brand.slug)
