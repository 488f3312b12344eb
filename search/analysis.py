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
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

import snowballstemmer

from . import analyser

if TYPE_CHECKING:  # imported where the dictionary is loaded: not in an app server's master
    from sudachipy import Dictionary, Morpheme  # that leaves analysis to the analyser process

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
    from sudachipy import Dictionary

    return Dictionary(dict="core")


def _tokenizer():
    tokenizer = getattr(_local, "tokenizer", None)
    if tokenizer is None:
        from sudachipy import SplitMode

        # Mode A (the shortest units) for recall: 充電器 also matches 充電, 携帯電話 matches 電話.
        tokenizer = _dictionary().tokenizer(mode=SplitMode.A)
        _local.tokenizer = tokenizer
    return tokenizer


def warm() -> None:
    """Load the dictionary and analyse a little Japanese, so what a first search would load
    is in memory already (called once in the app server's master, before it forks, when
    there is no analyser process)."""
    analyze("充電できないバッテリー")


# What each analysis reads of a morpheme. Only these calls need the dictionary: they run
# where the tokenizer is (this process, or the analyser process, search.analyser), and
# everything made of their results runs here.
TERMS = "terms"  # tokens_with_terms: (surface, part of speech, normalised form)
WORDS = "words"  # words: ((part of speech, its subdivision), normalised form, dictionary form)
MORPHEMES = "morphemes"  # morphemes: (surface, part of speech, dictionary form, normalised form)
READING = "reading"  # reading: the morpheme's reading


def _terms_fields(m: Morpheme) -> tuple[str, str, str]:
    return m.surface(), m.part_of_speech()[0], m.normalized_form()


def _words_fields(m: Morpheme) -> tuple[tuple[str, str], str, str]:
    pos = m.part_of_speech()
    return (pos[0], pos[1]), m.normalized_form(), m.dictionary_form()


def _morphemes_fields(m: Morpheme) -> tuple[str, str, str, str]:
    return m.surface(), m.part_of_speech()[0], m.dictionary_form(), m.normalized_form()


def _reading_fields(m: Morpheme) -> str:
    return m.reading_form()


FIELDS: dict[str, Callable[[Morpheme], object]] = {
    TERMS: _terms_fields,
    WORDS: _words_fields,
    MORPHEMES: _morphemes_fields,
    READING: _reading_fields,
}


def tokenize_here(chunks: Sequence[str], fields: str) -> list[list]:
    """Each chunk's morphemes as `fields` reads them, by this process's own tokenizer."""
    extract = FIELDS[fields]
    tokenizer = _tokenizer()
    return [[extract(m) for m in tokenizer.tokenize(chunk)] for chunk in chunks]


def tokenize(chunks: Sequence[str], fields: str) -> list[list]:
    """Each chunk's morphemes as `fields` reads them: from the analyser process when the
    app server runs one (one call for all the chunks), else, or when it does not answer,
    by this process's own tokenizer. Both give the same answer."""
    if not chunks:
        return []
    found = analyser.tokenize(chunks, fields)
    return found if found is not None else tokenize_here(chunks, fields)


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


# Short words and words written in capitals are names and model numbers (EOS, SSID, DNS):
# the stemmer would eat their last letter (eos → eo) and part them from their spellings.
MIN_STEMMED_CHARS = 4


@lru_cache(maxsize=200_000)
def _latin_term(word: str) -> str | None:
    term = word.lower()
    if term in ENGLISH_STOPWORDS:
        return None
    if not term.isalpha() or len(term) < MIN_STEMMED_CHARS or (word.isupper() and len(word) > 1):
        return term
    return _stemmer().stemWord(term)


# A model number or code is written joined or split: E-203 / E203, Wi-Fi / WiFi,
# EOS 5D / EOS5D. Its pieces at hyphens and letter/digit boundaries, and its joined form.
LATIN_JOINERS = re.compile(r"[-_]")
LATIN_PIECES = re.compile(r"[a-z]+|[0-9]+")
HAS_LETTER = re.compile(r"[a-z]")
HAS_DIGIT = re.compile(r"[0-9]")
# Two adjacent Latin words are also indexed joined when together they look like a model
# number (EOS 5D → eos5d, WPA 3 → wpa3): letters then a word starting with a digit, each short.
MAX_JOINED_PART = 6


