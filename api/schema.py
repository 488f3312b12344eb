"""The OpenAPI document: only /api/v1/, the two ways to authenticate, and the problem
documents every operation may answer with."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from rest_framework import serializers

from .problems import CONTENT_TYPE

PREFIX = "/api/v1/"


def only_v1(endpoints: list[tuple], **kwargs: Any) -> list[tuple]:
    """Preprocessing hook: the site has other DRF views (Wagtail's admin); document ours."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith(PREFIX)]


class Problem(serializers.Serializer):
    """RFC 9457 problem details."""

    type = serializers.CharField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()), required=False
    )
    scope = serializers.CharField(required=False)
    limit = serializers.IntegerField(required=False)
    size = serializers.IntegerField(required=False)
    retry_after = serializers.IntegerField(required=False)
    action = serializers.CharField(required=False)
    current_revision = serializers.DictField(required=False)


PROBLEM_STATUSES = {
    "400": "The request is not valid: `errors` names each field.",
    "401": "No valid token: unknown, revoked or expired.",
    "403": "Not allowed: the reason, the missing `scope`, or another brand's key.",
    "404": "Nothing here, or nothing the caller may see.",
    "405": "Method not allowed.",
    "406": "Not acceptable.",
    "409": "An edit saved meanwhile (`current_revision`).",
    "413": "The body is over the `limit`.",
    "415": "Send application/json.",
    "429": "Over a rate limit; retry after `Retry-After` seconds.",
}


class ApiAutoSchema(AutoSchema):
    def get_operation(self, *args: Any, **kwargs: Any) -> dict | None:
        operation = super().get_operation(*args, **kwargs)
        if operation is None:
            return None
        problem_ref = self.resolve_serializer(Problem, "response").ref
        responses = operation.setdefault("responses", {})
        for code, description in PROBLEM_STATUSES.items():
            responses.setdefault(
                code,
                {"description": description, "content": {CONTENT_TYPE: {"schema": problem_ref}}},
            )
        return operation


class BearerScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.BearerTokenAuthentication"
    name = "token"

    def get_security_definition(self, auto_schema: Any) -> dict:
        return build_bearer_security_scheme_object(
            header_name="Authorization",
            token_prefix="Bearer",  # noqa: S106
        )


class SessionScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.SiteSessionAuthentication"
    name = "session"

    def get_security_definition(self, auto_schema: Any) -> dict:
        return {"type": "apiKey", "in": "cookie", "name": "sessionid"}
