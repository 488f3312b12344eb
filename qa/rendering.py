"""Markdown rendering of questions and answers.

Posts are written in Markdown and rendered once, when they are saved: the services store the
result in ``body_html`` (and a plain-text ``excerpt`` for listings) next to the source. Pages
then show the stored HTML as it is, so that

* reading a thread costs no parsing or sanitizing, however often it is viewed;
* the HTML a reader gets is exactly the HTML that was sanitized, and can be audited in the
  database;
* a change to the renderer or to the allow-list applies to new edits, and old posts can be
  re-rendered in bulk from their stored source when needed.

The renderer is markdown-it-py with the CommonMark preset plus tables, strikethrough and
linkified bare URLs. Raw HTML is enabled so that a few harmless inline tags such as ``<kbd>``
work; that is safe only because every result goes through
:func:`moderation.sanitize.clean_html`, the single gate for HTML in the project. Nothing in this
module may return HTML that has not been through it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from html import escape, unescape
from typing import Any

import nh3
from django.utils.timezone import localtime
from linkify_it import LinkifyIt
from linkify_it.main import Match
from markdown_it import MarkdownIt
from markdown_it.parser_inline import ParserInline
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline

from community.models import profile_url_maker
from moderation.sanitize import clean_html, strip_page_marks

__all__ = ["answer_bylines", "post_text", "render_markdown", "render_plain_excerpt"]

ELLIPSIS = "…"

_TEXT_ALIGN_RE = re.compile(r"text-align:(left|center|right)")
_WHITESPACE_RE = re.compile(r"\s+")
_STRIP_ALL_TAGS = nh3.Cleaner(tags=set(), attributes={}, link_rel=None)
# Japanese and full-width punctuation (not 々〆〇, which occur inside words). A bare URL ends
# at the first of these, so "「https://example.jp/」を参照。" links only the URL.
_URL_STOP_RE = re.compile(
    "[\u3000-\u3004\u3008-\u3020\u3030\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65]"
)


class _JapaneseAwareLinkify(LinkifyIt):
    """LinkifyIt that does not swallow the Japanese punctuation written right after a URL.

    linkify-it accepts any non-ASCII letter in a URL path, and Japanese is written without a
    space after a URL, so the closing bracket and the rest of the sentence would otherwise
    become part of the link.
    """

    def match(self, text: str) -> list[Match] | None:
        matches = super().match(text)
        if not matches:
            return matches
        return [self._trim(text, match) for match in matches]

    def match_at_start(self, text: str) -> Match | None:
        match = super().match_at_start(text)
        return self._trim(text, match) if match else match

    def _trim(self, text: str, match: Match) -> Match:
        stop = _URL_STOP_RE.search(text, match.index, match.last_index)
        if stop is None or stop.start() - match.index <= len(match.schema):
            return match
        trimmed = Match(text, match.schema, match.index, stop.start())
        self.normalize(trimmed)
        return trimmed


def _table_align_to_attribute(state: StateCore) -> None:
    """Turn the table plugin's ``style="text-align:…"`` into ``align="…"``.

    The sanitizer never lets ``style`` through; ``align`` is on its allow-list, so column
    alignment written in the Markdown table survives.
    """
    for token in state.tokens:
        if token.type not in ("th_open", "td_open"):
            continue
        style = token.attrs.pop("style", None)
        if isinstance(style, str) and (match := _TEXT_ALIGN_RE.fullmatch(style)):
            token.attrs["align"] = match.group(1)


# The inline parser looks ahead for the end of a link label at every "[" (skipToken):
# text made of thousands of them ("[[[[…", "![![…", "[a][[…") has each character visited
# twenty to forty times, seconds of work for one post. What people write takes under one
# look-ahead step per ten characters; a post that needs more than this many per character
# (and the margin) is shown as plain paragraphs instead, so the work stays in proportion
# to the text whatever it holds.
LOOKAHEAD_STEPS_PER_CHAR = 2
LOOKAHEAD_STEPS_MARGIN = 2_000
_STEPS_LEFT = "sodan_lookahead_steps_left"


class _TooMuchWork(Exception):
    pass


class _BoundedInlineParser(ParserInline):
    """Counts the look-ahead steps of one rendering against the budget in its env."""

    def skipToken(self, state: StateInline) -> None:
        left = state.env.get(_STEPS_LEFT)
        if left is not None:
            if left <= 0:
                raise _TooMuchWork
            state.env[_STEPS_LEFT] = left - 1
        super().skipToken(state)


def _plain_paragraphs(source: str) -> str:
    """The text as written, escaped, in paragraphs and line breaks."""
    paragraphs = (part.strip() for part in re.split(r"\n\s*\n", source))
    return "".join(
        "<p>" + escape(part).replace("\n", "<br>\n") + "</p>\n" for part in paragraphs if part
    )


def _build_markdown() -> MarkdownIt:
    md = MarkdownIt(
        "commonmark",
        # breaks: a single newline is a line break, as people type in a comment box
        # (and as Japanese text, which has no spaces to reflow, needs).
        {"html": True, "linkify": True, "typographer": False, "breaks": True},
    ).enable(["table", "strikethrough", "linkify"])
    md.linkify = _JapaneseAwareLinkify()
    md.core.ruler.push("table_align_attribute", _table_align_to_attribute)
    bounded = _BoundedInlineParser()
    bounded.ruler, bounded.ruler2 = md.inline.ruler, md.inline.ruler2  # as configured above
    md.inline = bounded
    return md


_MARKDOWN = _build_markdown()


def render_markdown(source: str) -> str:
    """Render Markdown to sanitized HTML, ready to store in ``body_html``."""
    budget = LOOKAHEAD_STEPS_PER_CHAR * len(source) + LOOKAHEAD_STEPS_MARGIN
    try:
        html = _MARKDOWN.render(source, {_STEPS_LEFT: budget})
    except _TooMuchWork:
        html = _plain_paragraphs(source)
    return clean_html(html)


# Characters that show nothing on their own: format characters (zero-width space and
# joiners, word joiner, BOM, bidi controls, tags), controls, separators, combining marks
# with no letter to sit on, and the blank letters (Hangul fillers, the blank Braille cell).
_BLANK_CATEGORIES = frozenset({"Cc", "Cf", "Zs", "Zl", "Zp", "Mn", "Me", "Cn"})
_BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800\u180e")


def post_text(text: str) -> str:
    """A title or post as it is stored: without the page cache's marks (which nobody
    writes on purpose) and surrounding whitespace, and empty when nothing in it would
    show: a title of zero-width spaces is no title."""
    text = strip_page_marks(text).strip()
    if all(
        char in _BLANK_LETTERS or unicodedata.category(char) in _BLANK_CATEGORIES for char in text
    ):
        return ""
    return text


def _is_cluster_continuation(char: str) -> bool:
    """True for characters that belong to the previous one (combining marks, joiners, ...)."""
    return (
        unicodedata.combining(char) != 0
        or unicodedata.category(char) in ("Mn", "Me", "Mc")
        or char in "\u200c\u200d"
        or "\ufe00" <= char <= "\ufe0f"
        or "\U0001f3fb" <= char <= "\U0001f3ff"  # skin tone modifiers
    )


def render_plain_excerpt(source: str, length: int = 200) -> str:
    """Plain text of a Markdown post for listings, at most ``length`` characters.

    The result contains no markup and no HTML entities: it is plain text, to be escaped by the
    template like any other text. Whitespace is collapsed to single spaces. Longer text is cut
    on a character boundary (never inside a base character and its combining marks, which
    matters for Japanese voiced kana written with a combining mark and for emoji sequences;
    Japanese has no spaces to cut at) and ends with "…".
    """
    text = unescape(_STRIP_ALL_TAGS.clean(render_markdown(source)))
    text = _WHITESPACE_RE.sub(" ", text).strip()
    if len(text) <= length:
        return text
    if length <= 0:
        return ""
    cut = length - len(ELLIPSIS)
    while 0 < cut < len(text) and (
        _is_cluster_continuation(text[cut]) or text[cut - 1] in "\u200d"
    ):
        cut -= 1
    return text[:cut].rstrip() + ELLIPSIS


def body_html_link_count(html: str) -> int:
    """Links in rendered, sanitized HTML (what new members are limited on)."""
    return html.count("<a ")


# --- What a thread page shows of each answer besides its text ------------------------------


def answer_bylines(answers: Iterable[Any]) -> None:
    """Set on each answer its byline's values (`author_url`, `created_iso`): the profile
    address from one reverse for the page, where the template's url tag did it for every
    answer of a long thread. The date's text is written by the template (`date_text`,
    qa/templatetags/dates.py) only if the answer's block is rendered: a block kept in the
    cache (qa/templatetags/answer_blocks.py) needs none."""
    profile_url = profile_url_maker()
    for answer in answers:
        created = localtime(answer.created_at)
        answer.author_url = profile_url(answer.author.username)
        answer.created_iso = created.isoformat()
