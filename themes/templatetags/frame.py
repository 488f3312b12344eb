"""The site's frame: the header search's scope and the avatars drawn from initials."""

from __future__ import annotations

import re

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from brands.models import Brand

register = template.Library()

_WORD_SEPARATORS = re.compile(r"[\s_.\-@]+")


@register.simple_tag(takes_context=True)
def search_scope(context) -> Brand | None:
    """The brand the header's search looks in: the page's brand, or the brand whose domain
    serves this request; None (all of Sodan) elsewhere. Read from the context and the
    request only, so the header costs no query."""
    brand = context.get("brand")
    if isinstance(brand, Brand):
        return brand
    site = getattr(context.get("request"), "brand_site", None)
    return site.brand if site is not None else None


def initials(name: str) -> str:
    """One or two letters for a name: "Ada Lovelace" → "AL", "山田太郎" → "山"."""
    words = [word for word in _WORD_SEPARATORS.split(name.strip()) if word]
    if not words:
        return "?"
    letters = words[0][0] + (words[1][0] if len(words) > 1 and words[0].isascii() else "")
    return letters.upper()


@register.simple_tag
def avatar(person, size: str = "") -> SafeString:
    """A person's avatar: their initials on the brand's accent colour (CSS), hidden from
    screen readers because the name is always written beside it. Members have no uploaded
    picture, so every avatar is drawn."""
    name = getattr(person, "public_name", "") or ""
    css = "avatar avatar-small" if size == "small" else "avatar"
    return format_html('<span class="{}" aria-hidden="true">{}</span>', css, initials(name))
