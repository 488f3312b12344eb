"""The company sign-in's two needs around allauth's views: the browser may leave for the
brand's identity provider, and a refused SAML answer gets the sign-in error page."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from . import selectors
from .models import BrandSignOn

# allauth's "Continue" page of a brand's provider: /accounts/oidc/sso-<slug>/login/ or
# /accounts/saml/<slug>/login/.
_LOGIN_PAGE = re.compile(r"^/accounts/(?:oidc/(sso-[^/]+)|saml/([^/]+))/login/$")


def _provider_origin(sign_on: BrandSignOn) -> str:
    if sign_on.protocol == BrandSignOn.Protocol.OIDC:
        address = sign_on.issuer
    else:
        idp = (sign_on.app.settings or {}).get("idp", {}) if sign_on.app else {}
        address = idp.get("sso_url") or idp.get("metadata_url") or ""
    parts = urlsplit(address)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


class SignOnMiddleware:
    """- The "Continue" form of a brand's provider posts to Sodan, which redirects to the
      company's provider: the page's Content-Security-Policy lets that one origin be the
      form's destination (form-action), as settings do for LINE, Google and the others.
    - allauth's SAML views refuse an assertion whose request this browser did not start
      (replayed, or posted from elsewhere) with a bare PermissionDenied: the person sees the
      same "We could not log you in" page as for any provider, with status 401."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        match = _LOGIN_PAGE.match(request.path)
        if match:
            oidc_id, saml_slug = match.groups()
            sign_on = (
                selectors.sign_on_for_provider(oidc_id)
                if oidc_id
                else selectors.sign_on_for_provider(f"sso-{saml_slug}")
            )
            origin = _provider_origin(sign_on) if sign_on else ""
            if origin:
                response._csp_update = {"form-action": [origin]}  # read by django-csp
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> Any:
        if isinstance(exception, PermissionDenied) and request.path.startswith("/accounts/saml/"):
            return render(request, "socialaccount/authentication_error.html", status=401)
        return None
