"""The one HTML sanitizer of the project.

Every piece of user-supplied HTML (in practice: the output of the Markdown renderer in
``qa.rendering``) passes through :func:`clean_html` before it is stored or shown. No other module
may sanitize HTML on its own; they all call this one, so that there is exactly one allow-list to
review.

Two engines implement the same policy:

``nh3`` (the default)
    Python bindings to `ammonia`, a Rust sanitizer built on the html5ever parser, the same
    HTML5 parsing algorithm browsers use. It is actively maintained, fast, and its allow-list
    model (tags, attributes, URL schemes, forced ``rel`` on links) covers everything we need
    without custom code.

``bleach``
    The long-standing pure-Python sanitizer built on html5lib. Its maintainers declared it
    unmaintained on 2026-06-05: there will be no further releases, including security
    releases, so it must not be the default. It remains selectable with the
    ``SANITIZER_ENGINE = "bleach"`` setting for deployments that have to stay on it for a
    while (for example because an existing audit or certification names it), and so that the
    test-suite can check both engines against the same policy and the same XSS corpus. Because
    bleach is frozen, relying on its few internals used below is safe: they will not change
    under us.

Policy, identical in both engines:

* only the tags in :data:`ALLOWED_TAGS` survive; any other tag is removed but its text is kept
  (escaped), except ``script`` and ``style`` whose content is dropped entirely;
* only the attributes in :data:`ALLOWED_ATTRIBUTES` survive, with their values checked:
  ``href`` may use the schemes in :data:`ALLOWED_URL_SCHEMES` or be relative, an ``img`` ``src``
  may only be ``http``/``https`` or relative, ``align`` is ``left``/``center``/``right``,
  ``ol`` ``start`` is a number, and ``class`` is only kept on ``code`` when it is a single
  ``language-…`` class as produced for fenced code blocks;
* no event handler, ``style``, ``target`` or user-supplied ``rel`` attribute survives;
* every ``<a>`` gets ``rel="nofollow ugc noopener"``;
* HTML comments are removed;
* the page cache's marks (:data:`PAGE_MARK`) are stripped from the result, and
  :func:`strip_page_marks` strips them from any other text people write before it is stored.
"""

from __future__ import annotations

import re
import threading
from html import unescape
from typing import TYPE_CHECKING, Any

import nh3

if TYPE_CHECKING:
    from collections.abc import Iterator

    import bleach.sanitizer

__all__ = [
    "ALLOWED_ATTRIBUTES",
    "ALLOWED_TAGS",
    "ALLOWED_URL_SCHEMES",
    "DEFAULT_ENGINE",
    "LINK_REL",
    "PAGE_MARK",
    "SANITIZER_ENGINES",
    "clean_html",
    "strip_page_marks",
]

SANITIZER_ENGINES: tuple[str, ...] = ("nh3", "bleach")
DEFAULT_ENGINE = "nh3"

ALLOWED_TAGS: frozenset[str] = frozenset(
    {
        "p",
        "br",
        "hr",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "strong",
        "em",
        "b",
        "i",
        "del",
        "s",
        "code",
        "pre",
        "blockquote",
        "ul",
        "ol",
        "li",
        "a",
        "img",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "kbd",
        "sub",
        "sup",
    }
)

ALLOWED_ATTRIBUTES: dict[str, frozenset[str]] = {
    "a": frozenset({"href", "title"}),
    "img": frozenset({"src", "alt", "title"}),
    "th": frozenset({"align"}),
    "td": frozenset({"align"}),
    "ol": frozenset({"start"}),
    "code": frozenset({"class"}),
}

ALLOWED_URL_SCHEMES: frozenset[str] = frozenset({"http", "https", "mailto"})

#: Schemes an ``<img src>`` may use; images never load from ``mailto:`` or ``data:``.
IMAGE_URL_SCHEMES: frozenset[str] = frozenset({"http", "https"})

#: Added to every ``<a>``: no SEO credit for user links, marked as user-generated content, and
#: no ``window.opener`` access for the target page.
LINK_REL = "nofollow ugc noopener"

