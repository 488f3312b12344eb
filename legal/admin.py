from django.contrib import admin

from .models import RemovalRequest


@admin.register(RemovalRequest)
class RemovalRequestAdmin(admin.ModelAdmin):
    """Read-only: requests are filed on the public form and decided in the queue."""

    list_display = ("pk", "brand", "right", "created_at", "due_at", "decision", "decided_at")
    list_filter = ("right", "decision")
    date_hierarchy = "created_at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
