"""Turn a RateLimited refusal that no view handled into a 429 that says when to retry."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

from .ratelimit import RateLimited


class RateLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, RateLimited):
            return None
        body = render_to_string("429.html", {"message": exception.message}, request=request)
        response = HttpResponse(body, status=429)
        response["Retry-After"] = str(exception.retry_after)
        return response
