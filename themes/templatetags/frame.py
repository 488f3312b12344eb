"""The site's frame: the header search's scope, the avatars drawn from initials, and the
parts of the frame rendered once per process and reused by every page that shows them."""

from __future__ import annotations

import re
from urllib.parse import quote

from django import template
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template.base import NodeList, Parser, Token
from django.templatetags.static import StaticNode
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import translation
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from brands.models import Brand

from ..selectors import BrandLook

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


# --- Parts of the frame rendered once per process ---------------------------------------------

# Parts of the frame rendered by this process, by everything they show (`_part_key`). A
# few hundred at most: a brand's parts in each language on each of its hosts.
_parts: dict[tuple, SafeString] = {}
MAX_PARTS = 2048
# What only a rendering for one viewer or one request holds; a part holding it is not kept.
_NOT_KEPT = ("<!--sodan-slot:", "csrfmiddlewaretoken", "__sodan_")


def _part_key(name: str, context: template.Context) -> tuple | None:
    """Everything a frame part shows besides the code and templates of this process: the
    language and address scheme of the request, its host and the brand it serves, the
    page's brand as loaded for this request, and that brand's look as read for it (the look
    is read from the cache, which its services empty when it changes, so a new look or a
    renamed or newly official brand makes a new key on the very next page). None: render
    the part, keep nothing (a theme being previewed, or a `brand` that is not one)."""
    request = context.get("request")
    look = context.get("look")
    brand = context.get("brand")
    if not isinstance(look, BrandLook | None) or not isinstance(brand, Brand | None):
        return None
    if look is not None and look.is_preview:
        return None
    site = getattr(request, "brand_site", None)
    return (
        name,
        get_language(),
        get_urlconf(),
        get_script_prefix(),
        request.get_host() if request is not None else "",
        site.brand.pk if site is not None else None,
        _brand_shown(brand),
        _brand_shown(site.brand) if site is not None else None,
        _look_shown(look),
    )


def _brand_shown(brand: Brand | None) -> tuple | None:
    if brand is None:
        return None
    return (brand.pk, brand.slug, brand.name, brand.status)


def _look_shown(look: BrandLook | None) -> tuple | None:
    if look is None:
        return None
    links = tuple((link.get("label"), link.get("url")) for link in look.header_links)
    return (_brand_shown(look.brand), look.logo_url, links, look.footer_text)


@receiver(setting_changed)
def _forget_parts(**kwargs: object) -> None:
    """A setting a part may show changed (tests only: settings are fixed while serving)."""
    _parts.clear()
    _static_urls.clear()
    _language_links.clear()


class FramePartNode(template.Node):
    def __init__(self, name: str, nodelist: NodeList):
        self.name = name
        self.nodelist = nodelist

    def render(self, context: template.Context) -> SafeString:
        key = _part_key(self.name, context)
        html = _parts.get(key) if key is not None else None
        if html is None:
            html = SafeString(self.nodelist.render(context))
            if key is not None and not any(mark in html for mark in _NOT_KEPT):
                if len(_parts) >= MAX_PARTS:
                    _parts.clear()
                _parts[key] = html
        return html


@register.tag("frame_part")
def frame_part(parser: Parser, token: Token) -> FramePartNode:
    """`{% frame_part "name" %}…{% endframe_part %}`: a part of the site's frame (the header,
    the brand's band, the footer) that shows only the page's brand, its look, the host and
    the language, rendered once per process for each of those and reused by every page.
    What it encloses may show nothing else: no viewer slot, no person, no page address, no
    nonce or token (a part holding a slot, a token or a mark is rendered, never kept)."""
    bits = token.split_contents()
    if len(bits) != 2 or bits[1][0] not in "\"'" or bits[1][-1] != bits[1][0]:
        raise template.TemplateSyntaxError("frame_part takes one quoted name")
    nodelist = parser.parse(("endframe_part",))
    parser.delete_first_token()
    return FramePartNode(bits[1][1:-1], nodelist)


# --- Static addresses and the language switch ----------------------------------------------

# A static file's address by its path, as `{% static %}` writes it: the manifest is read
# when the process starts, so an address cannot change while it runs (in DEBUG it is the
# unhashed path, asked each time). Emptied with the parts when a setting changes.
_static_urls: dict[str, str] = {}


class StaticUrlNode(template.Node):
    def __init__(self, path: str):
        self.path = path

    def render(self, context: template.Context) -> str:
        url = _static_urls.get(self.path)
        if url is None:
            url = StaticNode.handle_simple(self.path)
            if not settings.DEBUG:
                _static_urls[self.path] = url
        return conditional_escape(url) if context.autoescape else url


@register.tag("static_url")
def static_url(parser: Parser, token: Token) -> StaticUrlNode:
    """`{% static_url 'themes/sodan.css' %}`: what `{% static 'themes/sodan.css' %}` writes,
    worked out once per process (the manifest lookup, joining and quoting cost more than
    the rest of the page's head). The path is written in the template, never a variable."""
    bits = token.split_contents()
    if len(bits) != 2 or bits[1][0] not in "\"'" or bits[1][-1] != bits[1][0]:
        raise template.TemplateSyntaxError("static_url takes one quoted path")
    return StaticUrlNode(bits[1][1:-1])


# The language switch's links by what they show besides the page's address: the current
# language, the address scheme of the request and the view's namespace. A few at most.
_language_links: dict[tuple, tuple[tuple[str, str | None], ...]] = {}


def _current_app(context: template.Context) -> str | None:
    """The namespace `{% url %}` reverses in (django.template.defaulttags.URLNode)."""
    request = getattr(context, "request", None)
    try:
        return request.current_app  # type: ignore[union-attr]
    except AttributeError:
        try:
            return request.resolver_match.namespace  # type: ignore[union-attr]
        except AttributeError:
            return None


def _language_parts(current: str, current_app: str | None) -> tuple[tuple[str, str | None], ...]:
    """Each language's link as the text before the page's address and the text after it
    (None after: the current language, a name without a link)."""
    parts = []
    for code, _name in settings.LANGUAGES:
        info = translation.get_language_info(code)
        code_html, name_html = (
            conditional_escape(info["code"]),
            conditional_escape(info["name_local"]),
        )
        if info["code"] == current:
            parts.append((f'<span aria-current="true" lang="{code_html}">{name_html}</span>', None))
            continue
        url = reverse("community:language", args=[info["code"]], current_app=current_app)
        parts.append(
            (
                f'<a href="{conditional_escape(url)}?next=',
                f'" lang="{code_html}" hreflang="{code_html}" rel="nofollow">{name_html}</a>',
            )
        )
    return tuple(parts)


@register.simple_tag(takes_context=True)
def language_links(context: template.Context) -> SafeString:
    """The header's language switch: the current language's name, and a link to switch to
    each other one that comes back to this page (`?next=`). Only the page's address is
    written per request; the rest once per process for each language and address scheme."""
    current = context.get("LANGUAGE_CODE")
    current_app = _current_app(context)
    key = (current, get_language(), get_urlconf(), get_script_prefix(), current_app)
    parts = _language_links.get(key)
    if parts is None:
        parts = _language_parts(current, current_app)
        if len(_language_links) >= MAX_PARTS:
            _language_links.clear()
        _language_links[key] = parts
    request = context.get("request")
    here = conditional_escape(quote(request.get_full_path())) if request is not None else ""
    return SafeString(
        "".join(before if after is None else before + here + after for before, after in parts)
    )
