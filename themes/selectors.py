"""Reads: a brand's look, which brand a host serves, the widget's data, knowledge articles.

The look and the host map are read on every page, so they are cached (and dropped by the
services that change them); nothing here writes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connections, router
from django.db.models import Case, Q, QuerySet, When
from django.urls import reverse
from django.utils.translation import get_language

from brands.models import Brand
from community import memo, page_cache
from qa.models import Thread
from search.analysis import plain_words

from .contrast import muted_for
from .models import (
    FONT_STACKS,
    BrandDomain,
    BrandHomePage,
    BrandTheme,
    KnowledgeArticlePage,
    WidgetOrigin,
)
from .models.look import DEFAULT_BACKGROUND, DEFAULT_TEXT

LOOK_CACHE_SECONDS = 600
HOST_CACHE_SECONDS = 60
WIDGET_RESULTS = 5


# --- The look -----------------------------------------------------------------------------


@dataclass(frozen=True)
class BrandLook:
    """Everything the templates need to dress a page in a brand's colours. Colours are
    validated #rrggbb values and the font a stack from FONT_STACKS: safe inside <style>."""

    brand: Brand
    accent: str
    background: str
    text: str
    muted: str
    font_stack: str
    logo_url: str = ""
    header_links: list[dict[str, str]] = field(default_factory=list)
    footer_text: str = ""
    is_preview: bool = False
    is_themed: bool = False  # a published (or previewed) theme, not just the accent colour


def look_cache_key(brand_id: int) -> str:
    return f"sodan:look:{brand_id}"


def _look_values(theme: BrandTheme | None, brand: Brand, *, draft: bool) -> dict[str, Any]:
    if theme is None or (not draft and theme.published_at is None):
        return {
            "accent": brand.accent_colour,
            "background": DEFAULT_BACKGROUND,
            "text": DEFAULT_TEXT,
            "font": "system",
            "logo": brand.logo.url if brand.logo else "",
            "header_links": [],
            "footer_text": "",
            "themed": False,
        }
    prefix = "" if draft else "published_"
    logo = getattr(theme, f"{prefix}logo")
    return {
        "accent": getattr(theme, f"{prefix}accent_colour"),
        "background": getattr(theme, f"{prefix}background_colour"),
        "text": getattr(theme, f"{prefix}text_colour"),
        "font": getattr(theme, f"{prefix}font"),
        "logo": logo.url if logo else (brand.logo.url if brand.logo else ""),
        "header_links": list(getattr(theme, f"{prefix}header_links") or []),
        "footer_text": getattr(theme, f"{prefix}footer_text"),
        "themed": True,
    }


def brand_look(brand: Brand, *, draft: bool = False) -> BrandLook:
    """The published look (cached), or the draft for an admin's preview (never cached)."""
    if draft:
        values = _look_values(BrandTheme.objects.filter(brand=brand).first(), brand, draft=True)
    else:
        key = look_cache_key(brand.pk)
        values = _cached_look_and_host(brand, key)
        if values is None:
            theme = BrandTheme.objects.filter(brand=brand).first()
            values = _look_values(theme, brand, draft=False)
            cache.set(key, values, LOOK_CACHE_SECONDS)
    return BrandLook(
        brand=brand,
        accent=values["accent"],
        background=values["background"],
        text=values["text"],
        muted=muted_for(values["text"], values["background"]),
        font_stack=FONT_STACKS.get(values["font"], FONT_STACKS["system"]),
        logo_url=values["logo"],
        header_links=values["header_links"],
        footer_text=values["footer_text"],
        is_preview=draft,
        is_themed=values.get("themed", False),
    )


def theme_for_editing(brand: Brand) -> BrandTheme:
    """The brand's theme row, or an unsaved one holding the brand's current look."""
    theme = BrandTheme.objects.filter(brand=brand).first()
    if theme is None:
        theme = BrandTheme(brand=brand, accent_colour=brand.accent_colour)
    return theme


# --- Hosts --------------------------------------------------------------------------------


@dataclass(frozen=True)
class BrandSite:
    """The brand served on this request's host (request.brand_site)."""

    brand: Brand
    hostname: str


def host_cache_key(hostname: str) -> str:
    # The cached brand carries its status and name: a claim approved, or anything else
    # that bumps the site version, must show on its domain at once.
    return f"sodan:host:{page_cache.site_version()}:{hostname}"


