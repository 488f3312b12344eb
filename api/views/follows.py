"""Follow, mute and unfollow a thread, a product or a brand: the follows app's services,
with their rule (follows.permissions.check_can_follow)."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from brands.models import Product
from follows import permissions as follow_permissions
from follows import selectors as follow_selectors
from follows import services as follow_services
from qa.models import Thread

from .. import permissions
from ..serializers import StrictInput
from .base import ApiView


class FollowIn(StrictInput):
    muted = serializers.BooleanField(
        default=False, help_text="true mutes: nothing more from it, even as its asker."
    )


class FollowOut(serializers.Serializer):
    state = serializers.ChoiceField(
        choices=["", "following", "muted"], help_text='"" when the caller does not follow it.'
    )


def _state(user: Any, target: Any) -> str:
    if isinstance(target, Thread):
        return follow_selectors.follow_state(user, target)
    if isinstance(target, Product):
        row = follow_selectors.follow_of(user, product=target)
    else:
        row = follow_selectors.follow_of(user, brand=target)
    if row is None:
        return ""
    return "muted" if row.muted else "following"


class _Follow(ApiView):
    serializer_class = FollowOut

    def target(self, request: Request, **kwargs: Any) -> Any:
        raise NotImplementedError

    @extend_schema(responses={200: FollowOut})
    def get(self, request: Request, **kwargs: Any) -> Response:
        target = self.target(request, **kwargs)
        follow_permissions.check_can_follow(request.user, target)
        return Response({"state": _state(request.user, target)})

    @extend_schema(request=FollowIn, responses={200: FollowOut})
    def put(self, request: Request, **kwargs: Any) -> Response:
        target = self.target(request, **kwargs)
        data = FollowIn(data=request.data)
        data.is_valid(raise_exception=True)
        change = follow_services.mute if data.validated_data["muted"] else follow_services.follow
        change(user=request.user, target=target)
        return Response({"state": _state(request.user, target)})

    @extend_schema(request=None, responses={200: FollowOut})
    def delete(self, request: Request, **kwargs: Any) -> Response:
        target = self.target(request, **kwargs)
        follow_services.unfollow(user=request.user, target=target)
        return Response({"state": _state(request.user, target)})


class ThreadFollow(_Follow):
    """The caller's follow of a thread: PUT follows (or mutes), DELETE unfollows."""

    def target(self, request: Request, **kwargs: Any) -> Any:
        return permissions.access_thread(request, kwargs["pk"])


class BrandFollow(_Follow):
    """The caller's follow of a whole brand: new threads there are news for them."""

    def target(self, request: Request, **kwargs: Any) -> Any:
        return permissions.access_brand(request, kwargs["slug"])


class ProductFollow(_Follow):
    """The caller's follow of one product of a brand."""

    def target(self, request: Request, **kwargs: Any) -> Any:
        brand = permissions.access_brand(request, kwargs["slug"])
        return get_object_or_404(Product, brand=brand, slug=kwargs["product_slug"])
