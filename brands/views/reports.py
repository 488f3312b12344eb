"""A brand's reports page: charts to read at a glance, tables, and a CSV of each table."""

from __future__ import annotations

import csv

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from .. import permissions, reports
from ..forms import ReportForm
from ..models import Product


@login_required
def brand_reports(request: HttpRequest, brand_slug: str) -> HttpResponse:
    brand = permissions.access_brand(
        request.user, brand_slug, check=permissions.check_can_read_reports
    )
    form = ReportForm(request.GET)
    weeks = (form.cleaned_data.get("weeks") if form.is_valid() else None) or reports.DEFAULT_WEEKS
    report = reports.brand_report(brand=brand, weeks=weeks)
    download = request.GET.get("download")
    if download:
        table = report.table(download)
        if table is None:
            raise Http404(_("No such table."))
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="{brand.slug}-{table.key}-{report.weeks}w.csv"'
        )
        writer = csv.writer(response)
        writer.writerow(table.columns)
        writer.writerows([[_cell(value) for value in row] for row in table.rows])
        return response
    return render(
        request,
        "brands/reports.html",
        {
            "brand": brand,
            "products": list(Product.objects.for_brand(brand)),
            "report": report,
            "periods": reports.PERIODS,
        },
    )


def _cell(value: object) -> object:
    """Names come from people: never let one start a spreadsheet formula."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value
