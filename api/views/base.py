"""What every API view shares: ETags on reads and the fetch-or-refuse helpers.

A read answers with an ETag computed from exactly what it sends, so a client that sends it
back in If-None-Match gets 304 with no body while nothing it can see has changed (what it
may do is part of what it sees). Answers are private to the caller.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

from django.http import HttpResponseBase
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.mixins import ListModelMixin
from rest_framework.parsers import JSONParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request

from .. import permissions, problems
from ..authentication import BearerTokenAuthentication, SiteSessionAuthentication
from ..pagination import Cursor


class ApiView(GenericAPIView):
    """The API's ways in, its scopes, JSON only, cursor pages and problem documents; set
    here rather than as REST framework's defaults, which Wagtail's own API views share."""

    authentication_classes = [BearerTokenAuthentication, SiteSessionAuthentication]
    permission_classes = [permissions.TokenScopes]
    parser_classes = [JSONParser]
    renderer_classes = [JSONRenderer]
    pagination_class = Cursor

    def get_exception_handler(self) -> Any:
        return problems.exception_handler

    def finalize_response(
        self, request: Request, response: Any, *args: Any, **kwargs: Any
    ) -> HttpResponseBase:
        response = super().finalize_response(request, response, *args, **kwargs)
        patch_vary_headers(response, ("Authorization", "Cookie", "Accept", "Accept-Language"))
        if request.method not in ("GET", "HEAD") or response.status_code != 200:
            return response
        response["Cache-Control"] = "private, no-cache"
        if not hasattr(response, "render"):
            return response
        response.render()
        etag = '"' + hashlib.sha256(response.content).hexdigest()[:32] + '"'
        response["ETag"] = etag
        return get_conditional_response(request, etag=etag, response=response)


class ApiListView(ListModelMixin, ApiView):
    """A list, a cursor page at a time (the schema documents it as one)."""


class SignedIn(IsAuthenticated):
    """For what is only ever the caller's own: their profile and notifications."""


IDEMPOTENCY_KEY = re.compile(r"[A-Za-z0-9_-]{16,64}")
IDEMPOTENCY_PARAMETER = OpenApiParameter(
    "Idempotency-Key",
    str,
    OpenApiParameter.HEADER,
    description="16 to 64 letters, digits, - or _, new for each post: the same request sent "
    "again with it (a retry after a timeout) answers 200 with the post the first one saved, "
    "and saves nothing twice.",
    pattern=r"^[A-Za-z0-9_-]{16,64}$",
)


def idempotency_key(request: Request) -> str:
    """The request's Idempotency-Key, the form's submission token of the pages (qa.services:
    a post is made once per person and token); empty without one."""
    key = request.headers.get("Idempotency-Key", "")
    if key and not IDEMPOTENCY_KEY.fullmatch(key):
        raise serializers.ValidationError(
            {"Idempotency-Key": [_("Use 16 to 64 letters, digits, - or _.")]}
        )
    return key
