"""Receivers for Wagtail's page signals: they only drop cached renderings of brand pages
(Wagtail's publish flow is Wagtail's; Sodan's own writes go through services)."""

from __future__ import annotations

from typing import Any

from .models import BrandHomePage, KnowledgeArticlePage
from .services.pages import brand_page_cache_bump


def brand_page_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    page = instance.specific if hasattr(instance, "specific") else instance
    if isinstance(page, BrandHomePage):
        brand_page_cache_bump(page.brand_id)
    elif isinstance(page, KnowledgeArticlePage):
        parent = BrandHomePage.objects.ancestor_of(page).first()
        if parent is not None:
            brand_page_cache_bump(parent.brand_id)