def served_site(hostname: str) -> BrandSite | None:
    """The brand whose verified domain this is; None for any other host."""
    key = host_cache_key(hostname)
    brand = cache.get(key)
    if brand is None:
        domain = (
            BrandDomain.objects.served().filter(hostname=hostname).select_related("brand").first()
        )
        brand = domain.brand if domain else False
        cache.set(key, brand, HOST_CACHE_SECONDS)
    return BrandSite(brand=brand, hostname=hostname) if brand else None


def primary_host_cache_key(brand_id: int) -> str:
    return f"sodan:primary-host:{brand_id}"


PRIMARY_HOSTNAME = "themes.primary_hostname"
# Kept on the brand when the cache had no primary host for it: load it from the database.
_NOT_CACHED = object()


def _cached_look_and_host(brand: Brand, look_key: str) -> dict[str, Any] | None:
    """The brand's cached look, and in the same cache round trip its primary host (kept on
    the brand for the request): a thread page asks both, the look for the header and the
    host for its canonical address and structured data."""
    if memo.known(brand, PRIMARY_HOSTNAME):
        return cache.get(look_key)
    host_key = primary_host_cache_key(brand.pk)
    found = cache.get_many([look_key, host_key])
    memo.remember(brand, PRIMARY_HOSTNAME, found.get(host_key, _NOT_CACHED))
    return found.get(look_key)


def primary_hostname(brand: Brand) -> str:
    """The brand's first verified domain, or "" when it is only served on the main site.
    Kept on the brand object for the request, and read with the brand's look when the page
    shows it: a page asks it for its canonical address and for its structured data, and a
    page with the look pays no cache round trip of its own for it."""
    key = primary_host_cache_key(brand.pk)
    hostname = memo.peek(brand, PRIMARY_HOSTNAME, None)
    if hostname is None:
        hostname = cache.get(key, _NOT_CACHED)
    if hostname is _NOT_CACHED:
        hostname = (
            BrandDomain.objects.served()
            .filter(brand=brand)
            .order_by("verified_at", "hostname")
            .values_list("hostname", flat=True)
            .first()
            or ""
        )
        cache.set(key, hostname, HOST_CACHE_SECONDS)
    memo.remember(brand, PRIMARY_HOSTNAME, hostname)
    return hostname


# --- Pages --------------------------------------------------------------------------------


def brand_home_page(brand: Brand, *, localized: bool = False) -> BrandHomePage | None:
    """The brand's page (the first in the tree: the default language's); `localized`: its
    live translation in the reader's language instead, when there is one. One query."""
    pages = list(
        BrandHomePage.objects.live().filter(brand=brand).select_related("locale").order_by("path")
    )
    if not pages:
        return None
    language = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
    if localized:
        for page in pages:
            if page.locale.language_code == language:
                return page
    return pages[0]


