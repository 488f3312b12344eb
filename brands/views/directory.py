"""The brand directory: find a brand by name or domain."""

from __future__ import annotations

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ..models import Brand


def brand_directory(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")[:100]
    brands = Brand.objects.search(query).prefetch_related("products")
    page = Paginator(brands, per_page=24).get_page(request.GET.get("page"))
    querystring = urlencode({"q": query}) if query else ""
    return render(
        request,
        "brands/directory.html",
        {"page": page, "query": query, "querystring": querystring},
    )
