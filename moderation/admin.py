from django.contrib import admin

from .models import AuditLogEntry, ModeratorAppointment


@admin.register(ModeratorAppointment)
class ModeratorAppointmentAdmin(admin.ModelAdmin):
    list_display = ("user", "brand", "appointed_by", "created_at")
    raw_id_fields = ("user", "appointed_by")


@admin.register(AuditLogEntry)
class AuditLogEntryAdmin(admin.ModelAdmin):
    """Read-only for everyone: the log is append-only."""

    list_display = ("created_at", "actor", "action", "brand", "target_repr", "reason")
    list_filter = ("action", "brand")
    search_fields = ("target_repr", "reason", "actor__username")
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
