from django.contrib import admin

from .models import Brand, Membership, Product


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

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        from qa import page_cache  # name, colour and logo show on every thread page

        page_cache.site_changed()


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "brand", "role", "created_at", "revoked_at")
    list_filter = ("role", "brand")
    raw_id_fields = ("user",)
