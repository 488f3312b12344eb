from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import Notification, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (_("Profile"), {"fields": ("display_name", "bio", "language", "email_notifications")}),
    )
    list_display = ("username", "display_name", "email", "reputation", "is_staff")
    readonly_fields = ("reputation",)


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("recipient", "kind", "created_at", "read_at", "emailed_at")
    raw_id_fields = ("recipient", "actor", "thread", "answer")
