from django.contrib import admin

from .models import BrandSignOn, SignOnLink


@admin.register(BrandSignOn)
class BrandSignOnAdmin(admin.ModelAdmin):
    list_display = ("brand", "protocol", "domains", "updated_at")
    readonly_fields = ("app",)
    exclude = ("client_secret",)  # set on the brand's page, never shown again


@admin.register(SignOnLink)
class SignOnLinkAdmin(admin.ModelAdmin):
    list_display = ("user", "sign_on", "last_seen_at", "ended_at")
    list_filter = ("ended_at",)
    readonly_fields = ("refresh_token",)
