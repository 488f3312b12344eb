from django.contrib import admin

from .models import BrandMailAlias, InboundMessage, MailThreadDraft


@admin.register(InboundMessage)
class InboundMessageAdmin(admin.ModelAdmin):
    """Every mail that came in, with what became of it; read-only (the mail is evidence)."""

    list_display = ("received_at", "source", "provider", "sender", "recipient", "status", "reason")
    list_filter = ("status", "reason", "source")
    search_fields = ("sender", "message_id", "subject")
    readonly_fields = [field.name for field in InboundMessage._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(MailThreadDraft)
class MailThreadDraftAdmin(admin.ModelAdmin):
    list_display = ("created_at", "brand", "sender", "title", "status")
    list_filter = ("status",)
    raw_id_fields = ("brand", "inbound", "thread")


@admin.register(BrandMailAlias)
class BrandMailAliasAdmin(admin.ModelAdmin):
    list_display = ("local_part", "brand", "created_at")
    raw_id_fields = ("brand",)
