"""The embedded search backend: SQLite FTS5 or PostgreSQL full-text search, chosen by the
database engine in use. Both index the analysed terms from search.analysis (Japanese
morphemes in normalised form, stemmed English), so both rank the same way: title over
question over answers (field weights), multiplied by the thread's stored boost (solved,
verified, official and shared threads rise; search.documents.ThreadDoc.rank_boost).

The final score is computed in SQL, so any page of any result set is one query with
OFFSET/LIMIT, and the total comes with it. On PostgreSQL that query ranks a bounded set
of candidates and counts up to COUNT_LIMIT, so a common word costs about what a rare one
does (DatabaseBackend._postgres_ranked)."""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import connection, transaction

from ..analysis import is_code, ngram_pieces
from ..documents import ThreadDoc
from ..models import TermStatistic, ThreadDocument
from .base import ANSWERS, BODY, TITLE, SearchHit, SearchQuery, SearchResults

MAX_POSITION = 16383  # PostgreSQL's limit for lexeme positions
MAX_POSITIONS_PER_TERM = 256  # and for positions of one lexeme
# Field weights. FTS5's bm25() takes one per column; PostgreSQL's ts_rank one per weight
# class, in the order D, C, B, A (answers are C, the question B, the title A).
SQLITE_WEIGHTS = "10.0, 4.0, 1.0"
POSTGRES_WEIGHTS = "{0.1, 0.25, 0.5, 1.0}"
# The title's lexemes (weight A) of the tsvector, as indexed by migration 0004: the first,
# small set of candidates for ranking on PostgreSQL.
TITLE_LEXEMES = "ts_filter(d.search_vector, '{a}')"
FIELDS = (TITLE, BODY, ANSWERS)  # in the order of the weights A, B, C
# PostgreSQL counts matches exactly up to this many; past it the page says "More than 500".
COUNT_LIMIT = 500
# How many threads, best boost first, PostgreSQL walks looking for a common word in their
# titles before it sorts every title match instead; it walks on past the first
# TITLE_SAMPLE only when they hold the words often enough to fill the window within the
# walk (_postgres_ranked). The walk reads an index holding each thread's title words
# (migration 0010), a few tenths of a microsecond per thread; sorting reads each title
# match from the table, a microsecond or more: below about one title in thirty, sorting
# is quicker.
TITLE_WALK = 10000
TITLE_SAMPLE = 500
# The term statistics may count a few documents too many (those of threads deleted
# outright since the last rebuild went by cascade, their counts unnoticed): they stand
# for the count only when they say at least this many times more than COUNT_LIMIT.
COUNT_MARGIN = 2
# With a filter (a brand), the first matches are found either by reading the filtered
# documents' words in table order until COUNT_LIMIT + 1 match, or from the index of words
# (GIN) intersected with the filter's index (_index_from). Reading one document's words
# (out of TOAST, decompressed, matched) costs about READ_DOCUMENT_US; the index about
# INDEX_BASE_US and INDEX_ENTRY_US per entry of the query's terms. Measured at tier M
# (100,000 threads): a word in one thread of ten read in a brand of 8,000 threads, 20 to
# 45 ms, by the index 4 to 10; a word in every other thread, 5 ms read, 10 to 30 by the
# index, whose entries are then many.
READ_DOCUMENT_US = 5.0
INDEX_BASE_US = 1000.0
INDEX_ENTRY_US = 0.15


