"""How a crisis keyword is found in a post: literally, and by the words it is made of.

Literally: both are NFKC-normalised and case-folded (ＳＯＳ = sos, ｶﾞ = ガ), and the keyword
is looked for as a substring, which needs no spaces between words.

By its words: Japanese writes one verb many ways (できない, 出来ない, 出来ません), which no
substring finds. Both texts go through the search analyser's morphemes (search.analysis,
SudachiPy): each content word stands for its dictionary form and its normalised form
(できる and 出来る), negation (ない, ぬ, ず) for one mark, and particles, other
auxiliaries (ます, です, た) and symbols are dropped; English words stand for their
lower-cased Snowball stems (batteries = battery). The keyword matches where its sequence
of words appears in the post's, each word sharing a form with the post's word at that
place: 出来ない matches 充電出来ません but not 充電できる.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from functools import lru_cache

from search import analysis

# Parts of speech of the words that carry meaning (search.analysis.CONTENT_POS).
CONTENT_POS = analysis.CONTENT_POS
NEGATION = "¬"
NEGATION_FORMS = {"ない", "ぬ", "ず"}

Word = frozenset[str]


def literal_form(text: str) -> str:
    """ＳＯＳ → sos, ｶﾞ → ガ: the form keywords and posts are compared in literally."""
    return unicodedata.normalize("NFKC", text or "").casefold()


def words(text: str) -> tuple[Word, ...]:
    """The text as a sequence of words, each the set of forms it may be matched by."""
    sequence: list[Word] = []
    for surface, pos, dictionary_form, normalized_form in analysis.morphemes(text):
        if pos == "latin":
            lowered = surface.lower()
            stem = analysis._stemmer().stemWord(lowered) if lowered.isalpha() else lowered
            sequence.append(frozenset({stem}))
        elif pos == "助動詞" and dictionary_form in NEGATION_FORMS:
            sequence.append(frozenset({NEGATION}))
        elif pos in CONTENT_POS:
            forms = {dictionary_form.lower(), normalized_form.lower()} - {""}
            if forms:
                sequence.append(frozenset(forms))
    return tuple(sequence)


@lru_cache(maxsize=4096)
def keyword_words(phrase: str) -> tuple[Word, ...]:
    """A keyword's words, remembered: the list is short and changes rarely."""
    return words(phrase)


def contains(haystack: tuple[Word, ...], needle: tuple[Word, ...]) -> bool:
    """Whether the needle's words appear, in order and next to each other, in the haystack."""
    if not needle or len(needle) > len(haystack):
        return False
    for start in range(len(haystack) - len(needle) + 1):
        if all(haystack[start + offset] & word for offset, word in enumerate(needle)):
            return True
    return False


class PostText:
    """A post's text in both forms, computed once and matched against every keyword."""

    def __init__(self, text: str) -> None:
        self.literal = literal_form(text)
        self._text = text
        self._words: tuple[Word, ...] | None = None

    @property
    def words(self) -> tuple[Word, ...]:
        if self._words is None:
            self._words = words(self._text)
        return self._words

    def matches(self, phrase: str, normalized: str = "") -> bool:
        needle = normalized or literal_form(phrase).strip()
        if needle and needle in self.literal:
            return True
        return contains(self.words, keyword_words(phrase))


def matching(phrases: Iterable[tuple[str, str]], text: str) -> list[str]:
    """The phrases (phrase, literal form) found in the text."""
    post = PostText(text)
    return [phrase for phrase, normalized in phrases if post.matches(phrase, normalized)]
