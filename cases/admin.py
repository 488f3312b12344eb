from django.contrib import admin

from .models import HelpdeskUpdate


@admin.register(HelpdeskUpdate)
class HelpdeskUpdateAdmin(admin.ModelAdmin):
    """The helpdesk's requests, for diagnosing an integration; cases themselves are not in
    the admin: their reading is audited on their own page."""

    list_display = ("brand", "case", "outcome", "reason", "received_at")
    list_filter = ("outcome",)