def _is_code(lower: str) -> bool:
    return bool(LATIN_JOINERS.search(lower)) or bool(
        HAS_LETTER.search(lower) and HAS_DIGIT.search(lower)
    )


def is_code(term: str) -> bool:
    """A model number or an error code (e-203, c13, hx5d, wpa3): letters and digits in
    one Latin word. The most distinctive thing a customer types (search.backends.database
    lets it match alone); versions (2.1.2) and plain words are not codes."""
    return bool(HAS_LETTER.search(term) and HAS_DIGIT.search(term) and LATIN_RUN.fullmatch(term))


@lru_cache(maxsize=200_000)
def latin_forms(word: str) -> tuple[str, ...]:
    """Other forms a Latin word is indexed under, besides its term: the joined form of a
    code written with hyphens (e-203 → e203, wi-fi → wifi), and its pieces (e, 203)."""
    lower = word.lower()
    if not _is_code(lower) or "." in lower:  # versions (2.1.2) stay whole
        return ()
    forms = {LATIN_JOINERS.sub("", lower): None}
    for piece in LATIN_PIECES.findall(lower):
        if piece not in ENGLISH_STOPWORDS:
            forms.setdefault(piece, None)
    forms.pop(_latin_term(word), None)
    return tuple(forms)


def _joined_pair(first: str, second: str) -> str | None:
    """The joined form of two adjacent Latin words that together make a model number."""
    joined = (first + second).lower()
    if (
        first[-1].isalpha()
        and second[0].isdigit()
        and len(first) <= MAX_JOINED_PART
        and len(second) <= MAX_JOINED_PART
        and HAS_LETTER.search(joined)
        and HAS_DIGIT.search(joined)
        and not LATIN_JOINERS.search(joined)
        and "." not in joined
    ):
        return joined
    return None


# Japanese words a query does not need to match: light verbs and auxiliary-like verbs
# (できる, する, いる, ある, なる), Sudachi's "may be non-independent" nouns and adjectives
# (こと, もの, ため, ない), adverbs (とても, しょっちゅう, すぐ) and a few more words that
# every support question holds. Documents keep them (a query of nothing else still finds).
QUERY_STOP_POS = {"副詞", "連体詞", "感動詞", "接頭辞", "代名詞"}
QUERY_STOP_SUBPOS = {"非自立可能"}
# Only nouns and adjectives of that kind: verbs such as 切れる and 出る are "may be
# non-independent" too, and carry the meaning; light verbs are listed by name.
QUERY_STOP_SUBPOS_OF = {"名詞", "形容詞"}
QUERY_STOP_TERMS = {
    "出来る", "為る", "有る", "居る", "成る", "来る", "無い", "言う", "思う", "見る", "呉れる",
    "遣る", "貰う", "仕舞う", "行く", "置く", "欲しい", "良い", "事", "物", "為", "様", "方",
    "時", "所", "感じ", "こと", "もの", "ため", "よう", "ところ",
    "迚も", "凄い", "全然", "一寸", "又", "もう", "まだ",
}  # fmt: skip
# A reading shorter than this is too often shared by unrelated words (キ, カイ, サン).
MIN_READING_CHARS = 3
KATAKANA = re.compile(r"^[\u30a0-\u30ff]+$")


# Readings found lately, per process, by dictionary form (the oldest forgotten first).
READING_CACHE_SIZE = 100_000
_reading_cache: dict[str, str | None] = {}
_reading_cache_lock = threading.Lock()
_UNKNOWN = object()


def reading(dictionary_form: str) -> str | None:
    """The katakana reading of a word's dictionary form (濡れる and ぬれる both ヌレル),
    indexed as a second form so kana and kanji spellings meet; None when it adds nothing."""
    return readings([dictionary_form])[dictionary_form]


