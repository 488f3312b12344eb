"""Snippets with the matched words marked.

The text is cut into the analyser's tokens (search.analysis), so a match is marked in
whatever spelling the text uses: a search for 「できない」 marks 「出来」 too. Every piece
of user text is escaped by format_html; only the <mark> tags are markup.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString

from .analysis import LATIN_RUN, normalize, tokens_with_terms_many

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


_snippets: OrderedDict[tuple[str, frozenset[str], int], Snippet] = OrderedDict()
_snippets_lock = threading.Lock()


def highlight(text: str, terms: set[str] | frozenset[str], *, width: int = 160) -> Snippet:
    """About `width` characters of `text` around its first match (or its start)."""
    return highlight_many([(text, frozenset(terms), width)])[0]


def highlight_many(wanted: Sequence[tuple[str, frozenset[str], int]]) -> list[Snippet]:
    """highlight(text, terms, width=width) of each (text, terms, width): the texts not
    remembered are analysed together (one call to the analyser process for a page of
    results, when the app server runs one)."""
    wanted = [(text, frozenset(terms), width) for text, terms, width in wanted]
    found: dict[tuple[str, frozenset[str], int], Snippet] = {}
    missing: dict[tuple[str, frozenset[str], int], None] = {}
    with _snippets_lock:
        for key in wanted:
            snippet = _snippets.get(key)
            if snippet is None:
                missing[key] = None
            else:
                _snippets.move_to_end(key)
                found[key] = snippet
    if missing:
        texts = list(dict.fromkeys(text for text, _terms, _width in missing))
        pairs_of = dict(zip(texts, tokens_with_terms_many(texts), strict=True))
        made = {key: _marked(pairs_of[key[0]], key[1], key[2]) for key in missing}
        found.update(made)
        with _snippets_lock:
            _snippets.update(made)
            while len(_snippets) > HIGHLIGHT_CACHE_SIZE:
                _snippets.popitem(last=False)
    return [found[key] for key in wanted]


def _marked(pairs: list[tuple[str, str | None]], terms: frozenset[str], width: int) -> Snippet:
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
