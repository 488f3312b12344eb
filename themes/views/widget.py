"""The embeddable widget: its script, and the JSON it reads from the company's web site.

The script is the same file for every brand (it reads the brand from its own address), so
it is cached for a day. The JSON answers cross-origin requests only from web sites the
brand approved: their Origin is echoed in Access-Control-Allow-Origin, never with
credentials, and any other site gets 403 without that header, so its page cannot read it.
No cookie is set or read: the widget works with third-party cookies blocked.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified, JsonResponse
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from brands import permissions as brand_permissions

from .. import selectors
from ..links import brand_origin

WIDGET_SCRIPT = Path(__file__).resolve().parent.parent / "static" / "themes" / "widget.js"
SCRIPT_MAX_AGE = 24 * 3600
DATA_MAX_AGE = 60


@lru_cache(maxsize=1)
def _script() -> tuple[bytes, str]:
    body = WIDGET_SCRIPT.read_bytes()
    return body, '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def widget_script(request: HttpRequest, brand_slug: str) -> HttpResponse:
    brand_permissions.access_brand(request.user, brand_slug)  # 404 for a brand not here
    body, etag = _script() if not settings.DEBUG else (WIDGET_SCRIPT.read_bytes(), "")
    if etag and request.headers.get("If-None-Match") == etag:
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    if etag:
        response["ETag"] = etag
    response["Cache-Control"] = f"public, max-age={SCRIPT_MAX_AGE}"
    # Host pages that isolate themselves (COEP) may still load it.
    response["Cross-Origin-Resource-Policy"] = "cross-origin"
    return response


def _cors(response: HttpResponse, origin: str | None) -> HttpResponse:
    response["Vary"] = "Origin, Accept-Language"
    response["Cross-Origin-Resource-Policy"] = "cross-origin"
    if origin:
        response["Access-Control-Allow-Origin"] = origin
    return response


def _thread_meta(item: dict) -> str:
    answers = ngettext("%(n)s answer", "%(n)s answers", item["answers"]) % {"n": item["answers"]}
    return f"{_('Solved')} · {answers}" if item["solved"] else answers


@require_http_methods(["GET", "HEAD", "OPTIONS"])
def widget_data(request: HttpRequest, brand_slug: str) -> HttpResponse:
    brand = brand_permissions.access_brand(request.user, brand_slug)
    origin = request.headers.get("Origin")
    own = f"{request.scheme}://{request.get_host()}"
    allowed = None
    if origin and origin != own:
        if not selectors.widget_origin_allowed(brand, origin):
            refusal = JsonResponse(
                {
                    "error": _(
                        "%(origin)s is not approved to show the %(brand)s community. The "
                        "brand's admins approve web sites on its widget page."
                    )
                    % {"origin": origin, "brand": brand.name}
                },
                status=403,
            )
            return _cors(refusal, None)
        allowed = origin
    if request.method == "OPTIONS":
        response = HttpResponse(status=204)
        response["Access-Control-Allow-Methods"] = "GET, OPTIONS"
        response["Access-Control-Max-Age"] = "600"
        return _cors(response, allowed)
    data = selectors.widget_data(
        brand,
        query=request.GET.get("q", ""),
        base=brand_origin(request, brand),
        language=get_language() or settings.LANGUAGE_CODE,
    )
    for item in (*data["top_solved"], *data["results"]):
        item["meta"] = _thread_meta(item)
    data["accent"] = selectors.brand_look(brand).accent
    data["strings"] = {
        "title": _("%(brand)s community") % {"brand": brand.name},
        "search_label": _("Search the %(brand)s community") % {"brand": brand.name},
        "search_button": _("Search"),
        "top_solved": _("Top solved"),
        "results": _("Threads"),
        "articles": _("Knowledge base"),
        "no_results": _("Nothing found. Ask the community?"),
        "ask": _("Ask the community"),
        "more": _("See all results"),
        "powered": _("Powered by Sodan"),
    }
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = f"public, max-age={DATA_MAX_AGE}"
    return _cors(response, allowed)