def readings(dictionary_forms: Iterable[str]) -> dict[str, str | None]:
    """reading() of each form; the forms not met lately are read in one call."""
    found: dict[str, str | None] = {}
    missing: list[str] = []
    for form in dictionary_forms:
        known = _reading_cache.get(form, _UNKNOWN)
        if known is _UNKNOWN:
            missing.append(form)
        else:
            found[form] = known
    missing = list(dict.fromkeys(missing))
    for form, read in zip(missing, tokenize(missing, READING), strict=True):
        text = "".join(read)
        if len(text) < MIN_READING_CHARS or not KATAKANA.match(text) or text == form:
            text = None
        found[form] = text
        with _reading_cache_lock:
            if len(_reading_cache) >= READING_CACHE_SIZE:
                del _reading_cache[next(iter(_reading_cache))]
            _reading_cache[form] = text
    return found


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


def _split(text: str) -> list[tuple[str, bool]]:
    return list(_segments(normalize(text)))


def _is_japanese(piece: str, is_latin: bool) -> bool:
    """A piece the tokenizer reads: not a Latin run, nor only spaces and punctuation."""
    return not is_latin and bool(WORD_CHAR.search(piece))


def _analysed_pieces(split_texts: Sequence[list[tuple[str, bool]]], fields: str) -> Iterator[list]:
    """The morphemes of every piece of the texts the tokenizer reads, piece after piece,
    asked for in one call (made when the first piece is wanted: none for Latin text)."""
    pieces = [
        list(_chunks(piece))
        for split in split_texts
        for piece, is_latin in split
        if _is_japanese(piece, is_latin)
    ]
    if not pieces:
        return
    analysed = iter(tokenize([chunk for chunks in pieces for chunk in chunks], fields))
    for chunks in pieces:
        yield [morpheme for _chunk in chunks for morpheme in next(analysed)]


def tokens_with_terms(text: str) -> list[tuple[str, str | None]]:
    """(surface, term) pairs covering the whole normalised text; term is None for what is
    not indexed (particles, punctuation, spaces). Used for indexing and highlighting."""
    return tokens_with_terms_many([text])[0]


def tokens_with_terms_many(texts: Sequence[str]) -> list[list[tuple[str, str | None]]]:
    """tokens_with_terms() of each text, the Japanese of all of them analysed at once."""
    split_texts = [_split(text) for text in texts]
    analysed = _analysed_pieces(split_texts, TERMS)
    found: list[list[tuple[str, str | None]]] = []
    for split in split_texts:
        pairs: list[tuple[str, str | None]] = []
        for piece, is_latin in split:
            if is_latin:
                pairs.append((piece, _latin_term(piece)))
                continue
            if not _is_japanese(piece, is_latin):  # spaces and punctuation between Latin words
                pairs.append((piece, None))
                continue
            for surface, pos, normalized in next(analysed):
                term = None
                if pos in CONTENT_POS:
                    term = normalized.lower().strip() or None
                pairs.append((surface, term))
        found.append(pairs)
    return found


def morphemes(text: str) -> list[tuple[str, str, str, str]]:
    """(surface, part of speech, dictionary form, normalised form) of every morpheme of
    the NFKC-normalised text, auxiliaries and particles included; a Latin run is one
    morpheme of its own with part of speech "latin". For matchers that need more than the
    index's terms (crisis keywords tell できない from できる)."""
    found: list[tuple[str, str, str, str]] = []
    split = _split(text)
    analysed = _analysed_pieces([split], MORPHEMES)
    for piece, is_latin in split:
        if is_latin:
            found.append((piece, "latin", piece, piece))
        elif _is_japanese(piece, is_latin):
            found.extend(next(analysed))
    return found


@dataclass(frozen=True)
class Word:
    """One word of a text: its term, the other forms it is indexed under (a code's joined
    form and pieces, a Japanese word's reading), and whether a query may leave it out."""

    term: str
    forms: tuple[str, ...] = ()
    stop: bool = False
    # Forms a query accepts for this word (a subset of `forms`: a code's pieces alone, e and
    # 203, would find every thread with a 203 in it).
    query_forms: tuple[str, ...] = ()