def brands_edited_by(user: Any) -> QuerySet[Brand]:
    """Brands whose pages this person edits in the Wagtail admin: staff all, admins theirs."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Brand.objects.none()
    if user.is_staff:
        return Brand.objects.all()
    return Brand.objects.filter(
        memberships__user=user, memberships__revoked_at__isnull=True, memberships__role="admin"
    )


def knowledge_articles(brand: Brand) -> QuerySet[KnowledgeArticlePage]:
    page = BrandHomePage.objects.filter(brand=brand).first()
    if page is None:
        return KnowledgeArticlePage.objects.none()
    return KnowledgeArticlePage.objects.live().public().descendant_of(page).order_by("title")


def articles_may_match(brand_id: int | None) -> bool:
    """Whether any live knowledge article is in a search's scope: anywhere, or under the
    brand's home page. One indexed query, asked before `knowledge_search` builds Wagtail's
    querysets: most brands have no articles, and building them was about 1.3 ms of every
    search page. Never no when the search could find one: any live article of the scope
    is enough, its words are not looked at."""
    from wagtail.models import Page

    alias = router.db_for_read(Page)
    quote = connections[alias].ops.quote_name
    pages = quote(Page._meta.db_table)
    articles = quote(KnowledgeArticlePage._meta.db_table)
    # The models' table names are written in; the brand's id is a parameter.
    sql = (
        f"SELECT 1 FROM {pages} p JOIN {articles} k"  # noqa: S608
        " ON k.page_ptr_id = p.id WHERE p.live"
    )
    params: list[Any] = []
    if brand_id is not None:
        # The brand's home page as knowledge_search takes it (the first by path); a path
        # holds only letters and digits, so it is a plain prefix for LIKE.
        sql += (
            f" AND p.path LIKE (SELECT h.path || '%%' FROM {pages} h"  # noqa: S608
            f" JOIN {quote(BrandHomePage._meta.db_table)} b ON b.page_ptr_id = h.id"
            " WHERE b.brand_id = %s ORDER BY h.path LIMIT 1)"
        )
        params.append(brand_id)
    with connections[alias].cursor() as cursor:
        cursor.execute(sql + " LIMIT 1", params)
        return cursor.fetchone() is not None


def knowledge_search(query: str, *, brand: Brand | None = None, limit: int = 5) -> list:
    """Knowledge articles matching the words, for the search page and the widget. Only
    the words are searched for: quotes and operators would be read by the full-text
    engine (search.analysis.plain_words)."""
    query = plain_words(query)
    # The full-text search costs milliseconds even over nothing, and most brands have no
    # articles: asking first is one indexed lookup. public() reads every view restriction
    # (a query of its own) as soon as it is called, so it waits until there is an article.
    if not query or not articles_may_match(brand.pk if brand is not None else None):
        return []
    articles = KnowledgeArticlePage.objects.live()
    if brand is not None:
        page = BrandHomePage.objects.filter(brand=brand).order_by("path").first()
        if page is None:
            return []
        articles = articles.descendant_of(page)
    return list(articles.public().search(query)[:limit])


def article_brands(articles: list[KnowledgeArticlePage]) -> dict[int, Brand]:
    """Each article's brand, in one query (for result lists that name the brand)."""
    if not articles:
        return {}
    pages = BrandHomePage.objects.filter(brand__isnull=False).select_related("brand")
    by_path = {page.path: page.brand for page in pages}
    step = BrandHomePage.steplen
    found = {}
    for article in articles:
        for depth in range(len(article.path) // step - 1, 0, -1):
            brand = by_path.get(article.path[: depth * step])
            if brand is not None:
                found[article.pk] = brand
                break
    return found


# --- The widget -----------------------------------------------------------------------------


def widget_origin_allowed(brand: Brand, origin: str) -> bool:
    return WidgetOrigin.objects.for_brand(brand).filter(origin=origin).exists()


def _thread_item(thread: Thread, base: str) -> dict[str, Any]:
    return {
        "title": thread.title,
        "url": base + thread.get_absolute_url(),
        "solved": thread.is_solved,
        "answers": thread.answer_count,
    }


def widget_threads_search(brand: Brand, query: str, *, limit: int = WIDGET_RESULTS):
    """Listed threads of the brand whose title or question contains the words.

    A plain substring match for now; when search/ offers a brand-scoped interface for
    this, this is the one function to swap.
    """
    threads = Thread.objects.for_brand(brand).listed()
    for word in query.split()[:8]:
        threads = threads.filter(Q(title__icontains=word) | Q(body__icontains=word))
    solved_first = Case(When(status=Thread.Status.SOLVED, then=0), default=1)
    return list(
        threads.only("id", "title", "slug", "status", "answer_count").order_by(
            solved_first, "-answer_count", "-last_activity_at"
        )[:limit]
    )


def widget_data(brand: Brand, *, query: str, base: str, language: str) -> dict[str, Any]:
    """What the embedded widget shows, as JSON-ready data. `base` is Sodan's origin."""
    query = (query or "").strip()[:200]
    top_solved = (
        Thread.objects.for_brand(brand)
        .listed()
        .filter(status=Thread.Status.SOLVED)
        .only("id", "title", "slug", "status", "answer_count")
        .order_by("-me_too_count", "-answer_count", "-last_activity_at")[:WIDGET_RESULTS]
    )
    data: dict[str, Any] = {
        "brand": {"name": brand.name, "url": base + brand.get_absolute_url()},
        "ask_url": base + reverse("qa:ask", args=[brand.slug]),
        "search_url": f"{base}{reverse('search:search')}?brand={brand.slug}",
        "query": query,
        "top_solved": [_thread_item(thread, base) for thread in top_solved],
        "results": [],
        "articles": [],
        "language": language,
    }
    if query:
        data["results"] = [
            _thread_item(thread, base) for thread in widget_threads_search(brand, query)
        ]
        data["articles"] = [
            {
                "title": article.localized_title,
                "url": base + article.url,
                "summary": article.summary,
            }
            for article in knowledge_search(query, brand=brand, limit=3)
        ]
    return data
