"""Request-level guards."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import BadRequest
from django.http import Http404, HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _


class RequestBodyLimitMiddleware:
    """Refuse an oversized request body up front with 413 and the limit named.

    Django would otherwise raise RequestDataTooBig deep in form parsing and answer with
    a bare 400; a person who pasted a huge log deserves to know the limit.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = settings.SODAN_MAX_REQUEST_BYTES
        if length > limit:
            if request.path_info.startswith("/api/"):
                # The API's clients read problem documents, not pages (api/problems.py).
                from api.problems import too_large_response

                return too_large_response(length)
            message = _(
                "What you sent is %(size)s KB; the limit is %(limit)s KB. Shorten the text "
                "(posts may have up to %(chars)s characters) and send it again."
            ) % {
                "size": f"{length // 1024:,}",
                "limit": f"{limit // 1024:,}",
                "chars": f"{settings.SODAN_MAX_BODY_CHARS:,}",
            }
            body = render_to_string("413.html", {"message": message}, request=None)
            return HttpResponse(body, status=413)
        return self.get_response(request)


class NulCharacterMiddleware:
    """Answer 404 for an address holding a NUL character and 400 for a query string
    holding one, before any view or lookup sees it.

    No page has such an address and no field takes one, while PostgreSQL refuses NUL in
    any text it is given: a profile name or a search with one used to answer 500. Listed
    after the middleware that the error pages rely on (session, user, CSP nonce) and
    before Wagtail's redirects, which look every unknown address up in the database.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path_info:
            raise Http404("NUL in the address")
        query = request.META.get("QUERY_STRING", "")
        if ("%00" in query or "\x00" in query) and any(
            "\x00" in key or any("\x00" in value for value in values)
            for key, values in request.GET.lists()
        ):
            raise BadRequest("NUL in the query string")
        return self.get_response(request)