def _fts5_phrase(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _ts_lexeme(term: str) -> str:
    return "'" + term.replace("\\", "\\\\").replace("'", "''") + "'"


# A query's words may be missing from the thread that answers it (a word of the customer's
# own, a typo): at least this share of its words must match, the rarest weighing most in
# the score (FTS5's bm25()). Past MAX_SHARE_GROUPS words the combinations grow too many:
# any word may match, and the score sorts them.
MIN_SHARE = 0.5
MAX_SHARE_GROUPS = 6
# A thread holding every word of the query rises over one holding only some.
FULL_MATCH_BOOST = 1.25


SQLITE_FULL_MATCH = (
    "(CASE WHEN search_fts.rowid IN (SELECT rowid FROM search_fts WHERE search_fts MATCH "
    "%(full)s) THEN %(full_boost)s ELSE 1 END)"
)


def required_words(count: int) -> int:
    """How many of a query's `count` words a thread must hold."""
    if count > MAX_SHARE_GROUPS:
        return 1
    return max(1, math.ceil(count * MIN_SHARE))


def match_expression(groups, need: int, *, quote, any_of: str, all_of: str) -> str:
    """A full-text query: at least `need` of the groups, each any of its alternatives.
    Short of all of them, a group that is a model number or an error code (E-203, C13,
    HX5D: search.analysis.is_code) matches alone: a customer who types one means the
    threads that hold it, whatever other words they chose."""
    parts = ["(" + f" {any_of} ".join(quote(t) for t in group) + ")" for group in groups]
    if need >= len(parts):
        return f" {all_of} ".join(parts)
    if need <= 1:
        return f" {any_of} ".join(parts)
    codes = [part for part, group in zip(parts, groups, strict=True) if is_code(group[0])]
    return f" {any_of} ".join(
        ["(" + f" {all_of} ".join(combo) + ")" for combo in itertools.combinations(parts, need)]
        + codes
    )


def fts5_match(groups, need: int) -> str:
    return match_expression(groups, need, quote=_fts5_phrase, any_of="OR", all_of="AND")


def ts_match(groups, need: int, *, weight: str = "") -> str:
    """A tsquery; with `weight`, each lexeme only where it has that weight (A: the title)."""
    quote = (lambda t: f"{_ts_lexeme(t)}:{weight}") if weight else _ts_lexeme
    return match_expression(groups, need, quote=quote, any_of="|", all_of="&")


def tsvector_literal(doc: ThreadDoc) -> str:
    """A tsvector written out with positions and weights (A title, B question, C answers),
    so PostgreSQL's own parser never splits the Japanese terms."""
    positions: dict[str, list[str]] = defaultdict(list)
    position = 0
    for weight, terms in (("A", doc.title_terms), ("B", doc.body_terms), ("C", doc.answer_terms)):
        for term in terms:
            position = min(position + 1, MAX_POSITION)
            if len(positions[term]) < MAX_POSITIONS_PER_TERM:
                positions[term].append(f"{position}{weight}")
    return " ".join(f"{_ts_lexeme(t)}:{','.join(p)}" for t, p in positions.items())


# --- term statistics (PostgreSQL) ------------------------------------------------------
# How many documents hold each term (search.models.TermStatistic), for ranking by rarity.
# Kept by increments where the documents are written: a batch reads the terms of the
# documents it replaces as it deletes them, and adds (new − old) per term in one upsert.
# Increments commute, so two search workers sharing the outbox never lose a count (a
# recount would have to stop them); each batch first takes its threads' advisory locks
# (the workers' own, re-entrant for a worker that holds them already), so a reindex and a
# worker never both replace one thread from the same old document; and the upsert
# touches its terms in sorted order, so two batches wait on each other's common terms
# but never deadlock. A rebuild ends with an exact recount.
COLLECTION = ""  # the empty term, never a lexeme, counts the documents themselves
THREAD_LOCK_SPACE = 0x5EA7C4  # the advisory lock key space of search.services' workers


def _postgres_delete_counting(cursor, thread_ids: list[int]) -> Counter[str]:
    """Delete the documents of these threads, under their threads' locks; returns how many
    of them held each term (COLLECTION: how many there were)."""
    cursor.execute(
        "SELECT pg_advisory_xact_lock(%s, (t.id %% 2147483648)::int) "
        "FROM unnest(%s::bigint[]) WITH ORDINALITY AS t(id, n) ORDER BY t.n",
        [THREAD_LOCK_SPACE, sorted(set(thread_ids))],
    )
    cursor.execute(
        """
WITH old AS (
    DELETE FROM search_threaddocument WHERE thread_id = ANY(%s) RETURNING search_vector
)
SELECT t.term, COUNT(*) FROM old, unnest(tsvector_to_array(old.search_vector)) AS t(term)
GROUP BY t.term
UNION ALL SELECT %s, COUNT(*) FROM old
""",
        [list(thread_ids), COLLECTION],
    )
    return Counter(dict(cursor.fetchall()))


def _count_terms(cursor, changes: Counter[str]) -> None:
    """Add each term's change to its count, in one statement, terms in sorted order."""
    changed = sorted((term, n) for term, n in changes.items() if n)
    if not changed:
        return
    cursor.execute(
        "INSERT INTO search_termstatistic AS s (term, documents) "
        "SELECT term, n FROM unnest(%s::text[], %s::bigint[]) AS c(term, n) ORDER BY term "
        "ON CONFLICT (term) DO UPDATE SET documents = s.documents + EXCLUDED.documents",
        [[t for t, _ in changed], [n for _, n in changed]],
    )
    # A term no document holds any more goes: it may be a name erased from every post
    # (privacy's erasure walk looks for it), and a count of nothing says nothing.
    fewer = [t for t, n in changed if n < 0 and t != COLLECTION]
    if fewer:
        cursor.execute(
            "DELETE FROM search_termstatistic WHERE term = ANY(%s) AND documents <= 0", [fewer]
        )


def recount_terms(cursor) -> None:
    """Count every term again from the index (ts_stat reads every document: seconds at
    100,000 threads). The table is locked against the workers' increments meanwhile: a
    worker's batch committed before the count is in it, one that commits after adds its
    change on top."""
    cursor.execute("LOCK TABLE search_termstatistic IN SHARE ROW EXCLUSIVE MODE")
    cursor.execute("DELETE FROM search_termstatistic")
    cursor.execute(
        "INSERT INTO search_termstatistic (term, documents) SELECT word, ndoc FROM "
        "ts_stat('SELECT search_vector FROM search_threaddocument "
        "WHERE search_vector IS NOT NULL') "
        "UNION ALL SELECT %s, COUNT(*) FROM search_threaddocument",
        [COLLECTION],
    )


def idf(documents: int, collection: int) -> float:
    """BM25's inverse document frequency: a word few threads hold weighs more."""
    return math.log(1 + (collection - documents + 0.5) / (documents + 0.5))


def _group_counts(
    groups: tuple[tuple[str, ...], ...],
) -> tuple[list[int], int, list[int], int]:
    """How many documents hold each query word, how many there are, for each word at
    most how many hold any of its alternatives (their counts summed), and how many entries
    of the words' index the query's terms have between them; one indexed lookup.
    A word with alternatives (its reading, synonyms) counts as often as its most common
    alternative, as Lucene's synonym query does: a synonym makes no word rarer."""
    terms = {term for group in groups for term in group}
    counts = dict(
        TermStatistic.objects.filter(term__in=[COLLECTION, *terms]).values_list("term", "documents")
    )
    collection = max(1, counts.pop(COLLECTION, 0))
    found = [min(collection, max(0, *(counts.get(term, 0) for term in group))) for group in groups]
    held = [min(collection, sum(max(0, counts.get(term, 0)) for term in group)) for group in groups]
    postings = sum(max(0, counts.get(term, 0)) for term in terms)
    return found, collection, held, postings


def _share(groups: tuple[tuple[str, ...], ...], shares: list[float], need: int) -> float:
    """The estimated share of documents matching `need` of the groups (_share_matching),
    or any one code among them (match_expression)."""
    share = _share_matching(shares, min(need, len(shares)))
    if 1 < need < len(groups):
        for group, code_share in zip(groups, shares, strict=True):
            if is_code(group[0]):
                share = 1 - (1 - share) * (1 - code_share)
    return share


def _share_matching(shares: list[float], need: int) -> float:
    """The share of documents holding at least `need` of words found in these shares of
    them, were the words independent: an estimate of how far a scan must read to find
    a number of matches, never a count that is shown."""
    # at_least[k]: the chance of holding at least k of the words seen so far.
    at_least = [1.0] + [0.0] * need
    for share in shares:
        for k in range(need, 0, -1):
            at_least[k] = at_least[k] * (1 - share) + at_least[k - 1] * share
    return at_least[need]


@dataclass(frozen=True)
class Rarity:
    """What the term statistics say about a query (_rarity_score)."""

    score: str  # the SQL expression of the text score
    params: dict
    # The rarest word any document holds, with its count.
    rarest: tuple[tuple[str, ...], int] | None
    # At most how many documents hold any word of the query, and how many there are.
    bound: int
    collection: int
    # At least how many documents match the query, unfiltered: those holding its most
    # common word when any one word will do (0 when more must match).
    least: int = 0
    # The estimated share of documents that match, and how many entries of the index of
    # words the query's terms have: what reading the matches by that index costs.
    share: float = 1.0
    postings: int = 0


def _rarity_score(groups: tuple[tuple[str, ...], ...], need: int = 1) -> Rarity:
    """The text score on PostgreSQL, BM25-like: each query word's ts_rank (its field
    weights and repeats, saturating) times its idf from the term statistics, summed; the
    weights go in as parameters, so the page stays one statement. ts_rank divides by the
    number of alternatives in its query: multiplied back (at most 1, a whole title hit),
    so a word widened by synonyms weighs what it did alone. Also gives the rarest word
    held by any document, with its count, and a bound of the matches of `need` words."""
    found, collection, held, postings = _group_counts(groups)
    parts, params = [], {}
    for number, (group, documents) in enumerate(zip(groups, found, strict=True)):
        params[f"word{number}"] = ts_match((group,), 1)
        params[f"idf{number}"] = idf(documents, collection)
        parts.append(
            f"%(idf{number})s * LEAST(1, {len(group)} * ts_rank('{POSTGRES_WEIGHTS}', "
            f"d.search_vector, %(word{number})s::tsquery))"
        )
    present = [
        (group, documents) for group, documents in zip(groups, found, strict=True) if documents
    ]
    rarest = min(present, key=lambda pair: pair[1]) if present else None
    # A thread holding every word holds the least held of them; one holding some, any.
    bound = min(held, default=0) if need >= len(groups) else min(collection, sum(held))
    least = max(found, default=0) if need <= 1 else 0
    return Rarity(
        "(" + " + ".join(parts) + ")",
        params,
        rarest,
        bound=bound,
        collection=collection,
        least=least,
        share=_share(groups, [documents / collection for documents in found], need),
        postings=postings,
    )


def _index_from(rarity: Rarity) -> int:
    """How many filtered documents make finding the first matches by the index of words
    cheaper than reading the documents' words until COUNT_LIMIT + 1 match: 0 when reading
    is never dearer (a common word: the first few hundred documents hold enough). Only an
    estimate of cost (the statistics and the words' independence): either way the same
    matches are counted."""
    index_us = INDEX_BASE_US + INDEX_ENTRY_US * rarity.postings
    # Words no document holds: reading would read every filtered document for nothing.
    if rarity.share > 0 and READ_DOCUMENT_US * (COUNT_LIMIT + 1) / rarity.share <= index_us:
        return 0
    return max(1, math.ceil(index_us / READ_DOCUMENT_US))


@contextmanager
def _planned_for_its_words() -> Iterator[None]:
    """The statement run in this block is planned for its own parameters, never prepared.
    Sodan prepares statements (DATABASE_PREPARED_STATEMENTS), and after five runs of one
    PostgreSQL may keep a generic plan for any parameters: for the ranked page that plan
    knows neither how common the words are nor how far the walk goes, and cost 5 to 15 ms
    more per search at 100,000 threads than planning each query afresh (about 1 ms)."""
    raw = connection.connection
    threshold = getattr(raw, "prepare_threshold", None)  # psycopg 3 only
    if threshold is None:
        yield
        return
    raw.prepare_threshold = None
    try:
        yield
    finally:
        raw.prepare_threshold = threshold


class DatabaseBackend:
    """Search in the project's own database; nothing else to install or run."""

    @property
    def vendor(self) -> str:
        return connection.vendor

    # --- writing --------------------------------------------------------------------

    @transaction.atomic
    def index(self, docs: list[ThreadDoc], vectors: Sequence | None = None) -> None:
        # `vectors` are kept by search.semantic in their own table, not here.
        if not docs:
            return
        ids = [d.thread_id for d in docs]
        if self.vendor == "postgresql":
            with connection.cursor() as cursor:
                old = _postgres_delete_counting(cursor, ids)
        else:
            ThreadDocument.objects.filter(thread_id__in=ids).delete()
        ThreadDocument.objects.bulk_create(
            ThreadDocument(
                thread_id=doc.thread_id,
                brand_id=doc.brand_id,
                product_id=doc.product_id,
                type=doc.type,
                status=doc.status,
                has_official=doc.has_official,
                has_verified=doc.has_verified,
                me_too_count=doc.me_too_count,
                boost=doc.rank_boost,
            )
            for doc in docs
        )
        with connection.cursor() as cursor:
            if self.vendor == "sqlite":
                self._sqlite_delete(cursor, ids)
                cursor.executemany(
                    "INSERT INTO search_ngram(rowid, text) VALUES (%s, %s)",
                    [(doc.thread_id, doc.ngram_text) for doc in docs],
                )
                cursor.executemany(
                    "INSERT INTO search_fts(rowid, title, body, answers) VALUES (%s, %s, %s, %s)",
                    [
                        (
                            doc.thread_id,
                            " ".join(doc.title_terms),
                            " ".join(doc.body_terms),
                            " ".join(doc.answer_terms),
                        )
                        for doc in docs
                    ],
                )
            else:
                cursor.executemany(
                    "UPDATE search_threaddocument "
                    "SET search_vector = %s::tsvector, ngram_text = %s WHERE thread_id = %s",
                    [(tsvector_literal(doc), doc.ngram_text, doc.thread_id) for doc in docs],
                )
                new: Counter[str] = Counter({COLLECTION: len(docs)})
                for doc in docs:
                    new.update({*doc.title_terms, *doc.body_terms, *doc.answer_terms})
                new.subtract(old)
                _count_terms(cursor, new)

    @transaction.atomic
    def remove(self, thread_ids: list[int]) -> None:
        if self.vendor == "postgresql":
            with connection.cursor() as cursor:
                old = _postgres_delete_counting(cursor, thread_ids)
                _count_terms(cursor, Counter({t: -n for t, n in old.items()}))
            return
        ThreadDocument.objects.filter(thread_id__in=thread_ids).delete()
        with connection.cursor() as cursor:
            self._sqlite_delete(cursor, thread_ids)

    @staticmethod
    def _sqlite_delete(cursor, thread_ids: list[int]) -> None:
        rows = [(i,) for i in thread_ids]
        cursor.executemany("DELETE FROM search_fts WHERE rowid = %s", rows)
        cursor.executemany("DELETE FROM search_ngram WHERE rowid = %s", rows)

    def indexed(self) -> Iterator[tuple[int, dt.datetime]]:
        yield from ThreadDocument.objects.values_list("thread_id", "indexed_at").iterator(
            chunk_size=5000
        )

    # A rebuild refreshes every document in place (search.services.reindex visits every
    # thread, indexing or removing it), so searches keep finding the old entries until
    # their new ones replace them: nothing half-built is ever served.
    def begin_rebuild(self) -> str:
        return ""

    def resume_rebuild(self, target: str) -> None:
        return None

    def finish_rebuild(self, target: str) -> None:
        if self.vendor == "postgresql":
            # Documents of threads deleted outright went by cascade, and their terms' counts
            # with them unnoticed: a rebuild ends with an exact count.
            with transaction.atomic(), connection.cursor() as cursor:
                recount_terms(cursor)
            return
        if self.vendor == "sqlite":
            # FTS rows of threads deleted outright (their documents went by cascade).
            with connection.cursor() as cursor:
                for table in ("search_fts", "search_ngram"):
                    cursor.execute(
                        f"DELETE FROM {table} WHERE rowid NOT IN "  # noqa: S608 - constant
                        "(SELECT thread_id FROM search_threaddocument)"
                    )

    # --- reading --------------------------------------------------------------------

    def _filters(self, query: SearchQuery) -> tuple[str, dict]:
        clauses, params = [], {}
        for column, value in (
            ("brand_id", query.brand_id),
            ("product_id", query.product_id),
            ("type", query.type or None),
            ("status", query.status or None),
        ):
            if value is not None:
                clauses.append(f"d.{column} = %({column})s")
                params[column] = value
        if query.has_official:
            clauses.append("d.has_official")
        if query.has_verified:
            clauses.append("d.has_verified")
        return "".join(f" AND {c}" for c in clauses), params

    def _ranked(
        self,
        words: tuple[str, ...],
        *,
        mode: str,
        groups: tuple[tuple[str, ...], ...] = (),
        where: str,
        params: dict,
        offset: int,
        limit: int,
        window: int | None,
        count: bool = True,
    ) -> SearchResults:
        """One page of matches by final score, and how many there are. `mode`: a share of
        the words ("share": `groups`, the words' alternatives, of which required_words
        must match), any term ("any"), or every word as a substring ("ngram").
        `window`: how many candidates PostgreSQL ranks; None ranks every match (and does
        not count them)."""
        if mode != "ngram" and not groups:
            groups = tuple((w,) for w in words)
        need = 1 if mode == "any" else required_words(len(groups))
        if self.vendor == "sqlite":
            return self._sqlite_ranked(
                words,
                groups=groups,
                need=need,
                mode=mode,
                where=where,
                params=params,
                offset=offset,
                limit=limit,
                count=count,
            )
        page = {**params, "offset": offset, "limit": limit, "count_limit": COUNT_LIMIT}
        if mode == "ngram":
            return self._postgres_ngram(words, where=where, params=page)
        if window is None:
            return self._postgres_every_match(groups, need, where=where, params=page)
        return self._postgres_ranked(groups, need, where=where, params=page, window=window)

    def _sqlite_ranked(
        self,
        words: tuple[str, ...],
        *,
        groups: tuple[tuple[str, ...], ...],
        need: int,
        mode: str,
        where: str,
        params: dict,
        offset: int,
        limit: int,
        count: bool,
    ) -> SearchResults:
        """FTS5 scores every match with bm25(), which is quick enough there; the count is
        exact."""
        full = ""
        if mode == "ngram":
            table, score = "search_ngram", "-bm25(search_ngram)"
            match = " ".join(_fts5_phrase(w) for w in words)
        else:
            # bm25() is negative, lower is better: negated, higher is better.
            table, score = "search_fts", f"-bm25(search_fts, {SQLITE_WEIGHTS})"
            match = fts5_match(groups, need)
            if need < len(groups):  # threads with every word rise (one statement still)
                full = fts5_match(groups, len(groups))
                score = f"{score} * {SQLITE_FULL_MATCH}"
        source = (
            f"FROM {table} JOIN search_threaddocument d ON d.thread_id = {table}.rowid "
            f"WHERE {table} MATCH %(match)s{where}"
        )
        params = {
            **params,
            "match": match,
            "full": full,
            "full_boost": FULL_MATCH_BOOST,
            "limit": limit,
            "offset": offset,
        }
        # Only constants and the filter clauses (columns named here, values as parameters)
        # are interpolated.
        # Whether any thread holds every word, for the page's "some of the words" note.
        every = "1"
        if full:
            # Only the filter clauses (columns named here, values as parameters) are added.
            every = (
                "EXISTS (SELECT 1 FROM search_fts JOIN search_threaddocument d "  # noqa: S608
                "ON d.thread_id = search_fts.rowid "
                f"WHERE search_fts MATCH %(full)s{where})"
            )
        page_sql = (
            f"SELECT d.thread_id, {score} * d.boost AS score, {every} {source} "
            "ORDER BY score DESC, d.thread_id DESC LIMIT %(limit)s OFFSET %(offset)s"
        )
        with connection.cursor() as cursor:
            cursor.execute(page_sql, params)
            rows = cursor.fetchall()
            if not count or (offset == 0 and len(rows) < limit):
                total = len(rows)
            else:
                # FTS5's bm25() cannot share a query with a window function: count apart.
                cursor.execute(f"SELECT COUNT(*) {source}", params)
                total = cursor.fetchone()[0]
        hits = [SearchHit(thread_id=row[0], score=float(row[1])) for row in rows]
        return SearchResults(hits=hits, total=total, matched_all_terms=not rows or bool(rows[0][2]))

    def _postgres_ranked(
        self,
        groups: tuple[tuple[str, ...], ...],
        need: int,
        *,
        where: str,
        params: dict,
        window: int,
    ) -> SearchResults:
        """ts_rank reads the whole tsvector of every row it scores, so scoring every match
        of a common word costs a tenth of a second at 100,000 threads. Only a bounded set
        of candidates is scored:

        1. `rare`: every match of the query's rarest word, when no more than `window`
           threads hold it (known from the term statistics): a rare word finds its
           threads however many titles hold a common one.
        2. `title`: the threads with the terms in their title, those with the highest
           boost first, `window` of them. When the words may be common (the term
           statistics' bound), the threads are walked in that order looking for the
           terms in their title: the first TITLE_SAMPLE, then on to TITLE_WALK if the
           sample holds them often enough to fill the window there. The walk reads an
           index alone (boost, id and the title's lexemes, `title_vector`, for every
           thread or one brand's; migration 0010): reading each thread's whole vector
           out of TOAST instead cost 10 to 60 ms for a word in every tenth title.
           Otherwise, or when the walk finds fewer, every title match is sorted (a GIN
           index of the title's lexemes): for such a word that took 15 to 30 ms at
           100,000 threads, and the planner, estimating many, often chose to read every
           document instead, on parallel workers (60 to 130 ms on a busy machine).
           Either way the same threads. A walk that passed every thread the filters
           leave (a brand of fewer threads than it walks) found every title match, and
           is not followed by the sort.
        3. `found`: the first matches anywhere, at most COUNT_LIMIT + 1 of them in table
           order, which give the count ("More than 500" past it): title and rare matches
           are matches too. Unfiltered, when the term statistics say well more than
           COUNT_LIMIT threads hold one word that matches alone, they give the count, and
           `found` is read only if the title matches leave room among the candidates.
           Filtered, the filtered threads' words are read in turn until enough match,
           unless the words are rare enough (by the term statistics) that reading the
           index of words with the filters' index costs less, and the filters leave
           enough threads for that (_index_from): reading every one of a brand's 8,000
           threads for a word in one of ten took 20 to 45 ms, the index 4 to 10.
        4. The candidates: those, then other found matches by boost, `window` in all
           besides the rare ones, scored by _rarity_score × boost. Whether any thread
           holds every word is asked of the candidates first, then, only if some
           matches were not among them, of every match.

        The title's weight dominates ts_rank, so the best-scored threads are among the
        title and rare matches whenever there are enough of them; with few title matches,
        every match is a candidate as long as there are no more than COUNT_LIMIT.
        """
        rarity = _rarity_score(groups, need)
        score, rarest = rarity.score, rarity.rarest
        # Walk only where enough threads may hold the words to fill the window within
        # the walk: a walk that finds too few costs its milliseconds for nothing.
        walk = rarity.bound * TITLE_WALK >= window * rarity.collection
        params = {
            **params,
            **rarity.params,
            "sample": TITLE_SAMPLE if walk else 0,
            "walk": TITLE_WALK - TITLE_SAMPLE if walk else 0,
            "match": ts_match(groups, need),
            "full": ts_match(groups, len(groups)),
            # Which fields hold any term, for the snippets (SearchHit.fields).
            "any": ts_match(groups, 1),
            "window": window,
        }
        # Past COUNT_LIMIT the page says "More than 500": when the term statistics already
        # say so (no filters, one word of the query will do, and that word in enough
        # documents), the first matches are not read for the count; they are read only if
        # the title matches leave room among the candidates.
        # Nor when more than COUNT_LIMIT threads hold the words in their title (known from
        # finding the title matches): title matches are matches.
        count = (
            "CASE WHEN (SELECT n FROM titled) > %(count_limit)s THEN %(count_limit)s + 1 "
            "ELSE (SELECT COUNT(*) FROM found) END"
        )
        counted_by_statistics = not where and rarity.least >= COUNT_MARGIN * (COUNT_LIMIT + 1)
        if counted_by_statistics:
            count = "%(count_limit)s + 1"
        rare = "SELECT NULL::bigint AS thread_id WHERE false"
        if rarest is not None and rarest[1] <= window:
            params["rare"] = ts_match((rarest[0],), 1)
            # Only the filter clauses (columns named here, values as parameters) are added.
            rare = f"""SELECT d.thread_id FROM search_threaddocument d
    WHERE d.search_vector @@ %(rare)s::tsquery AND d.search_vector @@ %(match)s::tsquery{where}
    LIMIT %(window)s"""  # noqa: S608
        # The walk's lexemes are the title's (title_vector, weight A of the document),
        # read from the index it walks. The limits past the sample are computed as the
        # statement runs: a branch whose limit is 0 is never started (nor parallel workers
        # launched for it). The sort orders by an expression, so it is never served by
        # walking the boost index beyond the walk.
        walked = """(
        SELECT d.thread_id, d.boost, d.title_vector
        FROM search_threaddocument d WHERE true{where}
        ORDER BY d.boost DESC, d.thread_id DESC"""
        # With filters, the documents are filtered before their words are read: PostgreSQL
        # puts a filter by a constant (the brand) after the match in the same scan, and
        # reading a document's words (a TOAST read and decompression) is what costs.
        filtered = "search_threaddocument d"
        if where:
            filtered = (
                "(SELECT d.thread_id, d.boost, d.search_vector "
                "FROM search_threaddocument d WHERE true{where} OFFSET 0) d"
            )
        found = f"""found AS MATERIALIZED (
    SELECT d.thread_id, d.boost FROM {filtered.format(where=where)}
    WHERE d.search_vector @@ %(match)s::tsquery
    LIMIT %(count_limit)s + 1"""  # noqa: S608
        index_from = _index_from(rarity) if where else 0
        if index_from:
            # A filtered search for words in few documents: unless the filters leave fewer
            # than `index_from` documents, the matches come from the index of words and
            # the filters' own index together. A CTE is planned to be read whole, so the
            # planner takes the index for `indexed` and does not read the words of each
            # document in turn hoping to stop early (the LIMIT inside); it is run only as
            # far as `found` reads it, and not at all when that branch's LIMIT is 0.
            params["index_from"] = index_from
            found = f"""filtered_size AS MATERIALIZED (
    SELECT COUNT(*) >= %(index_from)s AS large FROM (
        SELECT 1 FROM search_threaddocument d WHERE true{where} LIMIT %(index_from)s
    ) d
), indexed AS MATERIALIZED (
    SELECT d.thread_id, d.boost FROM search_threaddocument d
    WHERE d.search_vector @@ %(match)s::tsquery{where}
), found AS MATERIALIZED (
    (
        SELECT d.thread_id, d.boost FROM {filtered.format(where=where)}
        WHERE d.search_vector @@ %(match)s::tsquery
        LIMIT CASE WHEN (SELECT large FROM filtered_size) THEN 0 ELSE %(count_limit)s + 1 END
    )
    UNION ALL (
        SELECT thread_id, boost FROM indexed
        LIMIT CASE WHEN (SELECT large FROM filtered_size) THEN %(count_limit)s + 1 ELSE 0 END
    )"""  # noqa: S608
        # Whether any thread holds every word: a scored candidate, else any match that
        # was not scored, looked for only when there are matches that were not: fewer
        # than the window were all scored.
        unscored = f"""EXISTS (SELECT 1 FROM {filtered.format(where=where)}
            WHERE d.search_vector @@ %(full)s::tsquery)"""  # noqa: S608
        if not counted_by_statistics:
            titled_more = "(SELECT n FROM titled) > %(window)s"
            found_more = "(SELECT COUNT(*) FROM found) > %(window)s"
            unscored = f"({titled_more} OR {found_more}) AND {unscored}"
        walked_every = ""
        if where:
            # The walk went past the sample and found fewer than the window: it passed
            # every thread of the filters if there are no more than it walks. Counted in
            # the filters' index, at most one entry past that.
            walked_every = f"""
        OR ((SELECT go FROM onward) AND (
            SELECT COUNT(*) FROM (
                SELECT 1 FROM search_threaddocument d WHERE true{where}
                LIMIT %(sample)s::bigint + %(walk)s + 1
            ) d
        ) <= %(sample)s::bigint + %(walk)s)"""  # noqa: S608
        sql = f"""
WITH rare AS MATERIALIZED ({rare}
), sample AS MATERIALIZED (
    SELECT d.thread_id, d.boost, d.title_vector @@ %(match)s::tsquery AS hit
    FROM {walked.format(where=where)}
        LIMIT %(sample)s
    ) d
), onward AS MATERIALIZED (
    SELECT (SELECT COUNT(*) FROM sample WHERE hit) * (%(sample)s::bigint + %(walk)s)
        >= %(window)s::bigint * %(sample)s AS go
), walk AS MATERIALIZED (
    SELECT thread_id, boost FROM sample WHERE hit
    UNION ALL (
        SELECT d.thread_id, d.boost FROM {walked.format(where=where)}
            OFFSET %(sample)s LIMIT %(walk)s
        ) d
        WHERE d.title_vector @@ %(match)s::tsquery
        ORDER BY d.boost DESC, d.thread_id DESC
        LIMIT CASE WHEN (SELECT go FROM onward) THEN %(window)s::bigint ELSE 0 END
    )
), walked_all AS MATERIALIZED (
    -- Enough title matches walked, or the walk passed every thread the filters leave (a
    -- brand of fewer): then it found every title match, and sorting them would find the
    -- same. Each test is run only if those before it fail.
    SELECT (SELECT COUNT(*) FROM walk) >= %(window)s
        OR (SELECT COUNT(*) FROM sample) < %(sample)s{walked_every} AS enough
), title AS MATERIALIZED (
    (
        SELECT thread_id, boost, (SELECT COUNT(*) FROM walk) AS titled FROM walk
        ORDER BY boost DESC, thread_id DESC
        LIMIT CASE WHEN (SELECT enough FROM walked_all) THEN %(window)s::bigint ELSE 0 END
    )
    UNION ALL (
        SELECT d.thread_id, d.boost, COUNT(*) OVER () AS titled
        FROM search_threaddocument d
        WHERE {TITLE_LEXEMES} @@ %(match)s::tsquery{where}
        ORDER BY -d.boost, -d.thread_id
        LIMIT CASE WHEN (SELECT enough FROM walked_all) THEN 0 ELSE %(window)s::bigint END
    )
), titled AS MATERIALIZED (
    -- At least how many threads hold the words in their title: every one the walk found,
    -- or every title match when they were sorted.
    SELECT COALESCE(MAX(titled), 0) AS n FROM title
), {found}
), candidates AS (
    SELECT thread_id FROM title
    UNION
    SELECT thread_id FROM rare
    UNION (
        SELECT thread_id FROM found
        WHERE thread_id NOT IN (SELECT thread_id FROM title)
        ORDER BY boost DESC, thread_id DESC
        LIMIT %(window)s - (SELECT COUNT(*) FROM title)
    )
), scored AS MATERIALIZED (
    SELECT d.thread_id, d.search_vector @@ %(full)s::tsquery AS every, {score} * d.boost
        AS score
    FROM candidates c JOIN search_threaddocument d ON d.thread_id = c.thread_id
), page AS (
    SELECT thread_id,
        score * (CASE WHEN every THEN {FULL_MATCH_BOOST} ELSE 1 END) AS score
    FROM scored
    ORDER BY 2 DESC, thread_id DESC
    LIMIT %(limit)s OFFSET %(offset)s
)
SELECT p.thread_id, p.score,
    ts_filter(d.search_vector, '{{a}}') @@ %(any)s::tsquery,
    ts_filter(d.search_vector, '{{b}}') @@ %(any)s::tsquery,
    ts_filter(d.search_vector, '{{c}}') @@ %(any)s::tsquery,
    {count},
    COALESCE((SELECT bool_or(every) FROM scored), false) OR ({unscored})
FROM page p JOIN search_threaddocument d ON d.thread_id = p.thread_id
ORDER BY p.score DESC, p.thread_id DESC
"""  # noqa: S608 - only constants and the filter clauses (values as parameters)
        with connection.cursor() as cursor, _planned_for_its_words():
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        hits = [
            SearchHit(
                thread_id=row[0],
                score=float(row[1]),
                fields=frozenset(f for f, hit in zip(FIELDS, row[2:5], strict=True) if hit),
            )
            for row in rows
        ]
        results = _counted(hits, rows[0][5] if rows else 0)
        results.matched_all_terms = not rows or bool(rows[0][6])
        return results

    def _postgres_every_match(
        self, groups: tuple[tuple[str, ...], ...], need: int, *, where: str, params: dict
    ) -> SearchResults:
        """Every match scored: for similar threads, where the query is a title or a whole
        thread (up to 16 terms, any of them), the candidates by title and boost would
        miss the threads sharing the most words; the brand bounds the work."""
        rarity = _rarity_score(groups, need)
        score = rarity.score
        params = {**params, **rarity.params, "match": ts_match(groups, need)}
        sql = f"""
SELECT d.thread_id, {score} * d.boost AS score
FROM search_threaddocument d
WHERE d.search_vector @@ %(match)s::tsquery{where}
ORDER BY score DESC, d.thread_id DESC
LIMIT %(limit)s OFFSET %(offset)s
"""  # noqa: S608 - only constants and the filter clauses (values as parameters)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        hits = [SearchHit(thread_id=row[0], score=float(row[1])) for row in rows]
        return SearchResults(hits=hits, total=len(hits))

    def _postgres_ngram(self, words: tuple[str, ...], *, where: str, params: dict) -> SearchResults:
        """Substring matches, by boost alone (there is no text score to compute); counted
        up to COUNT_LIMIT like the others."""
        # Lower-cased on both sides, so LIKE (which the trigram index serves) will do.
        likes = " AND ".join(f"d.ngram_text LIKE %(like{n})s" for n in range(len(words)))
        params = {**params, **{f"like{n}": f"%{_like_escape(w)}%" for n, w in enumerate(words)}}
        sql = f"""
WITH found AS MATERIALIZED (
    SELECT d.thread_id, d.boost FROM search_threaddocument d
    WHERE {likes}{where}
    LIMIT %(count_limit)s + 1
)
SELECT thread_id, boost, (SELECT COUNT(*) FROM found) FROM found
ORDER BY boost DESC, thread_id DESC
LIMIT %(limit)s OFFSET %(offset)s
"""  # noqa: S608 - only constants and the filter clauses (values as parameters)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        hits = [SearchHit(thread_id=row[0], score=float(row[1])) for row in rows]
        return _counted(hits, rows[0][2] if rows else 0)

    def search(self, query: SearchQuery) -> SearchResults:
        if not query.terms:
            return SearchResults()
        where, params = self._filters(query)
        page = {
            "where": where,
            "params": params,
            "offset": query.offset,
            "limit": query.limit,
            "window": query.max_results,
        }
        groups = query.groups or tuple((t,) for t in query.terms)
        results = self._ranked(query.terms, mode="share", groups=groups, **page)
        if results.total:
            return results
        # No thread has every term: look for the words as substrings (a word cut short
        # while typing, or split differently), then for threads with some of the terms.
        words = tuple(ngram_pieces(query.text))
        if words:
            results = self._ranked(words, mode="ngram", **page)
            if results.total:
                results.matched_all_terms = False
                return results
        if len(query.terms) == 1:
            return SearchResults()
        results = self._ranked(query.terms, mode="any", **page)
        results.matched_all_terms = False
        return results

    def nearest(self, vector, *, limit: int, min_similarity: float, **filters) -> None:
        """The vectors are search.semantic's table, beside this index: it answers."""
        return None

    def similar(
        self,
        *,
        terms: tuple[str, ...],
        brand_id: int,
        exclude_id: int | None,
        limit: int,
        text: str = "",
    ) -> list[SearchHit]:
        if not terms:
            return []
        where, params = " AND d.brand_id = %(brand_id)s", {"brand_id": brand_id}
        if exclude_id is not None:
            where += " AND d.thread_id <> %(exclude_id)s"
            params["exclude_id"] = exclude_id
        results = self._ranked(
            terms,
            mode="any",
            where=where,
            params=params,
            offset=0,
            limit=limit,
            window=None,
            count=False,
        )
        return results.hits


def _counted(hits: list[SearchHit], total: int) -> SearchResults:
    """Past COUNT_LIMIT the count stops: at least that many."""
    if total > COUNT_LIMIT:
        return SearchResults(hits=hits, total=COUNT_LIMIT, total_exact=False)
    return SearchResults(hits=hits, total=total)
