"""Who may do what with removal requests. Anyone files one (a rate limit, not an account,
keeps abuse down); the post's brand's neutral moderators decide it (moderation's rule:
nobody who works for the brand); the post's author reads it and responds."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from moderation import permissions as moderation_permissions

if TYPE_CHECKING:
    from .models import RemovalRequest


def decide_refusal(user: Any, request: RemovalRequest) -> str | None:
    """Why this person may not decide the request; None if they may."""
    if request.brand is None:
        if getattr(user, "is_staff", False):
            return None
        return _("The post's brand no longer exists: only staff can decide this request.")
    return moderation_permissions.moderation_refusal(user, request.brand)


def check_can_decide(user: Any, request: RemovalRequest) -> None:
    reason = decide_refusal(user, request)
    if reason:
        raise PermissionDenied(reason)


def check_can_respond(user: Any, request: RemovalRequest) -> None:
    """The author of the post named in the request answers it, until it is decided."""
    post = request.post
    if post is None or not getattr(user, "is_authenticated", False) or post.author_id != user.pk:
        raise PermissionDenied(_("Only the author of the post can respond to this request."))


def check_can_see_removal_queue(user: Any) -> None:
    moderation_permissions.check_can_see_queue(user)


def access_removal_request(viewer: Any, pk: int) -> RemovalRequest:
    """A request for the neutral moderators of its post's brand (404 if unknown, 403)."""
    from .models import RemovalRequest

    request = get_object_or_404(
        RemovalRequest.objects.select_related(
            "brand", "thread__author", "answer__author", "answer__thread", "decided_by"
        ),
        pk=pk,
    )
    check_can_decide(viewer, request)
    return request


def access_removal_request_to_respond(viewer: Any, pk: int) -> RemovalRequest:
    """A request about one of the viewer's posts (404 if unknown, 403 for anyone else)."""
    from .models import RemovalRequest

    request = get_object_or_404(
        RemovalRequest.objects.select_related("brand", "thread", "answer__thread"), pk=pk
    )
    check_can_respond(viewer, request)
    return request
