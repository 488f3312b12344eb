"""Django admin for staff: brand themes, domains, widget web sites and editors groups.

Changes that matter to visitors go through themes.services (the actions below), never
through a raw edit of the published fields.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from . import services
from .models import BrandDomain, BrandEditors, BrandTheme, WidgetOrigin


@admin.register(BrandTheme)
class BrandThemeAdmin(admin.ModelAdmin):
    list_display = ["brand", "published_at", "published_by", "updated_at"]
    search_fields = ["brand__name"]
    readonly_fields = [
        "published_logo",
        "published_accent_colour",
        "published_background_colour",
        "published_text_colour",
        "published_font",
        "published_header_links",
        "published_footer_text",
        "published_at",
        "published_by",
        "updated_by",
    ]
    actions = ["publish", "sync_editors"]

    @admin.action(description=_("Publish the draft look"))
    def publish(self, request: HttpRequest, queryset: QuerySet[BrandTheme]) -> None:
        for theme in queryset.select_related("brand"):
            services.theme_publish(actor=request.user, brand=theme.brand)
        messages.success(request, _("Published."))

    @admin.action(description=_("Give the brands' admins their Wagtail page access"))
    def sync_editors(self, request: HttpRequest, queryset: QuerySet[BrandTheme]) -> None:
        for theme in queryset.select_related("brand"):
            services.brand_editors_sync(theme.brand)
        messages.success(request, _("Editors synchronised."))


@admin.register(BrandDomain)
class BrandDomainAdmin(admin.ModelAdmin):
    list_display = ["hostname", "brand", "status", "verified_at", "last_checked_at"]
    list_filter = ["status"]
    search_fields = ["hostname", "brand__name"]
    readonly_fields = ["token", "status", "verified_at", "last_checked_at", "last_error"]
    actions = ["check_now"]

    @admin.action(description=_("Look the DNS record up now"))
    def check_now(self, request: HttpRequest, queryset: QuerySet[BrandDomain]) -> None:
        for domain in queryset.select_related("brand"):
            services.domain_check_request(actor=request.user, domain=domain)
        messages.info(request, _("Checks queued."))


@admin.register(WidgetOrigin)
class WidgetOriginAdmin(admin.ModelAdmin):
    list_display = ["origin", "brand", "created_at", "created_by"]
    search_fields = ["origin", "brand__name"]


@admin.register(BrandEditors)
class BrandEditorsAdmin(admin.ModelAdmin):
    list_display = ["group", "brand", "collection"]
    actions = ["sync"]

    @admin.action(description=_("Make the group's members the brand's current admins"))
    def sync(self, request: HttpRequest, queryset: QuerySet[BrandEditors]) -> None:
        for editors in queryset.select_related("brand").filter(brand__isnull=False):
            services.brand_editors_sync(editors.brand)
        messages.success(request, _("Editors synchronised."))
