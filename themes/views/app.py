"""Sodan as an installable web app: the favicon, the manifest, the service worker and the
page it shows offline. Served from the site's root (a service worker controls only the
addresses under its own), on Sodan and on every brand's domain."""

from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from community import page_cache

# Thread pages the service worker keeps for reading offline: the most recently read.
OFFLINE_THREADS = 20


@require_GET
@cache_control(max_age=86400, public=True)
def favicon(request: HttpRequest) -> HttpResponse:
    """/favicon.ico, asked for by browsers whatever the page's link says: the SVG icon."""
    return HttpResponsePermanentRedirect(static("themes/favicon.svg"))


@require_GET
@cache_control(max_age=3600, public=True)
def manifest(request: HttpRequest) -> HttpResponse:
    site = getattr(request, "brand_site", None)
    name = _("%(brand)s community") % {"brand": site.brand.name} if site else _("Sodan")
    document = {
        "name": name,
        "short_name": site.brand.name if site else _("Sodan"),
        "description": _("Customers helping customers."),
        "lang": request.LANGUAGE_CODE,
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "background_color": "#f9fafb",
        "theme_color": "#2563eb",
        "icons": [
            {"src": static("themes/favicon.svg"), "sizes": "any", "type": "image/svg+xml"},
        ],
    }
    return HttpResponse(
        json.dumps(document, ensure_ascii=False), content_type="application/manifest+json"
    )


@require_GET
@cache_control(no_cache=True)
def service_worker(request: HttpRequest) -> HttpResponse:
    """The worker's script names the release, so a new release replaces its caches."""
    script = render_to_string(
        "themes/sw.js",
        {
            "version": json.dumps(page_cache.release()),
            "offline_url": json.dumps("/offline/"),
            "precache": json.dumps(
                ["/offline/", static("themes/sodan.css"), static("themes/sodan.js")]
            ),
            "cap": OFFLINE_THREADS,
        },
    )
    return HttpResponse(script, content_type="text/javascript; charset=utf-8")


@require_GET
def offline(request: HttpRequest) -> HttpResponse:
    """What the service worker shows for a page it could neither fetch nor find kept."""
    return render(request, "themes/offline.html")
