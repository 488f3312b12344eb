"""Who may hold and manage the API's credentials, and what a credential may reach.

The API adds no rule of its own to what a person may do: every resource calls the same
`qa`, `brands` and `feedback` checks as the pages. What is the API's own: a token's scopes
(read for reading, write for writing) and a brand API key's one brand.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.permissions import SAFE_METHODS, BasePermission

from brands import permissions as brand_permissions
from brands.models import Brand
from feedback import permissions as feedback_permissions
from feedback.models import FeedbackItem
from qa.models import Answer, Thread

from .models import BrandApiKey, Credential, Scope

if TYPE_CHECKING:
    from .models import PersonalAccessToken


def check_can_have_token(user: Any) -> None:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        raise PermissionDenied(_("Sign in to make a personal access token."))
    if hasattr(user, "brand_api_key"):
        raise PermissionDenied(_("An integration member acts only through its brand's key."))


def check_can_revoke_token(user: Any, token: PersonalAccessToken) -> None:
    """A personal access token is revoked by the person whose token it is."""
    if token.user_id != getattr(user, "pk", None):
        raise PermissionDenied(_("Only the person whose token it is can revoke it."))


def check_can_manage_api_keys(user: Any, brand: Brand) -> None:
    """Brand API keys are the brand's settings: its admins, or staff (as for the team)."""
    brand_permissions.check_can_manage_team(user, brand)


def can_manage_api_keys(user: Any, brand: Brand) -> bool:
    try:
        check_can_manage_api_keys(user, brand)
    except PermissionDenied:
        return False
    return True


class MissingScope(exceptions.PermissionDenied):
    """403 that names the scope the token lacks (problem details carry it as `scope`)."""

    def __init__(self, scope: str) -> None:
        self.scope = scope
        super().__init__(
            _("This token does not have the “%(scope)s” scope; make one that has it.")
            % {"scope": scope}
        )


class TokenScopes(BasePermission):
    """Reads need the read scope, writes the write scope. Anyone may read what is public;
    writing needs a caller (401 otherwise). The site's session has every scope."""

    def has_permission(self, request: Any, view: Any) -> bool:
        safe = request.method in SAFE_METHODS
        if not safe and not getattr(request.user, "is_authenticated", False):
            raise exceptions.NotAuthenticated(
                _("Send a token (Authorization: Bearer <token>) to change anything.")
            )
        credential = request.auth
        if isinstance(credential, Credential):
            scope = Scope.READ if safe else Scope.WRITE
            if not credential.has_scope(scope):
                raise MissingScope(scope)
        return True


def check_key_reaches(request: Any, brand: Brand) -> None:
    """A brand API key reaches its own brand and no other (403 with the reason)."""
    credential = getattr(request, "auth", None)
    if isinstance(credential, BrandApiKey) and credential.brand_id != brand.pk:
        raise PermissionDenied(
            _("This key belongs to %(own)s; it cannot reach %(other)s.")
            % {"own": credential.brand.name, "other": brand.name}
        )


def key_brand_id(request: Any) -> int | None:
    credential = getattr(request, "auth", None)
    return credential.brand_id if isinstance(credential, BrandApiKey) else None


# --- Fetch or refuse ------------------------------------------------------------------


def access_brand(request: Any, slug: str) -> Brand:
    brand = get_object_or_404(Brand, slug=slug)
    check_key_reaches(request, brand)
    return brand


def access_thread(request: Any, pk: int) -> Thread:
    """A thread the caller may see (404 otherwise), in a brand their key reaches (403)."""
    thread = get_object_or_404(
        Thread.objects.visible_to(request.user).select_related(
            "brand", "product", "version", "author"
        ),
        pk=pk,
    )
    check_key_reaches(request, thread.brand)
    return thread


def access_answer(request: Any, pk: int) -> Answer:
    answer = (
        Answer.objects.visible_to(request.user)
        .filter(pk=pk, thread__in=Thread.objects.visible_to(request.user))
        .select_related("thread__brand", "author")
        .first()
    )
    if answer is None:
        raise Http404
    check_key_reaches(request, answer.thread.brand)
    return answer


def access_feedback_item(request: Any, pk: int) -> FeedbackItem:
    """The item with its board counts, for its brand's team (403 with the reason), in a
    brand the key reaches."""
    from feedback import selectors as feedback_selectors

    found = FeedbackItem.objects.select_related("brand").filter(pk=pk).first()
    if found is None:
        raise Http404
    check_key_reaches(request, found.brand)
    feedback_permissions.check_can_read_feedback(request.user, found.brand)
    return feedback_selectors.item_for_brand(found.brand, pk)
