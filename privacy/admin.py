from django.contrib import admin

from .models import DataExport, DisclosureRequest


@admin.register(DataExport)
class DataExportAdmin(admin.ModelAdmin):
    """Exports' states only: the file is its owner's to download, from their page."""

    list_display = ("pk", "user", "status", "requested_at", "expires_at")
    list_filter = ("status",)
    readonly_fields = ("user", "status", "requested_at", "ready_at", "expires_at")
    exclude = ("file",)


@admin.register(DisclosureRequest)
class DisclosureRequestAdmin(admin.ModelAdmin):
    list_display = ("pk", "brand", "created_at", "due_at", "answered_at")
    list_filter = ("brand",)
    raw_id_fields = ("requester", "answered_by")
