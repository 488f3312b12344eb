"""Template tags for a brand's look, its page blocks, and a thread page's structured data."""

from __future__ import annotations

from typing import Any

from django import template
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from brands.models import Brand

from .. import permissions, selectors, structured_data
from ..links import brand_origin

register = template.Library()

BRAND_PAGE_SECONDS = 300


def _request(context) -> Any:
    return context.get("request")


@register.simple_tag(takes_context=True)
def brand_look(context) -> selectors.BrandLook | None:
    """The look of the page's brand (the `brand` in the context, or the brand whose domain
    serves this request); the draft while its admin previews it; None outside brands."""
    request = _request(context)
    brand = context.get("brand")
    if not isinstance(brand, Brand):
        site = getattr(request, "brand_site", None)
        brand = site.brand if site is not None else None
    if brand is None:
        return None
    draft = getattr(request, "theme_preview_brand_id", None) == brand.pk
    return selectors.brand_look(brand, draft=draft)


@register.simple_tag
def look_style(look: selectors.BrandLook | None, nonce: Any) -> SafeString:
    """The look's colours (and, for a published theme, its font) as the page's CSS
    variables, for every page's head and the error page's. The values are validated #rrggbb
    colours and a stack from FONT_STACKS, never free text."""
    if not look:
        return SafeString("")
    nonce = conditional_escape(nonce)
    html = (
        f'<style nonce="{nonce}">:root {{ --accent: {conditional_escape(look.accent)}; }}</style>'
    )
    if look.is_themed:
        html += (
            f'\n  <style nonce="{nonce}">:root {{ --bg: {conditional_escape(look.background)}; '
            f"--text: {conditional_escape(look.text)}; --muted: {conditional_escape(look.muted)}; "
            f"--font: {look.font_stack}; }}</style>"
        )
    return SafeString(html + "\n")


@register.simple_tag(takes_context=True)
def brand_page_section(context, brand: Brand) -> SafeString:
    """The blocks of the brand's Wagtail page, rendered once and cached for a few minutes
    (and dropped when the page is published), so the brand page's query count stays flat."""
    key = f"sodan:brand-page:{brand.pk}:{get_language()}"
    html = cache.get(key)
    if html is None:
        page = selectors.brand_home_page(brand, localized=True)  # the reader's language's
        html = render_to_string("themes/_brand_page.html", {"page": page, "brand": brand})
        cache.set(key, html, BRAND_PAGE_SECONDS)
    # Our own template's output: block text went through Wagtail's rich-text rules and
    # Django's autoescaping when it was rendered.
    return mark_safe(html)  # noqa: S308


@register.simple_tag(takes_context=True)
def thread_structured_data(context) -> str:
    request, thread = _request(context), context.get("thread")
    if request is None or thread is None:
        return ""
    answer_page = context.get("answer_page")
    if answer_page is not None and answer_page.number > 1:
        # The question is marked up once, on its first page, with the accepted answer and
        # the pinned ones (Google's QAPage guidelines: one question per marked-up page;
        # its answerCount is the thread's total). Later pages are plain pages of more
        # answers, each its own canonical address, and carry no QAPage of their own.
        return ""
    data = structured_data.qa_page(
        thread=thread,
        answers=context.get("answers") or [],
        origin=brand_origin(request, thread.brand),
        answer_count=answer_page.total if answer_page is not None else None,
        path=answer_page.path if answer_page is not None else None,
    )
    if data is None:
        return ""
    return mark_safe(structured_data.to_script_json(data))  # noqa: S308 - escaped JSON


@register.simple_tag(takes_context=True)
def canonical_url(context, path: str) -> str:
    """The page's address on the brand's own domain once it has one."""
    request, brand = _request(context), context.get("brand")
    if request is None or not isinstance(brand, Brand):
        return ""
    return brand_origin(request, brand) + path


@register.simple_tag(takes_context=True)
def can_manage_site(context, brand: Brand) -> bool:
    request = _request(context)
    return request is not None and permissions.can_manage_site(request.user, brand)


@register.simple_tag
def knowledge_results(query: str, brand: Brand | None = None) -> list[dict[str, Any]]:
    """Knowledge articles for the search page, each with its brand."""
    articles = selectors.knowledge_search(query, brand=brand, limit=5)
    brands = selectors.article_brands(articles)
    return [{"page": article, "brand": brands.get(article.pk)} for article in articles]


@register.simple_tag
def main_site_url() -> str:
    from django.conf import settings

    return settings.SITE_URL
