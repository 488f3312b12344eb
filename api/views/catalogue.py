"""Brands, their products and releases, and a brand's threads (list and ask)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers as drf_serializers
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from brands.models import Brand, Product, ProductVersion
from qa import selectors as qa_selectors
from qa import services as qa_services
from qa.models import Thread

from .. import permissions, serializers
from .base import IDEMPOTENCY_PARAMETER, ApiListView, ApiView, idempotency_key
from .threads import already_saved, thread_document


class BrandList(ApiListView):
    """Every brand; a brand API key sees its own."""

    serializer_class = serializers.BrandOut
    ordering = ("id",)

    def get_queryset(self) -> Any:
        brands = Brand.objects.order_by("id")
        own = permissions.key_brand_id(self.request)
        return brands.filter(pk=own) if own else brands

    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class BrandDetail(ApiView):
    serializer_class = serializers.BrandOut

    def get(self, request: Request, slug: str) -> Response:
        return Response(self.get_serializer(permissions.access_brand(request, slug)).data)


class ProductList(ApiView):
    """The brand's products, each with its published releases, newest first."""

    serializer_class = serializers.ProductOut
    pagination_class = None

    @extend_schema(responses={200: serializers.ProductOut(many=True)})
    def get(self, request: Request, slug: str) -> Response:
        brand = permissions.access_brand(request, slug)
        products = Product.objects.for_brand(brand).prefetch_related(
            Prefetch(
                "versions",
                queryset=ProductVersion.objects.released().order_by("-released_at", "-id"),
                to_attr="released_versions",
            )
        )
        return Response(self.get_serializer(products, many=True).data)


class ThreadFilters(drf_serializers.Serializer):
    """The brand page's filters, with its words."""

    product = drf_serializers.SlugField(required=False, allow_blank=True, max_length=100)
    type = drf_serializers.ChoiceField(choices=Thread.Type.choices, required=False)
    status = drf_serializers.ChoiceField(choices=Thread.Status.choices, required=False)
    sort = drf_serializers.ChoiceField(
        choices=["newest", "me_too", "unanswered"], required=False, default="newest"
    )


@extend_schema(parameters=[ThreadFilters])
class BrandThreads(ApiListView):
    serializer_class = serializers.ThreadOut

    def get(self, request: Request, slug: str) -> Response:
        brand = permissions.access_brand(request, slug)
        filters = ThreadFilters(data=request.query_params)
        filters.is_valid(raise_exception=True)
        chosen = filters.validated_data
        threads = qa_selectors.brand_threads(
            brand=brand,
            user=request.user,
            product_slug=chosen.get("product", ""),
            type=chosen.get("type", ""),
            status=chosen.get("status", ""),
            sort=chosen.get("sort") or "newest",
        )
        page = self.paginate_queryset(threads)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        request=serializers.ThreadCreateIn,
        parameters=[IDEMPOTENCY_PARAMETER],
        responses={201: serializers.ThreadDetailOut, 200: serializers.ThreadDetailOut},
    )
    def post(self, request: Request, slug: str) -> Response:
        brand = permissions.access_brand(request, slug)
        key = idempotency_key(request)
        data = _valid(serializers.ThreadCreateIn, request)
        product, version = _product_and_version(brand, data)
        try:
            thread = qa_services.thread_create(
                author=request.user,
                brand=brand,
                title=data["title"],
                body=data["body"],
                type=data["type"],
                product=product,
                version=version,
                submission_token=key,
                channel=Thread.Channel.API,
            )
        except qa_services.AlreadySubmitted as saved:
            return already_saved(request, saved)
        return Response(thread_document(request, thread.pk), status=status.HTTP_201_CREATED)


def _valid(serializer_class: Any, request: Request, **kwargs: Any) -> dict:
    serializer = serializer_class(data=request.data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _product_and_version(brand: Brand, data: dict) -> tuple[Product | None, ProductVersion | None]:
    """The brand's product named by slug and its release named by name (the service checks
    that they belong together and that the release is published)."""
    product = version = None
    if data.get("product"):
        product = Product.objects.for_brand(brand).filter(slug=data["product"]).first()
        if product is None:
            raise ValidationError(
                {"product": [_("%(brand)s has no such product.") % {"brand": brand.name}]}
            )
    if data.get("version"):
        if product is None:
            raise ValidationError({"version": [_("Name the product the release belongs to.")]})
        version = ProductVersion.objects.filter(product=product, name=data["version"]).first()
        if version is None:
            raise ValidationError({"version": [_("That product has no such release.")]})
    return product, version
