"""A refused answer from a company's SAML provider gets the sign-in error page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


class SamlRefusalMiddleware:
    """allauth's SAML views refuse an assertion whose request this browser did not start
    (replayed, or posted from elsewhere) with a bare PermissionDenied; the person sees the
    same "We could not log you in" page as for any provider, with status 401."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> Any:
        if isinstance(exception, PermissionDenied) and request.path.startswith("/accounts/saml/"):
            return render(request, "socialaccount/authentication_error.html", status=401)
        return None
