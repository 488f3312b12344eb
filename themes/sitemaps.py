"""Sitemaps: one per brand (its page, knowledge articles and listed threads), on the host
that serves it, and on the main site an index of every brand's sitemap."""

from __future__ import annotations

from django.contrib.sitemaps import Sitemap

from brands.models import Brand
from qa.models import Thread

from . import selectors


class BrandPageSitemap(Sitemap):
    priority = 1.0
    changefreq = "daily"

    def __init__(self, brand: Brand, *, home: str) -> None:
        self.brand, self.home = brand, home

    def items(self) -> list[str]:
        return [self.home]

    def location(self, item: str) -> str:
        return item


class KnowledgeArticleSitemap(Sitemap):
    priority = 0.8
    changefreq = "weekly"

    def __init__(self, brand: Brand) -> None:
        self.brand = brand

    def items(self):
        return selectors.knowledge_articles(self.brand)

    def location(self, item) -> str:
        return item.get_url_parts()[2]

    def lastmod(self, item):
        return item.last_published_at


class ThreadSitemap(Sitemap):
    priority = 0.6
    changefreq = "daily"
    limit = 10_000

    def __init__(self, brand: Brand) -> None:
        self.brand = brand

    def items(self):
        return (
            Thread.objects.for_brand(self.brand)
            .listed()
            .only("id", "slug", "last_activity_at")
            .order_by("-last_activity_at", "-id")
        )

    def lastmod(self, item: Thread):
        return item.last_activity_at


def brand_sitemaps(brand: Brand, *, home: str) -> dict[str, Sitemap]:
    return {
        "brand": BrandPageSitemap(brand, home=home),
        "articles": KnowledgeArticleSitemap(brand),
        "threads": ThreadSitemap(brand),
    }
