from django.contrib import admin

from community import page_cache

from .models import Answer, Revision, Thread


class _ShowsOnThreadPages(admin.ModelAdmin):
    """Staff edits here change what thread pages and lists show: their cached pages drop.
    Edits here are rare, and a thread's may move it between brands, so a thread's edit
    drops every cached page; an answer's, its thread's."""

    def _changed(self, obj) -> None:
        if isinstance(obj, Answer):
            page_cache.thread_changed(obj.thread_id)
        else:
            page_cache.site_changed()

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        self._changed(obj)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        self._changed(obj)

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        page_cache.site_changed()


@admin.register(Thread)
class ThreadAdmin(_ShowsOnThreadPages):
    list_display = (
        "title",
        "brand",
        "type",
        "status",
        "answer_count",
        "me_too_count",
        "created_at",
    )
    list_filter = ("type", "status", "visibility", "brand")
    search_fields = ("title",)
    raw_id_fields = ("author", "accepted_answer", "product")
    readonly_fields = ("body_html", "answer_count", "me_too_count", "revision_count")


@admin.register(Answer)
class AnswerAdmin(_ShowsOnThreadPages):
    list_display = ("pk", "thread", "author", "helpful_count", "accepted_at", "created_at")
    raw_id_fields = ("thread", "author", "accepted_by")
    readonly_fields = ("body_html", "helpful_count", "revision_count")


@admin.register(Revision)
class RevisionAdmin(admin.ModelAdmin):
    list_display = ("pk", "thread", "answer", "number", "editor", "created_at")
    raw_id_fields = ("thread", "answer", "editor")
