"""Snippets with the matched words marked.

The text is cut into the analyser's tokens (search.analysis), so a match is marked in
whatever spelling the text uses: a search for 「できない」 marks 「出来」 too. Every piece
of user text is escaped by format_html; only the <mark> tags are markup.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString

from .analysis import LATIN_RUN, normalize, tokens_with_terms

ELLIPSIS = "…"
# Snippets made lately, per process: the same text marked for the same words again (a
# query asked again, its next page, the suggest box's fragment of the same search) is not
# analysed again, which is most of a result page's time after its SQL. Keyed by the text
# itself, so an edited post is a new entry; a few megabytes at most.
HIGHLIGHT_CACHE_SIZE = 4096


@dataclass(frozen=True)
class Snippet:
    html: SafeString
    matched: bool

    def __str__(self) -> str:
        return self.html

    def __html__(self) -> str:
        return self.html


def highlight(text: str, terms: set[str] | frozenset[str], *, width: int = 160) -> Snippet:
    """About `width` characters of `text` around its first match (or its start)."""
    return _highlight(text, frozenset(terms), width)


@lru_cache(maxsize=HIGHLIGHT_CACHE_SIZE)
def _highlight(text: str, terms: frozenset[str], width: int) -> Snippet:
    pairs = tokens_with_terms(text)
    first = next((i for i, (_s, t) in enumerate(pairs) if t in terms), None)
    start = 0
    if first is not None:
        # Step back about a third of the width so the match has context before it.
        budget = width // 3
        start = first
        while start > 0 and budget > 0:
            start -= 1
            budget -= len(pairs[start][0])
    # Neighbouring tokens of one kind make one run, so escaping is per run, not per token.
    runs: list[list] = []
    length, cut = 0, False
    for surface, term in pairs[start:]:
        if length >= width:
            cut = True
            break
        marked = term in terms
        if runs and runs[-1][1] == marked:
            runs[-1][0] += surface
        else:
            runs.append([surface, marked])
        length += len(surface)
    pieces: list[SafeString] = [escape(ELLIPSIS)] if start > 0 else []
    for text_run, marked in runs:
        text_run = text_run.replace("\n", " ")
        pieces.append(format_html("<mark>{}</mark>", text_run) if marked else escape(text_run))
    if cut:
        pieces.append(escape(ELLIPSIS))
    html = format_html_join("", "{}", ((piece,) for piece in pieces))
    return Snippet(html=html, matched=first is not None)


def leading(text: str, *, width: int = 160) -> Snippet:
    """About `width` characters from the start of a text known to hold no query term, as
    highlight() shows it, without analysing it: cut at `width`, or at the end of a Latin
    word running across it."""
    text = normalize(text)
    if len(text) <= width:
        return Snippet(html=escape(text.replace("\n", " ")), matched=False)
    cut = width
    word = LATIN_RUN.match(text, cut - 1) if text[cut - 1].isascii() else None
    if word is not None:
        cut = word.end()
    html = format_html("{}{}", text[:cut].replace("\n", " "), ELLIPSIS)
    return Snippet(html=html, matched=False)
