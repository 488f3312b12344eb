"""The brand's top contributors page: this month and all time, in the brand's look."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from brands.permissions import access_brand

from . import selectors


def top_contributors(request: HttpRequest, brand_slug: str) -> HttpResponse:
    brand = access_brand(request.user, brand_slug)
    period = "month" if request.GET.get("period") == "month" else "all"
    people = selectors.top_contributors(brand=brand, period=period)
    return render(
        request,
        "reputation/top_contributors.html",
        {"brand": brand, "period": period, "people": people},
    )
