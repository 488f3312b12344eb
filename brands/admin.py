from django.contrib import admin, messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from moderation.services import audit_log_record

from . import selectors, services
from .models import (
    Brand,
    BrandClaim,
    CustomerNote,
    Endorsement,
    Invitation,
    Membership,
    OwnershipEvent,
    Product,
    ProductVersion,
    ResponseTargetBreach,
    ThreadOwnership,
)


class ProductInline(admin.TabularInline):
    model = Product
    prepopulated_fields = {"slug": ("name",)}
    extra = 0


@admin.register(Brand)
class BrandAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "domain", "status", "thread_count")
    list_filter = ("status",)
    search_fields = ("name", "domain")
    prepopulated_fields = {"slug": ("name",)}
    readonly_fields = ("thread_count",)
    inlines = [ProductInline]

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        from community import page_cache  # its slug may come back as another brand's

        page_cache.site_changed()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        from community import page_cache

        page_cache.site_changed()

    def save_model(self, request, obj, form, change):
        if "status" in form.changed_data and obj.is_official and not obj.official_since:
            obj.official_since = timezone.now()
        super().save_model(request, obj, form, change)
        from community import page_cache  # name, colour and logo show on every thread page

        page_cache.site_changed()
        if change and form.changed_data:
            audit_log_record(
                actor=request.user,
                action="brand.admin_change",
                target=obj,
                brand=obj,
                data={"fields": sorted(form.changed_data)},
            )


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    """Prefer the brand's team page; changes made here are audit-logged as well."""

    list_display = ("user", "brand", "role", "created_at", "revoked_at")
    list_filter = ("role", "brand")
    raw_id_fields = ("user",)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        audit_log_record(
            actor=request.user,
            action="membership.admin_change" if change else "membership.create",
            target=obj,
            brand=obj.brand,
            data={"user": obj.user_id, "role": obj.role, "fields": sorted(form.changed_data)},
        )
        cache.delete(selectors.navigation_cache_key(obj.user_id))


@admin.register(BrandClaim)
class BrandClaimAdmin(admin.ModelAdmin):
    """Decide claims with the actions (they go through the same services as the staff
    page, so the brand, the membership and the audit log change together)."""

    list_display = ("brand", "claimant", "status", "auto_approved", "created_at", "decided_by")
    list_filter = ("status", "auto_approved")
    search_fields = ("brand__name", "claimant__username", "evidence")
    readonly_fields = (
        "brand",
        "claimant",
        "evidence",
        "status",
        "auto_approved",
        "decided_by",
        "decided_at",
        "reason",
        "created_at",
    )
    actions = ("approve", "reject")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def _decide(self, request, queryset, decide, **kwargs) -> None:
        for claim in queryset.select_related("brand"):
            try:
                decide(actor=request.user, claim=claim, **kwargs)
            except (ValidationError, PermissionDenied) as error:
                text = " ".join(getattr(error, "messages", [str(error)]))
                self.message_user(request, f"{claim.brand}: {text}", messages.ERROR)
            else:
                self.message_user(request, f"{claim.brand}: {claim.get_status_display()}")

    @admin.action(description=_("Approve the selected claims"))
    def approve(self, request, queryset):
        self._decide(request, queryset, services.claim_approve)

    @admin.action(description=_("Reject the selected claims (as not shown to work there)"))
    def reject(self, request, queryset):
        self._decide(
            request,
            queryset,
            services.claim_reject,
            reason=_("We could not confirm that you work for this company."),
        )


class _ReadOnlyAdmin(admin.ModelAdmin):
    """History written by the services: staff read it here, nobody edits it."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Invitation)
class InvitationAdmin(_ReadOnlyAdmin):
    list_display = ("email", "brand", "role", "invited_by", "expires_at", "accepted_at")
    list_filter = ("role", "brand")
    search_fields = ("email",)
    exclude = ("token_hash",)


@admin.register(ThreadOwnership)
class ThreadOwnershipAdmin(_ReadOnlyAdmin):
    list_display = ("thread", "brand", "owner", "taken_at")
    list_filter = ("brand",)


@admin.register(OwnershipEvent)
class OwnershipEventAdmin(_ReadOnlyAdmin):
    list_display = ("created_at", "thread", "brand", "action", "actor", "owner")
    list_filter = ("action", "brand")


@admin.register(Endorsement)
class EndorsementAdmin(_ReadOnlyAdmin):
    list_display = ("answer", "brand", "rep", "version", "outdated_for", "withdrawn_at")
    list_filter = ("brand", "withdrawn_reason")


@admin.register(ResponseTargetBreach)
class ResponseTargetBreachAdmin(_ReadOnlyAdmin):
    list_display = ("thread", "brand", "due_at", "detected_at", "notified_at")
    list_filter = ("brand",)


@admin.register(CustomerNote)
class CustomerNoteAdmin(_ReadOnlyAdmin):
    list_display = ("customer", "brand", "author", "created_at")
    list_filter = ("brand",)


@admin.register(ProductVersion)
class ProductVersionAdmin(admin.ModelAdmin):
    list_display = ("product", "name", "released_at")
    list_filter = ("product__brand",)
