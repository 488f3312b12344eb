"""The search page, the similar-threads fragment under the ask form, and related threads."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from brands import permissions as brand_permissions
from brands.forms import add_service_errors
from brands.models import Brand
from moderation.ratelimit import RateLimited, address_rate_limit_hit
from qa import permissions as qa_permissions
from qa.models import Thread

from . import brand_synonyms, services
from . import permissions as search_permissions
from .forms import BrandSynonymForm, SearchForm
from .models import BrandSynonym


def search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    data: dict = {}
    if form.is_bound:
        form.is_valid()
        data = {k: v for k, v in form.cleaned_data.items() if k not in form.errors}
    text = request.GET.get("q", "")
    if text.strip():
        try:
            address_rate_limit_hit(request, action="search")
        except RateLimited as limited:
            return _rate_limited(request, form, text, data.get("brand"), limited)
    brand = data.get("brand")
    product = data.get("product")
    try:
        page_number = max(1, int(request.GET.get("page", 1)))
    except ValueError:
        page_number = 1
    results = services.threads_search(
        text=text,
        brand_id=brand.pk if brand else None,
        product_id=product.pk if product else None,
        type=data.get("type") or "",
        status=data.get("status") or "",
        has_official=bool(data.get("official")),
        has_verified=bool(data.get("verified")),
        page=page_number,
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "search/search.html",
        {
            "form": form,
            "results": results,
            "brand": brand,
            "searched": bool(text.strip()),
            "querystring": query.urlencode(),
        },
    )


def _rate_limited(
    request: HttpRequest, form: SearchForm, text: str, brand: Brand | None, limited: RateLimited
) -> HttpResponse:
    """The search page with the query still in its box and when to search again."""
    context = {
        "form": form,
        "results": services.SearchPage(query=text, terms=()),
        "brand": brand,
        "searched": True,
        "rate_limited": limited.message,
    }
    response = render(request, "search/search.html", context, status=429)
    response["Retry-After"] = str(limited.retry_after)
    return response


SUGGESTIONS = 6


def suggest(request: HttpRequest) -> HttpResponse:
    """Threads for the words being typed in the header's search (htmx, debounced): the best
    few of the search page's own first page, solved threads first. Counted against the same
    limit as the search page; on a brand's domain only that brand is searched."""
    text = request.GET.get("q", "").strip()
    site = getattr(request, "brand_site", None)
    if site is not None:
        brand = site.brand
    else:
        form = SearchForm({"brand": request.GET.get("brand", "")})
        brand = form.cleaned_data.get("brand") if form.is_valid() else None
    if len(text) < 2:
        return render(request, "search/_suggestions.html", {"items": []})
    try:
        address_rate_limit_hit(request, action="search")
    except RateLimited as limited:
        response = render(
            request, "search/_suggestions.html", {"rate_limited": limited.message}, status=429
        )
        response["Retry-After"] = str(limited.retry_after)
        return response
    results = services.threads_search(
        text=text, brand_id=brand.pk if brand else None, per_page=SUGGESTIONS * 2
    )
    # Stable: among solved and among the rest, the search's own order is kept.
    items = sorted(results.items, key=lambda item: not item.thread.is_solved)[:SUGGESTIONS]
    context = {"items": items, "results": results, "brand": brand, "text": text}
    return render(request, "search/_suggestions.html", context)


def similar(request: HttpRequest, brand_slug: str) -> HttpResponse:
    """Threads like the title being typed on the ask form (htmx, debounced)."""
    brand = brand_permissions.access_brand(request.user, brand_slug)
    threads = services.threads_similar(brand_id=brand.pk, text=request.GET.get("title", ""))
    return render(request, "search/_similar.html", {"threads": threads, "brand": brand})


def related(request: HttpRequest, pk: int) -> HttpResponse:
    thread = qa_permissions.access_thread(request.user, pk, threads=Thread.objects.listed())
    threads = services.threads_similar(
        brand_id=thread.brand_id, text=f"{thread.title}\n{thread.excerpt}", exclude=thread
    )
    return render(request, "search/_related.html", {"threads": threads})


@login_required
def synonyms(request: HttpRequest, brand_slug: str) -> HttpResponse:
    """The brand's synonyms and product nicknames, on its settings: list, add."""
    brand = search_permissions.access_synonyms(request.user, brand_slug)
    form = BrandSynonymForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            brand_synonyms.brand_synonym_add(
                actor=request.user, brand=brand, words=form.cleaned_data["words"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Searches of the community now treat these as one."))
            return redirect("search:synonyms", brand.slug)
    sets = BrandSynonym.objects.filter(brand=brand)
    return render(
        request,
        "search/synonyms.html",
        {"brand": brand, "form": form, "sets": sets, "section": "synonyms"},
    )


@login_required
@require_POST
def synonym_remove(request: HttpRequest, brand_slug: str, pk: int) -> HttpResponse:
    brand = search_permissions.access_synonyms(request.user, brand_slug)
    synonym = get_object_or_404(BrandSynonym, brand=brand, pk=pk)
    brand_synonyms.brand_synonym_remove(actor=request.user, synonym=synonym)
    messages.success(request, _("The synonyms are removed."))
    return redirect("search:synonyms", brand.slug)
