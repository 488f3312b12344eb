"""The embedded search backend: SQLite FTS5 or PostgreSQL full-text search, chosen by the
database engine in use. Both index the analysed terms from search.analysis (Japanese
morphemes in normalised form, stemmed English), so both rank the same way: title over
question over answers (field weights), multiplied by the thread's stored boost (solved,
verified, official and shared threads rise; search.documents.ThreadDoc.rank_boost).

The final score is computed in SQL, so any page of any result set is one indexed query
with OFFSET/LIMIT, and the total comes with it."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator

from django.db import connection, transaction

from ..analysis import ngram_pieces
from ..documents import ThreadDoc
from ..models import ThreadDocument
from .base import SearchHit, SearchQuery, SearchResults

MAX_POSITION = 16383  # PostgreSQL's limit for lexeme positions
MAX_POSITIONS_PER_TERM = 256  # and for positions of one lexeme
# Field weights. FTS5's bm25() takes one per column; PostgreSQL's ts_rank one per weight
# class, in the order D, C, B, A (answers are C, the question B, the title A).
SQLITE_WEIGHTS = "10.0, 4.0, 1.0"
POSTGRES_WEIGHTS = "{0.1, 0.25, 0.5, 1.0}"


def _fts5_phrase(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _ts_lexeme(term: str) -> str:
    return "'" + term.replace("\\", "\\\\").replace("'", "''") + "'"


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


class DatabaseBackend:
    """Search in the project's own database; nothing else to install or run."""

    @property
    def vendor(self) -> str:
        return connection.vendor

    # --- writing --------------------------------------------------------------------

    @transaction.atomic
    def index(self, docs: list[ThreadDoc]) -> None:
        if not docs:
            return
        ids = [d.thread_id for d in docs]
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

    @transaction.atomic
    def remove(self, thread_ids: list[int]) -> None:
        ThreadDocument.objects.filter(thread_id__in=thread_ids).delete()
        if self.vendor == "sqlite":
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
        if self.vendor == "sqlite":
            # FTS rows of threads deleted outright (their documents went by cascade).
            with connection.cursor() as cursor:
                for table in ("search_fts", "search_ngram"):
                    cursor.execute(
                        f"DELETE FROM {table} WHERE rowid NOT IN "  # noqa: S608 - constant
                        "(SELECT thread_id FROM search_threaddocument)"
                    )

    # --- reading --------------------------------------------------------------------

    def _filters(self, query: SearchQuery) -> tuple[str, list]:
        clauses, params = [], []
        for column, value in (
            ("brand_id", query.brand_id),
            ("product_id", query.product_id),
            ("type", query.type or None),
            ("status", query.status or None),
        ):
            if value is not None:
                clauses.append(f"d.{column} = %s")
                params.append(value)
        if query.has_official:
            clauses.append("d.has_official")
        if query.has_verified:
            clauses.append("d.has_verified")
        return "".join(f" AND {c}" for c in clauses), params

    def _matches(self, mode: str, words: tuple[str, ...]) -> tuple[str, str, list]:
        """(FROM … WHERE, score expression, parameters) for one way of matching:
        every term ("all"), any term ("any"), or every word as a substring ("ngram")."""
        if self.vendor == "sqlite":
            if mode == "ngram":
                table, score = "search_ngram", "-bm25(search_ngram)"
            else:
                # bm25() is negative, lower is better: negated, higher is better.
                table, score = "search_fts", f"-bm25(search_fts, {SQLITE_WEIGHTS})"
            match = (" OR " if mode == "any" else " ").join(_fts5_phrase(w) for w in words)
            source = (
                f"FROM {table} JOIN search_threaddocument d ON d.thread_id = {table}.rowid "
                f"WHERE {table} MATCH %s"
            )
            return source, f"{score} * d.boost", [match]
        if mode == "ngram":
            # Lower-cased on both sides, so LIKE (which the trigram index serves) will do.
            likes = " AND ".join(["d.ngram_text LIKE %s"] * len(words))
            patterns = ["%" + _like_escape(w) + "%" for w in words]
            return f"FROM search_threaddocument d WHERE {likes}", "d.boost", patterns
        match = (" & " if mode == "all" else " | ").join(_ts_lexeme(w) for w in words)
        score = f"ts_rank('{POSTGRES_WEIGHTS}', d.search_vector, %s::tsquery) * d.boost"
        source = "FROM search_threaddocument d WHERE d.search_vector @@ %s::tsquery"
        return source, score, [match, match]

    def _ranked(
        self,
        words: tuple[str, ...],
        *,
        mode: str,
        where: str,
        params: list,
        offset: int,
        limit: int,
        count: bool = True,
    ) -> tuple[list[SearchHit], int]:
        """One page of matches by final score, and the number of matches."""
        source, score, match_params = self._matches(mode, words)
        source += where
        if self.vendor == "sqlite":
            page_sql = (
                f"SELECT d.thread_id, {score} AS score {source} "
                "ORDER BY score DESC, d.thread_id DESC LIMIT %s OFFSET %s"
            )
        else:
            # The ranked rows are narrow (no tsvector), so the count over them is cheap
            # and comes with the page: one query.
            page_sql = (
                f"WITH m AS MATERIALIZED (SELECT d.thread_id, {score} AS score {source}) "  # noqa: S608
                "SELECT thread_id, score, COUNT(*) OVER () "
                "FROM m ORDER BY score DESC, thread_id DESC LIMIT %s OFFSET %s"
            )
        # Only constants and the filter clauses (columns named here, values as parameters)
        # are interpolated above.
        with connection.cursor() as cursor:
            cursor.execute(page_sql, [*match_params, *params, limit, offset])
            rows = cursor.fetchall()
            if self.vendor == "postgresql":
                total = rows[0][2] if rows else 0
            elif not count or (offset == 0 and len(rows) < limit):
                total = len(rows)
            else:
                # FTS5's bm25() cannot share a query with a window function: count apart.
                cursor.execute(f"SELECT COUNT(*) {source}", [*match_params, *params])
                total = cursor.fetchone()[0]
        hits = [SearchHit(thread_id=row[0], score=float(row[1])) for row in rows]
        return hits, total

    def search(self, query: SearchQuery) -> SearchResults:
        if not query.terms:
            return SearchResults()
        where, params = self._filters(query)
        page = {"where": where, "params": params, "offset": query.offset, "limit": query.limit}
        hits, total = self._ranked(query.terms, mode="all", **page)
        if total:
            return SearchResults(hits=hits, total=total)
        # No thread has every term: look for the words as substrings (a word cut short
        # while typing, or split differently), then for threads with some of the terms.
        words = tuple(ngram_pieces(query.text))
        if words:
            hits, total = self._ranked(words, mode="ngram", **page)
            if total:
                return SearchResults(hits=hits, total=total, matched_all_terms=False)
        if len(query.terms) == 1:
            return SearchResults()
        hits, total = self._ranked(query.terms, mode="any", **page)
        return SearchResults(hits=hits, total=total, matched_all_terms=False)

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
        where, params = " AND d.brand_id = %s", [brand_id]
        if exclude_id is not None:
            where += " AND d.thread_id <> %s"
            params.append(exclude_id)
        hits, _total = self._ranked(
            terms, mode="any", where=where, params=params, offset=0, limit=limit, count=False
        )
        return hits
