"""The caller's own: their profile and their notifications."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from community import services as community_services
from community.models import Notification

from .. import serializers
from ..permissions import TokenScopes
from .base import ApiListView, ApiView, SignedIn


@extend_schema(exclude=True)
class NotFound(ApiView):
    """404 as a problem document for any address under /api/v1/ that names nothing."""

    permission_classes: list = []

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        raise Http404


class Me(ApiView):
    permission_classes = [TokenScopes, SignedIn]
    serializer_class = serializers.MeOut

    def get(self, request: Request) -> Response:
        return Response(self.get_serializer(request.user).data)

    @extend_schema(request=serializers.ProfileIn, responses={200: serializers.MeOut})
    def patch(self, request: Request) -> Response:
        data = serializers.ProfileIn(data=request.data)
        data.is_valid(raise_exception=True)
        user = request.user
        current = {
            "display_name": user.display_name,
            "bio": user.bio,
            "email_notifications": user.email_notifications,
            "language": user.language,
        }
        community_services.profile_update(user=user, **(current | data.validated_data))
        return Response(self.get_serializer(user).data)


class Notifications(ApiListView):
    """The caller's notifications, newest first."""

    permission_classes = [TokenScopes, SignedIn]
    serializer_class = serializers.NotificationOut

    def get(self, request: Request) -> Response:
        notifications = (
            Notification.objects.for_recipient(request.user)
            .select_related("actor")
            .order_by("-created_at", "-id")
        )
        page = self.paginate_queryset(notifications)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class NotificationsRead(ApiView):
    """Mark the listed notifications read, or all of them without `ids`."""

    permission_classes = [TokenScopes, SignedIn]
    serializer_class = serializers.NotificationsReadOut

    @extend_schema(request=serializers.NotificationsReadIn)
    def post(self, request: Request) -> Response:
        data = serializers.NotificationsReadIn(data=request.data)
        data.is_valid(raise_exception=True)
        marked = community_services.notification_mark_read(
            user=request.user, notification_ids=data.validated_data.get("ids")
        )
        return Response({"marked": marked})