#: Tags removed together with everything inside them.
CLEAN_CONTENT_TAGS: frozenset[str] = frozenset({"script", "style"})

_CODE_CLASS_RE = re.compile(r"language-[a-z0-9_+-]+")
_ALIGN_VALUES = frozenset({"left", "center", "right"})
_START_RE = re.compile(r"[0-9]{1,9}")
# Browsers drop ASCII tab/newline anywhere in a URL and C0 controls/spaces around it.
_URL_IGNORED_RE = re.compile(r"[\x00-\x20\x7f-\x9f]+")
_URL_ATTRIBUTES = frozenset({"href", "src"})


def _url_scheme(value: str) -> str | None:
    """Return the lower-cased scheme of a URL as a browser would see it, None if relative."""
    url = _URL_IGNORED_RE.sub("", unescape(value)).lower()
    head, colon, _ = url.partition(":")
    if not colon or any(char in head for char in "/?#"):
        return None
    return head


def _attribute_allowed(tag: str, name: str, value: str) -> bool:
    """The attribute policy shared by both engines; accepts or rejects, never rewrites."""
    if name not in ALLOWED_ATTRIBUTES.get(tag, ()):
        return False
    if name in _URL_ATTRIBUTES:
        scheme = _url_scheme(value)
        allowed = IMAGE_URL_SCHEMES if tag == "img" else ALLOWED_URL_SCHEMES
        return scheme is None or scheme in allowed
    if name == "class":
        return _CODE_CLASS_RE.fullmatch(value) is not None
    if name == "align":
        return value in _ALIGN_VALUES
    if name == "start":
        return _START_RE.fullmatch(value) is not None
    return True


# --- nh3 -------------------------------------------------------------------------------------


def _nh3_attribute_filter(tag: str, name: str, value: str) -> str | None:
    if tag == "a" and name == "rel":
        # ammonia passes the rel it adds through the filter as well; user-supplied rel
        # attributes never get this far because rel is not in the allow-list.
        return LINK_REL
    return value if _attribute_allowed(tag, name, value) else None


_NH3_CLEANER = nh3.Cleaner(
    tags=set(ALLOWED_TAGS),
    clean_content_tags=set(CLEAN_CONTENT_TAGS),
    attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
    attribute_filter=_nh3_attribute_filter,
    strip_comments=True,
    link_rel=LINK_REL,
    url_schemes=set(ALLOWED_URL_SCHEMES),
)


def _clean_nh3(text: str) -> str:
    return _NH3_CLEANER.clean(text)


# --- bleach ----------------------------------------------------------------------------------

# bleach's Cleaner keeps parser state and is documented as not thread-safe: one per thread.
_bleach_local = threading.local()

# Elements whose content the HTML parser reads as plain text rather than markup.
_RAW_TEXT_TAGS = frozenset(
    {"iframe", "noembed", "noframes", "noscript", "plaintext", "textarea", "title", "xmp"}
)


def _bleach_attribute_filter(tag: str, name: str, value: str) -> bool:
    return _attribute_allowed(tag, name, value)


