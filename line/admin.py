from django.contrib import admin

from .models import LineEvent, LinePush, LineRelay


@admin.register(LineEvent)
class LineEventAdmin(admin.ModelAdmin):
    list_display = ("received_at", "brand", "type", "state")
    list_filter = ("state", "type")
    readonly_fields = ("brand", "request", "webhook_event_id", "type", "line_user_id", "payload")


@admin.register(LinePush)
class LinePushAdmin(admin.ModelAdmin):
    list_display = ("created_at", "brand", "state", "attempts", "last_error")
    list_filter = ("state",)
    exclude = ("text",)


@admin.register(LineRelay)
class LineRelayAdmin(admin.ModelAdmin):
    list_display = ("created_at", "brand", "state", "attempts", "last_error")
    list_filter = ("state",)
    exclude = ("body",)
