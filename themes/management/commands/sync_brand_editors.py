"""Give every brand's current admins, and only them, Wagtail access to its pages."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from brands.models import Brand
from themes import services


class Command(BaseCommand):
    help = "Create missing brand pages and make each brand's editors group its current admins."

    def add_arguments(self, parser) -> None:
        parser.add_argument("slugs", nargs="*", help="Only these brands (default: all).")

    def handle(self, *args: Any, slugs: list[str], **options: Any) -> None:
        brands = Brand.objects.all()
        if slugs:
            brands = brands.filter(slug__in=slugs)
        removed = services.brand_sites_cleanup()
        for brand in brands:
            group = services.brand_editors_sync(brand)
            self.stdout.write(f"{brand.slug}: {group.user_set.count()} editor(s)")
        self.stdout.write(
            f"Removed {removed['pages']} orphaned page(s), {removed['groups']} group(s)."
        )
