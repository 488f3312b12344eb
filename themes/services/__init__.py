"""Writes for themes; import from here.

- pages: `site_pages_ensure`, `brand_page_ensure`, `brand_editors_sync(brand)` (call it
  whenever a brand admin is appointed or removed), `brand_sites_cleanup`.
- look: `theme_save_draft`, `theme_publish`, `theme_contrast_errors`.
- domains: `domain_add`, `domain_remove`, `domain_check_request`, `domain_check` (the
  Celery task's), `domains_recheck`, `widget_origin_add`, `widget_origin_remove`.
"""

from .domains import (
    domain_add,
    domain_check,
    domain_check_request,
    domain_remove,
    domains_recheck,
    normalize_hostname,
    normalize_origin,
    widget_origin_add,
    widget_origin_remove,
)
from .look import clean_header_links, theme_contrast_errors, theme_publish, theme_save_draft
from .pages import (
    brand_editors_sync,
    brand_page_cache_bump,
    brand_page_ensure,
    brand_page_translate,
    brand_sites_cleanup,
    site_pages_ensure,
)

__all__ = [
    "brand_editors_sync",
    "brand_page_cache_bump",
    "brand_page_ensure",
    "brand_page_translate",
    "brand_sites_cleanup",
    "clean_header_links",
    "domain_add",
    "domain_check",
    "domain_check_request",
    "domain_remove",
    "domains_recheck",
    "normalize_hostname",
    "normalize_origin",
    "site_pages_ensure",
    "theme_contrast_errors",
    "theme_publish",
    "theme_save_draft",
    "widget_origin_add",
    "widget_origin_remove",
]
