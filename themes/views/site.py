"""A brand's own domain (its home at "/", its sitemap and robots.txt) and the main site's
sitemap index."""

from __future__ import annotations

from django.contrib.sitemaps import views as sitemap_views
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse

from brands import permissions as brand_permissions
from brands.models import Brand
from qa import views as qa_views

from ..sitemaps import brand_sitemaps


def _site_brand(request: HttpRequest) -> Brand:
    site = getattr(request, "brand_site", None)
    if site is None:
        raise Http404
    return site.brand


def brand_site_home(request: HttpRequest) -> HttpResponse:
    """ "/" on a brand's domain: the brand's community page, as at /b/<slug>/ on Sodan."""
    return qa_views.brand_threads(request, brand_slug=_site_brand(request).slug)


def brand_site_sitemap(request: HttpRequest) -> HttpResponse:
    return sitemap_views.sitemap(request, sitemaps=brand_sitemaps(_site_brand(request), home="/"))


def brand_sitemap(request: HttpRequest, brand_slug: str) -> HttpResponse:
    brand = brand_permissions.access_brand(request.user, brand_slug)
    site = getattr(request, "brand_site", None)
    home = "/" if site is not None else brand.get_absolute_url()
    return sitemap_views.sitemap(request, sitemaps=brand_sitemaps(brand, home=home))


def sitemap_index(request: HttpRequest) -> HttpResponse:
    """Every brand's sitemap, for the main site (a brand's domain has its own sitemap)."""
    origin = f"{request.scheme}://{request.get_host()}"
    brands = Brand.objects.filter(thread_count__gt=0).order_by("pk").values_list("slug", flat=True)
    items = [
        sitemap_views.SitemapIndexItem(origin + reverse("themes:brand_sitemap", args=[slug]), None)
        for slug in brands
    ]
    return TemplateResponse(
        request, "sitemap_index.xml", {"sitemaps": items}, content_type="application/xml"
    )


def robots(request: HttpRequest) -> HttpResponse:
    origin = f"{request.scheme}://{request.get_host()}"
    lines = ["User-agent: *"]
    if getattr(request, "brand_site", None) is None:
        lines += ["Disallow: /admin/", "Disallow: /django-admin/"]
    lines += ["Allow: /", f"Sitemap: {origin}/sitemap.xml", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
