from django.contrib import admin

from .models import Answer, Revision, Thread


@admin.register(Thread)
class ThreadAdmin(admin.ModelAdmin):
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
class AnswerAdmin(admin.ModelAdmin):
    list_display = ("pk", "thread", "author", "helpful_count", "accepted_at", "created_at")
    raw_id_fields = ("thread", "author", "accepted_by")
    readonly_fields = ("body_html", "helpful_count", "revision_count")


@admin.register(Revision)
class RevisionAdmin(admin.ModelAdmin):
    list_display = ("pk", "thread", "answer", "number", "editor", "created_at")
    raw_id_fields = ("thread", "answer", "editor")
