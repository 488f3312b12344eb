"""Every refusal of the API as an RFC 9457 problem document (application/problem+json).

`type` names the kind of problem (a reference relative to the API), `title` says it in a
few words, `status` repeats the HTTP status, `detail` is the sentence the site shows a
person in the same case, and `errors` maps each field to what is wrong with it. The
services' own exceptions are read here: PermissionDenied → 403 with its reason,
ValidationError → 400 naming the fields, an edit conflict → 409 with the version saved
meanwhile, a rate limit → 429 with Retry-After.

https://www.rfc-editor.org/rfc/rfc9457
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions
from rest_framework.response import Response

from moderation.ratelimit import RateLimited
from qa.services import EditConflict

CONTENT_TYPE = "application/problem+json"
TYPE_BASE = "/api/v1/problems/"

TITLES = {
    400: gettext_lazy("The request is not valid"),
    401: gettext_lazy("Authentication needed"),
    403: gettext_lazy("Not allowed"),
    404: gettext_lazy("Not found"),
    405: gettext_lazy("Method not allowed"),
    406: gettext_lazy("Not acceptable"),
    409: gettext_lazy("Conflict"),
    413: gettext_lazy("Request too large"),
    415: gettext_lazy("Unsupported media type"),
    429: gettext_lazy("Too many requests"),
}


def problem(status_code: int, kind: str, detail: str, **extra: Any) -> dict[str, Any]:
    return {
        "type": TYPE_BASE + kind,
        "title": str(TITLES.get(status_code, _("Error"))),
        "status": status_code,
        "detail": str(detail),
        **extra,
    }


def _field_errors(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error details flattened to {"field" or "field.sub": [messages]}."""
    found: dict[str, list[str]] = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            for field, messages in _field_errors(value, name).items():
                found.setdefault(field, []).extend(messages)
    elif isinstance(detail, list):
        for index, value in enumerate(detail):
            if isinstance(value, dict | list):
                name = f"{prefix}.{index}" if prefix else str(index)
                found.update(_field_errors(value, name))
            else:
                found.setdefault(prefix or "non_field_errors", []).append(str(value))
    else:
        found.setdefault(prefix or "non_field_errors", []).append(str(detail))
    return found


def _validation_detail(errors: dict[str, list[str]]) -> str:
    fields = [field for field in errors if field != "non_field_errors"]
    if not fields:
        return "; ".join(errors.get("non_field_errors", [])) or _("The request is not valid.")
    first = fields[0]
    return _("%(field)s: %(message)s") % {"field": first, "message": errors[first][0]}


def response(data: dict[str, Any], *, headers: dict[str, str] | None = None) -> Response:
    return Response(data, status=data["status"], headers=headers, content_type=CONTENT_TYPE)


def exception_handler(exc: Exception, context: dict) -> Response | None:
    if isinstance(exc, EditConflict):
        revision = exc.revision
        return response(
            problem(
                409,
                "edit-conflict",
                str(exc),
                current_revision={
                    "number": revision.number,
                    "title": revision.title,
                    "body": revision.body,
                    "editor": revision.editor.username,
                    "saved_at": revision.created_at.isoformat(),
                },
            )
        )
    if isinstance(exc, RateLimited):
        return response(
            problem(
                429, "rate-limited", exc.message, action=exc.action, retry_after=exc.retry_after
            ),
            headers={"Retry-After": str(exc.retry_after)},
        )
    if isinstance(exc, DjangoValidationError):
        errors = (
            {field: [str(m) for m in messages] for field, messages in exc.message_dict.items()}
            if hasattr(exc, "error_dict")
            else {"non_field_errors": [str(m) for m in exc.messages]}
        )
        return response(problem(400, "validation", _validation_detail(errors), errors=errors))
    if isinstance(exc, DjangoPermissionDenied):
        return response(problem(403, "forbidden", str(exc) or _("You may not do this.")))
    if isinstance(exc, Http404):
        return response(problem(404, "not-found", _("There is nothing here, or not for you.")))
    if isinstance(exc, RequestDataTooBig):
        return response(too_large_problem(None))
    if not isinstance(exc, exceptions.APIException):
        return None
    headers: dict[str, str] = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None):
        headers["Retry-After"] = str(int(exc.wait))
    code = exc.status_code
    if isinstance(exc, exceptions.ValidationError):
        errors = _field_errors(exc.detail)
        return response(problem(400, "validation", _validation_detail(errors), errors=errors))
    if isinstance(exc, exceptions.ParseError):
        return response(
            problem(400, "malformed", str(exc.detail), errors={"body": [str(exc.detail)]})
        )
    extra: dict[str, Any] = {}
    if getattr(exc, "scope", None):
        extra["scope"] = exc.scope
    kind = {
        401: "unauthenticated",
        403: "missing-scope" if "scope" in extra else "forbidden",
        404: "not-found",
        405: "method-not-allowed",
        406: "not-acceptable",
        415: "unsupported-media-type",
        429: "rate-limited",
    }.get(code, "error")
    detail = exc.detail if isinstance(exc.detail, str) else _("The request is not valid.")
    return response(problem(code, kind, detail, **extra), headers=headers)


def too_large_problem(length: int | None) -> dict[str, Any]:
    limit = settings.SODAN_MAX_REQUEST_BYTES
    return problem(
        413,
        "too-large",
        _("The request body may have up to %(limit)s bytes; send less.") % {"limit": f"{limit:,}"},
        limit=limit,
        **({"size": length} if length is not None else {}),
    )


def too_large_response(length: int | None) -> HttpResponse:
    """For the request-size guard, which answers before the API's views are reached."""
    return JsonResponse(too_large_problem(length), status=413, content_type=CONTENT_TYPE)
