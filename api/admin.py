from django.contrib import admin

from .models import BrandApiKey, PersonalAccessToken


@admin.register(PersonalAccessToken)
class PersonalAccessTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "prefix", "user", "scopes", "expires_at", "revoked_at"]
    readonly_fields = ["token_hash", "prefix", "last_used_at"]
    raw_id_fields = ["user"]


@admin.register(BrandApiKey)
class BrandApiKeyAdmin(admin.ModelAdmin):
    list_display = ["name", "prefix", "brand", "integration_user", "scopes", "revoked_at"]
    readonly_fields = ["token_hash", "prefix", "last_used_at"]
    raw_id_fields = ["integration_user", "created_by"]
