"""The one small interface every search backend implements."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from ..documents import ThreadDoc


@dataclass(frozen=True)
class SearchQuery:
    terms: tuple[str, ...]
    text: str = ""  # the query as typed, for engines that analyse it themselves
    brand_id: int | None = None
    product_id: int | None = None
    type: str = ""
    status: str = ""
    has_official: bool = False
    has_verified: bool = False
    offset: int = 0
    limit: int = 20
    # How deep a person can page (search.services.MAX_RESULTS): a backend may rank only
    # this many candidates, so no page past it is ever asked for.
    max_results: int = 1000
    # The query's words as groups of alternatives (search.analysis.query_groups, widened
    # by synonyms): a thread matches a word when it holds any of its group. Empty: each
    # term is a group of its own.
    groups: tuple[tuple[str, ...], ...] = ()


# The fields a thread is searched in, for SearchHit.fields.
TITLE, BODY, ANSWERS = "title", "body", "answers"


@dataclass(frozen=True)
class SearchHit:
    thread_id: int
    score: float
    # Which of TITLE, BODY and ANSWERS hold a query term, when the backend knows (None:
    # unknown). Snippets are only analysed in those; the others are shown as they start.
    fields: frozenset[str] | None = None


@dataclass
class SearchResults:
    hits: list[SearchHit] = field(default_factory=list)
    total: int = 0
    matched_all_terms: bool = True
    # False when the backend stopped counting: at least `total` threads match.
    total_exact: bool = True


class SearchBackendError(Exception):
    """The search service failed; callers keep the outbox row and retry later."""


class SearchBackend(Protocol):
    """Index a thread, remove it, search with filters, find similar threads; plus the
    few hooks a full rebuild and the reconciliation need."""

    def index(self, docs: list[ThreadDoc], vectors: Sequence | None = None) -> None:
        """Write the documents; `vectors` (search.semantic's, one per document, or None)
        go with them where the backend keeps vectors (a cluster's vector field)."""
        ...

    def remove(self, thread_ids: list[int]) -> None: ...

    def search(self, query: SearchQuery) -> SearchResults: ...

    def similar(
        self,
        *,
        terms: tuple[str, ...],
        brand_id: int,
        exclude_id: int | None,
        limit: int,
        text: str = "",
    ) -> list[SearchHit]: ...

    def nearest(
        self,
        vector: Sequence[float],
        *,
        limit: int,
        min_similarity: float,
        brand_id: int | None = None,
        product_id: int | None = None,
        type: str = "",
        status: str = "",
        exclude: Iterable[int] = (),
    ) -> list[SearchHit] | None:
        """The threads nearest `vector` by meaning with search's filters, best first, when
        this backend keeps the vectors; None when it does not (search.semantic's table
        answers)."""
        ...

    def indexed(self) -> Iterator[tuple[int, dt.datetime]]:
        """(thread id, when it was last indexed) for every thread in the index."""
        ...

    def begin_rebuild(self) -> str:
        """Prepare a full rebuild; returns a target name that a resumed run gets back."""
        ...

    def resume_rebuild(self, target: str) -> None: ...

    def finish_rebuild(self, target: str) -> None:
        """The rebuild is complete: serve it."""
        ...
