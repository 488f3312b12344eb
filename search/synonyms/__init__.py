"""Synonyms applied at query time (no reindex): the built-in support vocabulary
(`support.json`, both languages) widens each word of a query to the other words of its
set, analysed the way the index is, so 返金 also finds 払い戻し and "unsubscribe" finds
"cancel my subscription"."""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from ..analysis import words

HERE = Path(__file__).resolve().parent
# Alternatives one query word may grow to: a word in a broad set must not match everything.
MAX_ALTERNATIVES = 12


def _terms(phrase: str) -> list[str]:
    return [w.term for w in words(phrase) if not w.stop] or [w.term for w in words(phrase)]


def synonym_map(sets: Iterable[Iterable[str]]) -> dict[str, tuple[str, ...]]:
    """term → the terms of every set it belongs to (itself included)."""
    found: dict[str, dict[str, None]] = {}
    for entry in sets:
        terms: dict[str, None] = {}
        for phrase in entry:
            for term in _terms(phrase):
                terms.setdefault(term, None)
        for term in terms:
            found.setdefault(term, {}).update(terms)
    return {term: tuple(others) for term, others in found.items()}


@lru_cache(maxsize=1)
def builtin_map() -> dict[str, tuple[str, ...]]:
    data = json.loads((HERE / "support.json").read_text(encoding="utf-8"))
    return synonym_map(data["sets"])


def expand(
    groups: list[tuple[str, ...]], *, extra: dict[str, tuple[str, ...]] | None = None
) -> list[tuple[str, ...]]:
    """Each group of a query's alternatives, widened by the synonyms of its words (the
    built-in vocabulary and `extra`, a brand's own). Words that the vocabulary makes one
    are one word of the query: the pieces of a compound (洗濯機 → 洗濯, 機), or a word
    typed with its synonym ("refund 返金"), would otherwise count twice towards the share
    of words a thread must hold, and weigh twice in its score."""
    maps = [builtin_map(), *([extra] if extra else [])]
    widened: list[tuple[str, ...]] = []
    for group in groups:
        alternatives = dict.fromkeys(group)
        for term in group:
            for table in maps:
                for other in table.get(term, ()):
                    if len(alternatives) < MAX_ALTERNATIVES:
                        alternatives.setdefault(other, None)
        same = next((n for n, earlier in enumerate(widened) if group[0] in earlier), None)
        if same is not None and widened[same][0] in alternatives:
            merged = dict.fromkeys(widened[same])
            for other in alternatives:
                if len(merged) < MAX_ALTERNATIVES:
                    merged.setdefault(other, None)
            widened[same] = tuple(merged)
            continue
        widened.append(tuple(alternatives))
    return widened