def words(text: str) -> list[Word]:
    """The indexed words of a text, in order, with their second forms."""
    return words_many([text])[0]


def words_many(texts: Sequence[str]) -> list[list[Word]]:
    """words() of each text: the Japanese of all of them analysed at once, then the
    readings of the words not met lately, at once."""
    split_texts = [_split(text) for text in texts]
    analysed = list(_analysed_pieces(split_texts, WORDS))
    known = readings(
        dictionary_form
        for piece in analysed
        for pos, normalized, dictionary_form in piece
        if pos[0] in CONTENT_POS and normalized.lower().strip()
    )
    pieces = iter(analysed)
    return [_words(split, pieces, known) for split in split_texts]


def _words(
    split: list[tuple[str, bool]], analysed: Iterator[list], known: dict[str, str | None]
) -> list[Word]:
    found: list[Word] = []
    previous_latin: str | None = None
    for piece, is_latin in split:
        if is_latin:
            term = _latin_term(piece)
            joined = _joined_pair(previous_latin, piece) if previous_latin else None
            if joined and found:
                last = found[-1]
                found[-1] = Word(last.term, (*last.forms, joined), last.stop,
                                 (*last.query_forms, joined))  # fmt: skip
            if term:
                forms = latin_forms(piece)
                whole = LATIN_JOINERS.sub("", piece.lower())
                query_forms = (whole,) if whole in forms else ()
                if joined:
                    forms, query_forms = (*forms, joined), (*query_forms, joined)
                found.append(Word(term, forms, False, query_forms))
            previous_latin = piece
            continue
        if piece.strip():
            previous_latin = None
        if not _is_japanese(piece, is_latin):
            continue
        for pos, normalized, dictionary_form in next(analysed):
            if pos[0] not in CONTENT_POS:
                continue
            term = normalized.lower().strip()
            if not term:
                continue
            read = known[dictionary_form]
            forms = (read,) if read and read != term else ()
            stop = pos[0] in QUERY_STOP_POS or (
                pos[0] in QUERY_STOP_SUBPOS_OF and pos[1] in QUERY_STOP_SUBPOS
            )
            found.append(Word(term, forms, stop or term in QUERY_STOP_TERMS, forms))
    return found


def analyze(text: str) -> list[str]:
    """Terms of a text, in order, repeats kept (they weigh in ranking)."""
    return [term for _surface, term in tokens_with_terms(text) if term]


def index_terms(text: str) -> list[str]:
    """What the index holds for a text: every term, then each word's second forms (a
    code's joined form and pieces, a Japanese word's reading), repeats kept."""
    return index_terms_many([text])[0]


def index_terms_many(texts: Sequence[str]) -> list[list[str]]:
    """index_terms() of each text, analysed together (indexing a batch of threads)."""
    return [
        [w.term for w in found] + [form for w in found for form in w.forms]
        for found in words_many(texts)
    ]


def analyze_query(text: str, *, max_terms: int = 12) -> list[str]:
    """Distinct query terms, in order, at most `max_terms`."""
    seen: dict[str, None] = {}
    for term in analyze(text):
        seen.setdefault(term, None)
        if len(seen) >= max_terms:
            break
    return list(seen)


def query_groups(text: str, *, max_groups: int = 8) -> list[tuple[str, ...]]:
    """The words of a query as groups of alternatives (the term first, then its other
    forms): a thread matches a word when it holds any form of it. Light verbs, auxiliaries
    and adverbs are left out unless the query holds nothing else."""
    found = words(text)
    kept = [w for w in found if not w.stop] or found
    groups: dict[str, tuple[str, ...]] = {}
    for word in kept:
        group = groups.get(word.term, (word.term,))
        groups[word.term] = group + tuple(f for f in word.query_forms if f not in group)
        if len(groups) >= max_groups:
            break
    return list(groups.values())


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