def _build_bleach_cleaner() -> bleach.sanitizer.Cleaner:
    # Imported lazily so that sites on the default engine never load the unmaintained package.
    from bleach import html5lib_shim
    from bleach.sanitizer import Cleaner

    class DropContentFilter(html5lib_shim.Filter):
        """Drop script/style elements together with their content.

        bleach's ``strip=True`` only removes the tags and would keep the script text, so this
        filter runs on the parsed tree before bleach's own sanitizing filter sees it.
        """

        def __iter__(self) -> Iterator[dict[str, Any]]:
            depth = 0
            for token in super().__iter__():
                kind = token["type"]
                dropped = token.get("name") in CLEAN_CONTENT_TAGS
                if kind == "StartTag" and dropped:
                    depth += 1
                elif kind == "EndTag" and dropped and depth:
                    depth -= 1
                elif depth == 0 and not (kind == "EmptyTag" and dropped):
                    yield token

    class LinkRelFilter(html5lib_shim.Filter):
        """Set ``rel`` on every ``<a>``; runs after sanitizing, so it is never stripped."""

        def __iter__(self) -> Iterator[dict[str, Any]]:
            for token in super().__iter__():
                if token["type"] in ("StartTag", "EmptyTag") and token["name"] == "a":
                    attrs = dict(token.get("data") or {})
                    attrs[(None, "rel")] = LINK_REL
                    token["data"] = attrs
                yield token

    cleaner = Cleaner(
        tags=ALLOWED_TAGS,
        attributes=_bleach_attribute_filter,
        protocols=ALLOWED_URL_SCHEMES,
        strip=True,
        strip_comments=True,
        filters=[LinkRelFilter],
    )
    # bleach's tokenizer turns every tag missing from the parser's list into text before the
    # tree is built, so a stripped <script> would leave its code behind as text and a stripped
    # <title> or <textarea> would not be parsed as raw text the way a browser (and html5ever)
    # parses it. The parser therefore also knows those elements; the sanitizing filter still
    # only lets ALLOWED_TAGS through. Other unknown tags, <svg> and <math> included, stay text
    # tokens (bleach's own design: no foreign-content parsing, so no namespace confusion).
    cleaner.parser = html5lib_shim.BleachHTMLParser(
        tags=ALLOWED_TAGS | CLEAN_CONTENT_TAGS | _RAW_TEXT_TAGS,
        strip=True,
        consume_entities=False,
        namespaceHTMLElements=False,
    )
    # Cleaner.clean() walks the parsed tree with ``self.walker(dom)``; wrapping the walker is
    # the only hook that runs before the sanitizing filter.
    tree_walker = cleaner.walker
    cleaner.walker = lambda dom: DropContentFilter(tree_walker(dom))
    return cleaner


def _clean_bleach(text: str) -> str:
    cleaner = getattr(_bleach_local, "cleaner", None)
    if cleaner is None:
        cleaner = _bleach_local.cleaner = _build_bleach_cleaner()
    return cleaner.clean(text)


_ENGINES = {"nh3": _clean_nh3, "bleach": _clean_bleach}


def _configured_engine() -> str:
    try:
        from django.conf import settings
    except ImportError:  # pragma: no cover - Django is a hard dependency of the project
        return DEFAULT_ENGINE
    if not settings.configured:
        return DEFAULT_ENGINE
    return getattr(settings, "SANITIZER_ENGINE", DEFAULT_ENGINE) or DEFAULT_ENGINE


# The shape of the marks where cached pages get each reader's CSP nonce and CSRF token
# (community.page_cache.Marks: "__sodan_csrf_<random>__"), of the fixed placeholders earlier
# releases used ("__sodan_csrf_token__") and of the other per-request marks of the
# thread page ("__sodan:submission-token__"). The cache replaces only the random marks of
# its own rendering, which nobody can write in advance; text that looks like a mark is
# removed anyway, so no post ever carries one.
PAGE_MARK = re.compile(r"__sodan[_:][\w:-]*__")


def strip_page_marks(text: str) -> str:
    """The text without anything shaped like a page mark. Repeated until none is left:
    removing one must not join its neighbours into another."""
    while True:
        text, found = PAGE_MARK.subn("", text)
        if not found:
            return text


def clean_html(html: str, *, engine: str | None = None) -> str:
    """Sanitize an HTML fragment with the allow-list of this module.

    ``engine`` is ``"nh3"`` or ``"bleach"``; ``None`` uses the ``SANITIZER_ENGINE`` setting
    (``"nh3"`` when it is unset or Django settings are not configured).
    """
    name = _configured_engine() if engine is None else engine
    try:
        cleaner = _ENGINES[name]
    except KeyError:
        valid = ", ".join(repr(engine_name) for engine_name in SANITIZER_ENGINES)
        raise ValueError(f"Unknown sanitizer engine {name!r}; valid engines: {valid}.") from None
    return strip_page_marks(cleaner(html))
