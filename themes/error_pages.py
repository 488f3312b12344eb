"""Sodan's own error pages: 404, 403 and 500, translated, in the brand's look on a brand's
domain, with the header's search.

With DEBUG off Django renders 404.html and 403.html itself and calls `server_error` (the
root URLconfs' handler500). With DEBUG on (the demo, a newcomer's machine) Django would show
its yellow debug pages instead; `OwnErrorPagesMiddleware` answers with Sodan's pages there
too while SODAN_OWN_ERROR_PAGES is on (the default), writing the traceback to the log. Set
it off while developing to get Django's debug pages back.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseServerError
from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views import defaults

logger = logging.getLogger("django.request")

# Addresses whose errors are not pages: the API answers problem documents, and the admins
# keep Django's and Wagtail's own.
NOT_PAGES = ("/api/", "/admin/", "/django-admin/")


def server_error(request: HttpRequest) -> HttpResponse:
    """The 500 page, rendered with the request (language, brand look, search field); if that
    itself fails, the same page without them, so an error page never errs."""
    try:
        return HttpResponseServerError(render_to_string("500.html", request=request))
    except Exception:
        logger.exception("The 500 page could not be rendered with its request")
    try:
        return HttpResponseServerError(render_to_string("500.html"))
    except Exception:
        return HttpResponseServerError(
            format_html(
                "<!doctype html><title>500</title><h1>{}</h1>",
                _("Something went wrong on our side"),
            )
        )


class OwnErrorPagesMiddleware:
    """With DEBUG on, a view's Http404, PermissionDenied or error gets Sodan's page rather
    than Django's debug page (see the module's docstring). With DEBUG off it does nothing:
    Django already uses the same templates and handler."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not (settings.DEBUG and settings.SODAN_OWN_ERROR_PAGES):
            return None
        if request.path.startswith(NOT_PAGES):
            return None
        if isinstance(exception, Http404):
            return defaults.page_not_found(request, exception)
        if isinstance(exception, PermissionDenied):
            return defaults.permission_denied(request, exception)
        if isinstance(exception, BadRequest | SuspiciousOperation):
            return None  # Django's own 400, the same with DEBUG on or off
        logger.error(
            "Internal Server Error: %s",
            request.path,
            exc_info=exception,
            extra={"request": request},
        )
        return server_error(request)
