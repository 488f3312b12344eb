"""Brand domains: a request for support.example.com sees only that brand's community.

`BrandSiteMiddleware` maps the request's host to a verified brand domain and sets
`request.brand_site` (None on Sodan's main site). On a brand's host:

- "/" is the brand's page, /sitemap.xml and /robots.txt are the brand's (themes/host_urls);
- the brand's threads, answers, team pages and Sodan's account pages are served;
- anything of another brand (its pages, threads, answers) and the directory of brands are
  404, never another brand's content;
- pages about the whole of Sodan (profiles, notifications, moderation, the admins) are
  sent to the same address on the main site.

A host that is neither a main host nor a verified domain gets 404: the main site is never a
fallback. Production runs with ALLOWED_HOSTS=* (Django's own host check would otherwise
refuse brand domains before this middleware sees them) and SODAN_MAIN_HOSTS naming the
main site; see README.md.

It also authorises ?preview=theme (the draft look, for the brand's admins only).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.loader import render_to_string
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from brands.models import Brand

from . import permissions, selectors
from .hosts import is_main_host

# Paths about the whole of Sodan: on a brand's host they go to the main site.
MAIN_SITE_PREFIXES = (
    "/admin/",
    "/django-admin/",
    "/moderation/",
    "/staff/",
    "/u/",
    "/notifications/",
    "/settings/",
    "/invitations/",
)
# Never on a brand's host: the directory of every brand, starting another brand.
NOT_ON_BRAND_HOST = ("/brands/",)


def _split_host(request: HttpRequest) -> str:
    host = request.get_host()  # DisallowedHost (400) if ALLOWED_HOSTS refuses it
    if host.startswith("["):
        return host[: host.index("]") + 1].lower()
    return host.rsplit(":", 1)[0].lower() if ":" in host else host.lower()


class BrandSiteMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        hostname = _split_host(request)
        request.brand_site = None
        request.theme_preview_brand_id = None
        if not is_main_host(hostname):
            site = selectors.served_site(hostname)
            if site is None:
                return self._unknown_host(hostname)
            request.brand_site = site
            request.urlconf = "themes.host_urls"
        return self.get_response(request)

    def _unknown_host(self, hostname: str) -> HttpResponse:
        body = render_to_string(
            "themes/unknown_host.html", {"hostname": hostname, "site_url": settings.SITE_URL}
        )
        return HttpResponse(body, status=404)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: tuple,
        view_kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        site = request.brand_site
        if site is not None:
            response = self._brand_host_rules(request, site.brand, view_kwargs)
            if response is not None:
                return response
        if request.GET.get("preview") == "theme":
            self._authorise_preview(request, site, view_kwargs)
        return None

    def _authorise_preview(self, request: HttpRequest, site, view_kwargs: dict) -> None:
        brand = None
        if "brand_slug" in view_kwargs:
            brand = Brand.objects.filter(slug=view_kwargs["brand_slug"]).first()
        elif site is not None:
            brand = site.brand
        if brand is None:
            return
        permissions.check_can_preview_theme(request.user, brand)
        request.theme_preview_brand_id = brand.pk

    def _brand_host_rules(
        self, request: HttpRequest, brand: Brand, view_kwargs: dict[str, Any]
    ) -> HttpResponse | None:
        path = request.path
        if path.startswith(NOT_ON_BRAND_HOST):
            raise Http404(_("The directory of brands is on Sodan's main site."))
        if path.startswith(MAIN_SITE_PREFIXES):
            return HttpResponseRedirect(settings.SITE_URL.rstrip("/") + request.get_full_path())
        slug = view_kwargs.get("brand_slug")
        if slug is not None and slug != brand.slug:
            raise Http404(_("This address serves another brand's community."))
        match = request.resolver_match
        if match is not None and match.view_name == "qa:brand":
            query = request.GET.urlencode()
            return HttpResponseRedirect("/" + (f"?{query}" if query else ""))
        searching_elsewhere = request.GET.get("brand") != brand.slug
        if match is not None and match.view_name == "search:search" and searching_elsewhere:
            query = {**request.GET.dict(), "brand": brand.slug}
            return HttpResponseRedirect(f"{path}?{urlencode(query)}")
        if "pk" in view_kwargs and not _object_of_brand(path, view_kwargs, brand):
            raise Http404(_("This address serves another brand's community."))
        return None


def _object_of_brand(path: str, view_kwargs: dict[str, Any], brand: Brand) -> bool:
    """Thread, answer and endorsement addresses: does the object belong to this brand?

    Other numbered addresses (flag/moderate with a kind) name their kind in the URL.
    """
    from qa.models import Answer, Thread

    pk = view_kwargs["pk"]
    kind = view_kwargs.get("kind")
    if path.startswith("/t/") or kind == "thread":
        return Thread.objects.filter(pk=pk, brand=brand).exists()
    if path.startswith("/a/") or kind == "answer":
        return Answer.objects.filter(pk=pk, thread__brand=brand).exists()
    if path.startswith("/endorsements/"):
        from brands.models import Endorsement

        return Endorsement.objects.filter(pk=pk, brand=brand).exists()
    # Team members, domains, widget web sites: the brand's own views check them.
    return path.startswith(f"/b/{brand.slug}/")
