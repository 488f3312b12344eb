"""A brand team's resources: the rep inbox and feedback items."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers as drf_serializers
from rest_framework.request import Request
from rest_framework.response import Response

from brands import permissions as brand_permissions
from brands import selectors as brand_selectors
from feedback import permissions as feedback_permissions
from feedback import selectors as feedback_selectors
from feedback.models import FeedbackItem
from feedback.services import items as feedback_services
from qa.models import Thread

from .. import permissions, serializers
from .base import ApiListView, ApiView


class InboxFilters(drf_serializers.Serializer):
    tab = drf_serializers.ChoiceField(
        choices=list(brand_selectors.INBOX_TABS), required=False, default="unowned"
    )
    product = drf_serializers.SlugField(required=False, allow_blank=True, max_length=100)
    type = drf_serializers.ChoiceField(choices=Thread.Type.choices, required=False)


@extend_schema(parameters=[InboxFilters])
class Inbox(ApiListView):
    """The rep inbox's tabs: unowned, mine, awaiting an official response, recently solved."""

    serializer_class = serializers.InboxThreadOut

    def get(self, request: Request, slug: str) -> Response:
        brand = permissions.access_brand(request, slug)
        brand_permissions.check_can_read_inbox(request.user, brand)
        filters = InboxFilters(data=request.query_params)
        filters.is_valid(raise_exception=True)
        chosen, now = filters.validated_data, timezone.now()
        threads = brand_selectors.inbox_threads(
            brand=brand,
            user=request.user,
            tab=chosen.get("tab") or "unowned",
            product_slug=chosen.get("product", ""),
            type=chosen.get("type", ""),
            now=now,
        )
        page = self.paginate_queryset(threads)
        for thread in page:
            thread.brand = brand  # the rows are this brand's: no query per row for it
        brand_selectors.mark_due(page, brand=brand, now=now)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class FeedbackFilters(drf_serializers.Serializer):
    status = drf_serializers.ChoiceField(
        choices=[("open", "open"), *FeedbackItem.Status.choices], required=False
    )
    kind = drf_serializers.ChoiceField(choices=FeedbackItem.Kind.choices, required=False)
    product = drf_serializers.SlugField(required=False, allow_blank=True, max_length=100)


@extend_schema(parameters=[FeedbackFilters])
class FeedbackItems(ApiListView):
    """The brand's feedback board, newest first (its team, and staff)."""

    serializer_class = serializers.FeedbackItemOut

    def get(self, request: Request, slug: str) -> Response:
        brand = permissions.access_brand(request, slug)
        feedback_permissions.check_can_read_feedback(request.user, brand)
        filters = FeedbackFilters(data=request.query_params)
        filters.is_valid(raise_exception=True)
        chosen = filters.validated_data
        items = feedback_selectors.board_items(
            brand=brand,
            sort="newest",
            status=chosen.get("status", ""),
            kind=chosen.get("kind", ""),
            product_slug=chosen.get("product", ""),
        )
        page = self.paginate_queryset(items)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class FeedbackItemDetail(ApiView):
    serializer_class = serializers.FeedbackItemOut

    def get(self, request: Request, pk: int) -> Response:
        return Response(self.get_serializer(permissions.access_feedback_item(request, pk)).data)


class FeedbackItemStatus(ApiView):
    """Move the item along its pipeline (declining needs a reason customers will read)."""

    serializer_class = serializers.FeedbackItemOut

    @extend_schema(
        request=serializers.FeedbackStatusIn, responses={200: serializers.FeedbackItemOut}
    )
    def post(self, request: Request, pk: int) -> Response:
        item = permissions.access_feedback_item(request, pk)
        data = serializers.FeedbackStatusIn(data=request.data)
        data.is_valid(raise_exception=True)
        feedback_services.feedback_status_set(actor=request.user, item=item, **data.validated_data)
        return Response(self.get_serializer(permissions.access_feedback_item(request, pk)).data)
