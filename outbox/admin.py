"""The outbox in the Django admin: what waits, what failed and why, what was delivered."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .models import Message


class StateFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list:
        return [("pending", _("Pending")), ("failed", _("Failed")), ("done", _("Done"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() == "pending":
            return queryset.pending()
        if self.value() == "failed":
            return queryset.failed()
        if self.value() == "done":
            return queryset.done()
        return queryset


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ("id", "task", "state", "attempts", "created_at", "next_attempt_at", "done_at",
                    "failed_at")  # fmt: skip
    list_filter = (StateFilter, "task")
    search_fields = ("task", "last_error")
    ordering = ("-id",)
    readonly_fields = ("task", "shown_args", "secret", "created_at", "attempts", "next_attempt_at",
                       "claimed_until", "last_error", "done_at", "failed_at")  # fmt: skip
    exclude = ("args",)

    @admin.display(description=_("arguments"))
    def shown_args(self, message: Message) -> str:
        return _("(secret)") if message.secret else str(message.args)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Message | None = None) -> bool:
        return False
