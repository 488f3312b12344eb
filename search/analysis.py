"""Text analysis for the database search index: the same function turns documents and
queries into terms, so they meet.

Japanese has no spaces between words, and the same verb is written many ways:
「できない」「出来ません」. SudachiPy splits text into morphemes and gives each its
normalised form (both become 出来る), so a query finds every spelling and politeness
level, which character bigrams cannot do. Text is NFKC-normalised first (ｉＰｈｏｎｅ →
iPhone), function words (particles, auxiliaries, symbols) are dropped, and Latin words are
lower-cased and stemmed with the Snowball English stemmer (batteries → batteri).
"""

from __future__ import annotations

import re
import threading
import unicodedata
from functools import lru_cache

import snowballstemmer
from sudachipy import Dictionary, SplitMode

# Parts of speech that carry meaning; particles (助詞), auxiliaries (助動詞), symbols and
# blanks are left out of the index and of queries.
CONTENT_POS = {"名詞", "動詞", "形容詞", "形状詞", "副詞", "代名詞", "連体詞", "接頭辞", "感動詞"}
ENGLISH_STOPWORDS = {
    "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into", "is",
    "it", "no", "not", "of", "on", "or", "such", "that", "the", "their", "then", "there",
    "these", "they", "this", "to", "was", "will", "with", "i", "my", "me", "do", "does",
}  # fmt: skip
# Runs of Latin letters and digits are words of their own (Z5, 2.1.2, E-203, iPhone):
# they bypass the Japanese analyser, which would split them or turn English into katakana.
LATIN_RUN = re.compile(r"[0-9A-Za-z](?:[0-9A-Za-z]|[.+#_-](?=[0-9A-Za-z]))*")
WORD_CHAR = re.compile(r"\w")
# Sudachi's input limit is in bytes; long texts are analysed in pieces.
CHUNK_CHARS = 4000

_local = threading.local()


@lru_cache(maxsize=1)
def _dictionary() -> Dictionary:
    """One dictionary per process, shared by its threads' tokenizers (a tokenizer is not
    thread-safe, the dictionary is): loaded before the app server forks (`warm()`, from
    community/wsgi.py), its pages are shared by every worker instead of copied into each."""
    return Dictionary(dict="core")


def _tokenizer():
    tokenizer = getattr(_local, "tokenizer", None)
    if tokenizer is None:
        # Mode A (the shortest units) for recall: 充電器 also matches 充電, 携帯電話 matches 電話.
        tokenizer = _dictionary().tokenizer(mode=SplitMode.A)
        _local.tokenizer = tokenizer
    return tokenizer


def warm() -> None:
    """Load the dictionary and analyse a little Japanese, so what a first search would load
    is in memory already (called once in the app server's master, before it forks)."""
    analyze("充電できないバッテリー")


@lru_cache(maxsize=1)
def _stemmer():
    return snowballstemmer.stemmer("english")


def normalize(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "")


# Control characters: nothing a person means in a query, and NUL is refused by PostgreSQL
# in any text it is given.
CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
PLAIN_WORD = re.compile(r"\w+")


def query_text(text: str) -> str:
    """What a person typed in a search box, ready for every layer below: control
    characters (NUL, escapes, tabs and line breaks) become spaces."""
    return CONTROL_CHARS.sub(" ", text or "")


def plain_words(text: str, *, max_chars: int = 200) -> str:
    """Only the words of a query, separated by spaces: for full-text engines that read
    quotes and operators in what they are given (Wagtail's search of knowledge articles
    builds an FTS5 query on SQLite, where a quote inside a word is a syntax error)."""
    return " ".join(PLAIN_WORD.findall(normalize(query_text(text))))[:max_chars].strip()


@lru_cache(maxsize=200_000)
def _latin_term(word: str) -> str | None:
    term = word.lower()
    if term in ENGLISH_STOPWORDS:
        return None
    return _stemmer().stemWord(term) if term.isalpha() else term


def _segments(text: str):
    """(piece, is_latin) covering the text: Latin runs, and what lies between them."""
    position = 0
    for match in LATIN_RUN.finditer(text):
        if match.start() > position:
            yield text[position : match.start()], False
        yield match.group(0), True
        position = match.end()
    if position < len(text):
        yield text[position:], False


def _chunks(text: str):
    for start in range(0, len(text), CHUNK_CHARS):
        yield text[start : start + CHUNK_CHARS]


def tokens_with_terms(text: str) -> list[tuple[str, str | None]]:
    """(surface, term) pairs covering the whole normalised text; term is None for what is
    not indexed (particles, punctuation, spaces). Used for indexing and highlighting."""
    pairs: list[tuple[str, str | None]] = []
    tokenizer = _tokenizer()
    for piece, is_latin in _segments(normalize(text)):
        if is_latin:
            pairs.append((piece, _latin_term(piece)))
            continue
        if not WORD_CHAR.search(piece):  # spaces and punctuation between Latin words
            pairs.append((piece, None))
            continue
        for chunk in _chunks(piece):
            for morpheme in tokenizer.tokenize(chunk):
                term = None
                if morpheme.part_of_speech()[0] in CONTENT_POS:
                    term = morpheme.normalized_form().lower().strip() or None
                pairs.append((morpheme.surface(), term))
    return pairs


def morphemes(text: str) -> list[tuple[str, str, str, str]]:
    """(surface, part of speech, dictionary form, normalised form) of every morpheme of
    the NFKC-normalised text, auxiliaries and particles included; a Latin run is one
    morpheme of its own with part of speech "latin". For matchers that need more than the
    index's terms (crisis keywords tell できない from できる)."""
    found: list[tuple[str, str, str, str]] = []
    tokenizer = _tokenizer()
    for piece, is_latin in _segments(normalize(text)):
        if is_latin:
            found.append((piece, "latin", piece, piece))
            continue
        if not WORD_CHAR.search(piece):
            continue
        for chunk in _chunks(piece):
            found.extend(
                (m.surface(), m.part_of_speech()[0], m.dictionary_form(), m.normalized_form())
                for m in tokenizer.tokenize(chunk)
            )
    return found


def analyze(text: str) -> list[str]:
    """Terms of a text, in order, repeats kept (they weigh in ranking)."""
    return [term for _surface, term in tokens_with_terms(text) if term]


def analyze_query(text: str, *, max_terms: int = 12) -> list[str]:
    """Distinct query terms, in order, at most `max_terms`."""
    seen: dict[str, None] = {}
    for term in analyze(text):
        seen.setdefault(term, None)
        if len(seen) >= max_terms:
            break
    return list(seen)


# Pieces of a query for the character n-gram fallback: runs of word characters, at least
# three long (SQLite's trigram tokenizer matches nothing shorter, and PostgreSQL's trigram
# index cannot help with them either).
NGRAM_PIECE = re.compile(r"\w{3,}")


def ngram_text(text: str) -> str:
    """What the n-gram index holds: normalised, lower-cased text."""
    return normalize(text).lower()


def ngram_pieces(text: str, *, max_pieces: int = 6) -> list[str]:
    """Substrings the n-gram fallback looks for, when the analysed terms found nothing:
    a word cut short while typing (「イヤホ」, "firmw"), or written in a way the
    dictionary splits differently."""
    pieces: dict[str, None] = {}
    for piece in NGRAM_PIECE.findall(ngram_text(text)):
        pieces.setdefault(piece, None)
    return list(pieces)[:max_pieces]
