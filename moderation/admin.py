from django.contrib import admin

from .models import ModeratorAppointment


@admin.register(ModeratorAppointment)
class ModeratorAppointmentAdmin(admin.ModelAdmin):
    list_display = ("user", "brand", "appointed_by", "created_at")
    raw_id_fields = ("user", "appointed_by")
