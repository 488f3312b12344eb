"""Request-level guards."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from functools import lru_cache

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject, CSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.core.exceptions import BadRequest
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
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


# Stands in for the request's nonce in a policy built once per process: random, so no
# setting can hold it; a nonce is base64, so the mark is never part of one.
_NONCE_MARK = f"sodan-csp-nonce-{secrets.token_hex(8)}"
# What a view or middleware may set on a response to change its policy (django-csp).
_RESPONSE_POLICY = (
    "_csp_config",
    "_csp_update",
    "_csp_replace",
    "_csp_config_ro",
    "_csp_update_ro",
    "_csp_replace_ro",
)


@lru_cache(maxsize=4)
def _policy(with_nonce: bool, report_only: bool) -> str:
    """django-csp's policy from the settings, with the nonce's mark where the nonce goes."""
    return build_policy(nonce=_NONCE_MARK if with_nonce else None, report_only=report_only)


@receiver(setting_changed)
def _forget_policies(**kwargs: object) -> None:
    """A setting changed (tests only: settings are fixed while serving)."""
    _policy.cache_clear()


class SettingsPolicyCSPMiddleware(CSPMiddleware):
    """django-csp's middleware, with the policy of the settings built once per process and
    the request's nonce put in; building it (the directives copied, sorted and joined, per
    response) cost about a tenth of a millisecond on every page, a cached one included. A
    response that changes its own policy (`_csp_update` and the like) gets django-csp's
    own handling; the headers are the same either way (tests/community)."""

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        if settings.DEBUG or any(hasattr(response, name) for name in _RESPONSE_POLICY):
            return super().process_response(request, response)
        nonce = getattr(request, "_csp_nonce", None)
        for header, report_only, setting in (
            (HEADER, False, "CONTENT_SECURITY_POLICY"),
            (HEADER_REPORT_ONLY, True, "CONTENT_SECURITY_POLICY_REPORT_ONLY"),
        ):
            policy = _policy(bool(nonce), report_only)
            if not policy or header in response:
                continue
            suffix = "_ro" if report_only else ""
            if getattr(response, f"_csp_exempt{suffix}", False) is not False:
                continue
            prefixes = (getattr(settings, setting, None) or {}).get("EXCLUDE_URL_PREFIXES") or ()
            if request.path_info.startswith(tuple(prefixes)):
                continue
            response[header] = policy.replace(_NONCE_MARK, nonce) if nonce else policy
        if nonce is None:
            request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response
