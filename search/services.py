"""Search: the one interface the rest of Sodan uses.

- `thread_changed(thread_id)`: record that search must refresh a thread (outbox row in the
  caller's transaction; a Celery task applies it after commit).
- `outbox_process()`: apply pending outbox rows; failures are kept and retried with backoff.
- `threads_search(...)`: a page of threads for a query and filters, with highlighted snippets.
- `threads_similar(...)`: threads like a title being typed, or like a thread.
- `reindex(...)`: rebuild the whole index, resumably.

Nothing outside search/ imports a backend or the Elasticsearch DSL.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass, field
from functools import partial
from html import unescape

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from community.compiled_queries import CompiledQuery
from outbox.publish import publish
from qa.models import Answer, Thread, Visibility

from . import semantic
from .analysis import analyze_query, plain_words, query_groups, query_text
from .backends import SearchQuery, get_backend
from .backends.base import ANSWERS, BODY, TITLE, SearchBackendError, SearchHit
from .brand_synonyms import brand_synonym_map
from .documents import analyse_documents, build_documents
from .highlight import Snippet, highlight, highlight_many, leading
from .models import IndexOutbox
from .synonyms import expand

logger = logging.getLogger(__name__)

MAX_QUERY_CHARS = 200
# Results a person can page through; past that, better words beat more pages. The
# database backend ranks only this many candidates (search.backends.database).
MAX_RESULTS = 300
# What the result list reads of each thread.
LISTED_FIELDS = (
    "title", "slug", "type", "status", "answer_count", "body_html", "brand__name",
    "product__name",
)  # fmt: skip
# Snippets are cut from the start of the question and of the first answers: bounded work
# per result, whatever the length of the posts.
SNIPPET_SOURCE_CHARS = 400
SNIPPET_ANSWERS = 2
MAX_BACKOFF = dt.timedelta(hours=1)


def thread_changed(thread_id: int) -> None:
    """Search must learn about a change to this thread (new, edited, answered, hidden…).

    The outbox row is written in the caller's transaction, so the change is never lost;
    the task that applies it is published after commit without ever blocking or failing
    the request (outbox.publish: one try, a short timeout, skipped while the broker is
    known to be down); the sweep applies what was not published."""
    IndexOutbox.objects.create(thread_id=thread_id)
    if settings.SEARCH_INDEX_ON_COMMIT:
        from .tasks import process_outbox

        transaction.on_commit(partial(publish, process_outbox), robust=True)


def _backoff(attempts: int) -> dt.timedelta:
    return min(dt.timedelta(seconds=10 * 2 ** min(attempts, 12)), MAX_BACKOFF)


# Transaction advisory locks held on a thread while a worker refreshes it (key space).
THREAD_LOCK_SPACE = 0x5EA7C4


def outbox_process(*, limit: int = 500) -> tuple[int, int]:
    """Apply due outbox rows. Returns (threads refreshed, threads failed).

    On PostgreSQL, search workers running at once share the threads: each takes the threads
    no other holds (a non-blocking advisory lock per thread, in thread order, so two
    workers never index one thread at once nor wait on each other), then those threads'
    pending rows (SELECT … FOR UPDATE SKIP LOCKED). SQLite has one writer at a time and
    keeps the plain path."""
    if not connection.features.has_select_for_update_skip_locked:
        return _outbox_apply(limit=limit, locking=False)
    with transaction.atomic():
        return _outbox_apply(limit=limit, locking=True)


def _outbox_apply(*, limit: int, locking: bool) -> tuple[int, int]:
    now = timezone.now()
    due = IndexOutbox.objects.pending().filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    )
    if locking:
        # Threads first, rows second: a worker takes the threads no other holds (a
        # non-blocking advisory lock each, in thread order), then every pending row of
        # those threads. Taking rows first let two workers split one thread's rows between
        # them while the rows were being locked, and both indexed it.
        candidates = sorted(set(due.order_by("id").values_list("thread_id", flat=True)[:limit]))
        with connection.cursor() as cursor:  # one round trip for every thread's try
            cursor.execute(
                "SELECT t.id FROM unnest(%s::bigint[]) WITH ORDINALITY AS t(id, n) "
                "WHERE pg_try_advisory_xact_lock(%s, (t.id %% 2147483648)::int) ORDER BY t.n",
                [candidates, THREAD_LOCK_SPACE],
            )
            held = [row[0] for row in cursor.fetchall()]
        if not held:
            return 0, 0
        # Rows another worker finished meanwhile are no longer pending; rows written after
        # a worker read its threads wait for the next run.
        rows = list(
            due.filter(thread_id__in=held).select_for_update(skip_locked=True).order_by("id")
        )
    else:
        rows = list(due.order_by("id")[:limit])
    if not rows:
        return 0, 0
    thread_ids = sorted({row.thread_id for row in rows})
    threads = list(Thread.objects.filter(pk__in=thread_ids))
    docs = analyse_documents(build_documents(threads))
    indexed = {d.thread_id for d in docs}
    removed = [tid for tid in thread_ids if tid not in indexed]
    vectors = semantic.embeddings_compute(docs)  # before the index rows are locked
    backend = get_backend()
    try:
        backend.index(docs, vectors=vectors)  # a cluster keeps them beside the words
        if removed:
            backend.remove(removed)
    except (SearchBackendError, OSError) as error:
        logger.warning("Search indexing failed; will retry", exc_info=True)
        for row in rows:
            row.attempts += 1
            row.last_error = str(error)[:2000]
            row.next_attempt_at = now + _backoff(row.attempts)
        IndexOutbox.objects.bulk_update(rows, ["attempts", "last_error", "next_attempt_at"])
        return 0, len(thread_ids)
    semantic.embeddings_write(docs, removed, vectors)  # beside the index rows
    IndexOutbox.objects.filter(pk__in=[r.pk for r in rows]).update(done_at=timezone.now())
    # Older rows for the same threads are satisfied by this refresh too (those another
    # worker holds are left to it).
    older = IndexOutbox.objects.pending().filter(thread_id__in=thread_ids, id__lt=rows[-1].id)
    if locking:
        older = IndexOutbox.objects.filter(
            pk__in=list(older.select_for_update(skip_locked=True).values_list("pk", flat=True))
        )
    older.update(done_at=timezone.now())
    return len(thread_ids), 0


def outbox_prune(*, older_than: dt.timedelta = dt.timedelta(days=7)) -> int:
    deleted, _ = IndexOutbox.objects.filter(done_at__lt=timezone.now() - older_than).delete()
    return deleted


def reconcile() -> int:
    """Queue threads whose index entry is missing, out of date or no longer allowed (a
    safety net behind the outbox, for changes made outside the services). Returns how
    many were queued."""
    indexed = dict(get_backend().indexed())
    stale = []
    for thread_id, visibility, duplicate_of, last_activity, edited in Thread.objects.values_list(
        "pk", "visibility", "duplicate_of", "last_activity_at", "edited_at"
    ).iterator(chunk_size=5000):
        searchable = visibility == Visibility.PUBLISHED and duplicate_of is None
        when = indexed.pop(thread_id, None)
        changed = max(filter(None, [last_activity, edited]), default=None)
        if (searchable and (when is None or (changed and changed > when))) or (
            not searchable and when is not None
        ):
            stale.append(thread_id)
    stale += indexed  # entries of threads that no longer exist
    IndexOutbox.objects.bulk_create([IndexOutbox(thread_id=t) for t in stale], batch_size=1000)
    return len(stale)


@dataclass
class SearchResultItem:
    thread: Thread
    title: Snippet
    snippet: Snippet
    answer_snippet: Snippet | None = None


@dataclass
class SearchPage:
    query: str
    terms: tuple[str, ...]
    items: list[SearchResultItem] = field(default_factory=list)
    total: int = 0
    page: int = 1
    per_page: int = 20
    matched_all_terms: bool = True
    total_exact: bool = True  # False: at least `total` threads match (the count stopped)
    truncated: bool = False
    # The search service failed: the page says search is degraded, and `items` are only
    # threads whose titles hold the words (_title_matches).
    unavailable: bool = False

    @property
    def num_pages(self) -> int:
        """Pages that can be opened: past MAX_RESULTS, better words beat more pages."""
        return max(1, -(-min(self.total, MAX_RESULTS) // self.per_page))

    @property
    def has_next(self) -> bool:
        return self.page < self.num_pages

    @property
    def has_previous(self) -> bool:
        return self.page > 1


# A tag of sanitized HTML (quoted attribute values may hold ">"), or one cut off at the end.
_TAG = re.compile(r"""<(?:[^>"']|"[^"]*"|'[^']*')*(?:>|$)""")


def _plain(html: str, limit: int) -> str:
    """Text of stored, sanitized HTML (no Markdown rendering at query time). The tags are
    dropped with a regular expression rather than an HTML parser (a fifth of the page's
    time with twenty results): the HTML is the sanitizer's own output, and the text is
    escaped again when shown."""
    return unescape(_TAG.sub("", html[: limit * 3]))[:limit]


# The first answers of each thread in reading order (search.services' snippets), as the
# start of their HTML. Plain SQL that both databases run: the ORM takes longer to build
# this window query than the database takes to run it (1.3 ms against 0.3 ms).
ANSWER_STARTS_SQL = """
SELECT thread_id, SUBSTR(body_html, 1, %s) FROM (
    SELECT thread_id, body_html, ROW_NUMBER() OVER (
        PARTITION BY thread_id
        ORDER BY accepted_at DESC NULLS LAST, verified_at DESC NULLS LAST,
            helpful_count DESC, created_at, id
    ) AS place
    FROM {table}
    WHERE visibility = %s AND thread_id IN ({ids})
) first_answers
WHERE place <= %s
ORDER BY thread_id, place
"""


def _answers_for_snippets(thread_ids: list[int]) -> dict[int, list[str]]:
    """The first SNIPPET_ANSWERS published answers of each thread, in reading order
    (Answer.objects.in_reading_order: accepted first), as the start of their HTML."""
    answers: dict[int, list[str]] = {}
    if not thread_ids:
        return answers
    sql = ANSWER_STARTS_SQL.format(
        table=Answer._meta.db_table, ids=", ".join(["%s"] * len(thread_ids))
    )
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            [SNIPPET_SOURCE_CHARS * 3, Visibility.PUBLISHED, *thread_ids, SNIPPET_ANSWERS],
        )
        for thread_id, start in cursor.fetchall():
            answers.setdefault(thread_id, []).append(start)
    return answers


# Words of a query looked up in titles while the search service is down.
MAX_TITLE_WORDS = 5


def _title_matches(
    text: str, *, wanted: frozenset[str], filters: dict, limit: int
) -> list[SearchResultItem]:
    """Degraded search, from the database alone: listed threads whose title contains every
    word of the query as typed, newest activity first (one query). Crude on purpose: it
    must work on any database while the search service is away."""
    words = plain_words(text).split()[:MAX_TITLE_WORDS]
    if not words:
        return []
    threads = Thread.objects.listed().select_related("brand", "product").only(*LISTED_FIELDS)
    threads = threads.filter(**{k: v for k, v in filters.items() if v is not None})
    for word in words:
        threads = threads.filter(title__icontains=word)
    return [
        SearchResultItem(
            thread=thread,
            title=highlight(thread.title, wanted, width=300),
            snippet=leading(_plain(thread.body_html, SNIPPET_SOURCE_CHARS)),
        )
        for thread in threads.order_by("-last_activity_at", "-pk")[:limit]
    ]


# The result list's threads, one compiled query per number of results (a page's 20, the
# suggestions' 12, a short last page): building and compiling the queryset, with its two
# joins and deferred fields, cost more than running it (0.8 of 2.2 ms at tier M), and
# Django's in_bulk built each thread, brand and product through their __init__.
_LISTED_BY_COUNT: dict[int, CompiledQuery] = {}
LISTED_COMPILED_MAX = 50


def _listed():
    """The listed threads, with what the result list reads of them."""
    return Thread.objects.listed().select_related("brand", "product").only(*LISTED_FIELDS)


def _listed_query(count: int, **ids: int):
    return _listed().filter(pk__in=[ids[f"id{n}"] for n in range(count)]).order_by()


def _listed_threads(thread_ids: list[int]) -> dict[int, Thread]:
    """The listed ones among these threads, by id, with what the result list reads."""
    thread_ids = list(dict.fromkeys(thread_ids))
    count = len(thread_ids)
    if not count:
        return {}
    if count > LISTED_COMPILED_MAX:
        return _listed().in_bulk(thread_ids)
    query = _LISTED_BY_COUNT.get(count)
    if query is None:
        query = _LISTED_BY_COUNT.setdefault(
            count,
            CompiledQuery(
                Thread,
                partial(_listed_query, count),
                parameters={f"id{n}": int for n in range(count)},
            ),
        )
    found = query.fetch(**{f"id{n}": thread_id for n, thread_id in enumerate(thread_ids)})
    return {thread.pk: thread for thread in found}


def threads_search(
    *,
    text: str,
    brand_id: int | None = None,
    product_id: int | None = None,
    type: str = "",
    status: str = "",
    has_official: bool = False,
    has_verified: bool = False,
    page: int = 1,
    per_page: int = 20,
) -> SearchPage:
    """A page of listed threads for a query, best first, with highlighted snippets.

    Never raises for what a person types: empty, huge or symbol-only queries give an
    empty page (`terms` empty) that the page explains."""
    text = query_text(text).strip()
    truncated = len(text) > MAX_QUERY_CHARS
    text = text[:MAX_QUERY_CHARS]
    terms = tuple(analyze_query(text))
    per_page = max(1, per_page)
    result_page = SearchPage(query=text, terms=terms, per_page=per_page, truncated=truncated)
    if not terms:
        return result_page
    # The semantic stage (search.semantic), when on: the best lexical results re-ordered
    # by meaning, and the nearest threads added when words found fewer than a page. The
    # query's vector is computed while the words are read and the database runs the
    # lexical query, and waited for at most SODAN_SEMANTIC_QUERY_TIMEOUT_MS (then words
    # alone rank).
    pending = semantic.query_vector_start(text)
    backend = get_backend()
    groups = tuple(
        expand(query_groups(text), extra=brand_synonym_map(brand_id) if brand_id else None)
    )

    def fetch(number: int):
        offset, limit = (number - 1) * per_page, per_page
        # The lexical query is sent before the vector is known: with the stage on, the page
        # is cut from the best RERANK_TOP (or more), re-ordered when the vector has come.
        meaning = pending is not None and offset < semantic.RERANK_TOP
        if meaning:
            offset, limit = 0, max(semantic.RERANK_TOP, number * per_page)
        results = backend.search(
            SearchQuery(
                terms=terms,
                groups=groups,
                text=text,
                brand_id=brand_id,
                product_id=product_id,
                type=type,
                status=status,
                has_official=has_official,
                has_verified=has_verified,
                offset=offset,
                limit=limit,
                max_results=MAX_RESULTS,
            )
        )
        if meaning:
            vector = pending.get()
            hits = semantic.rerank(results.hits, vector)
            fill = vector is not None and results.total < per_page
            if fill and not (has_official or has_verified):
                added = semantic.nearest(
                    vector,
                    limit=per_page - len(hits),
                    brand_id=brand_id,
                    product_id=product_id,
                    type=type,
                    status=status,
                    exclude=[hit.thread_id for hit in hits],
                )
                hits += added
                results.total += len(added)
            results.hits = hits[(number - 1) * per_page : number * per_page]
        return results

    number = min(max(1, page), MAX_RESULTS // per_page or 1)
    try:
        results = fetch(number)
        if not results.hits and number > 1:
            # Past the last page (an old link): the last page, as Django's paginator does.
            result_page.total = fetch(1).total
            number = result_page.num_pages
            results = fetch(number)
    except SearchBackendError:
        logger.warning("Search is unavailable; titles are matched instead", exc_info=True)
        result_page.unavailable = True
        result_page.items = _title_matches(
            text,
            wanted=frozenset(terms),
            filters={
                "brand_id": brand_id,
                "product_id": product_id,
                "type": type or None,
                "status": status or None,
            },
            limit=per_page,
        )
        result_page.total = len(result_page.items)
        return result_page
    result_page.page = number
    result_page.total = results.total
    result_page.matched_all_terms = results.matched_all_terms
    result_page.total_exact = results.total_exact
    by_id = _listed_threads([hit.thread_id for hit in results.hits])
    # Answers are only read for threads where the backend may have matched them.
    answers = _answers_for_snippets(
        [h.thread_id for h in results.hits if h.fields is None or ANSWERS in h.fields]
    )
    # Hidden since it was indexed: never shown.
    shown = [(hit, by_id[hit.thread_id]) for hit in results.hits if hit.thread_id in by_id]
    snippets = _page_snippets(shown, answers, frozenset(terms))
    for (_hit, thread), (title, snippet, answer_snippet) in zip(shown, snippets, strict=True):
        result_page.items.append(
            SearchResultItem(
                thread=thread, title=title, snippet=snippet, answer_snippet=answer_snippet
            )
        )
    return result_page


def _page_snippets(
    shown: list[tuple[SearchHit, Thread]], answers: dict[int, list[str]], wanted: frozenset[str]
) -> list[list[Snippet | None]]:
    """Each thread's title, question and first matching answer (None when no answer
    matches), marked. Where the backend knows no term is (SearchHit.fields), a text is
    shown as it starts, without analysing it (the Japanese analyser is most of the
    snippets' time). The texts are analysed together, which is one call to the analyser
    process when the app server runs one: the titles, the questions and each thread's
    first answer, then the next answer of the threads whose answer did not match."""
    found: list[list[Snippet | None]] = [[None, None, None] for _ in shown]
    asked: list[tuple[str, frozenset[str], int]] = []
    places: list[tuple[int, int]] = []  # (thread, 0 title / 1 question / 2 answer)
    for place, (hit, thread) in enumerate(shown):
        texts = (
            (TITLE, thread.title, 300),
            (BODY, _plain(thread.body_html, SNIPPET_SOURCE_CHARS), 160),
        )
        for slot, (name, text, width) in enumerate(texts):
            if hit.fields is not None and name not in hit.fields:
                found[place][slot] = leading(text, width=width)
            else:
                asked.append((text, wanted, width))
                places.append((place, slot))
    waiting = {
        place: [_plain(html, SNIPPET_SOURCE_CHARS) for html in answers.get(hit.thread_id, [])]
        for place, (hit, _thread) in enumerate(shown)
    }
    while True:
        for place, texts in waiting.items():
            if texts:
                asked.append((texts.pop(0), wanted, 160))
                places.append((place, 2))
        if not asked:
            return found
        for (place, slot), snippet in zip(places, highlight_many(asked), strict=True):
            if slot < 2:
                found[place][slot] = snippet
            elif snippet.matched:
                found[place][2] = snippet
                waiting[place] = []
        asked, places = [], []


def threads_similar(
    *, brand_id: int, text: str, exclude: Thread | None = None, limit: int = 5
) -> list[Thread]:
    """Listed threads of the brand most like `text` (a title being typed, or a thread)."""
    text = query_text(text)
    terms = tuple(analyze_query(text[: MAX_QUERY_CHARS * 2], max_terms=16))
    # The semantic stage as in threads_search: a thread is compared by its stored vector,
    # a text by its vector, computed while the database looks for the words.
    vector = pending = None
    if semantic.enabled():
        vector = semantic.stored_vector(exclude.pk) if exclude else None
        if vector is None:
            pending = semantic.query_vector_start(text[: MAX_QUERY_CHARS * 2])
    if not terms and pending is not None:
        vector = pending.get()  # no words to look for meanwhile
    if not terms and vector is None:
        return []
    meaning = vector is not None or pending is not None
    try:
        hits = (
            get_backend().similar(
                terms=terms,
                brand_id=brand_id,
                exclude_id=exclude.pk if exclude else None,
                limit=max(limit, semantic.RERANK_TOP) if meaning else limit,
                text=text[: MAX_QUERY_CHARS * 2],
            )
            if terms
            else []
        )
    except SearchBackendError:  # suggestions are a help, not a condition for asking
        logger.warning("Similar threads are unavailable", exc_info=True)
        return []
    if vector is None and pending is not None:
        vector = pending.get()
    hits = hits[:limit] if vector is None else hits
    if vector is not None:
        hits = semantic.rerank(hits, vector)[:limit]
        hits += semantic.nearest(
            vector,
            limit=limit - len(hits),
            brand_id=brand_id,
            exclude=[hit.thread_id for hit in hits] + ([exclude.pk] if exclude else []),
        )
    by_id = Thread.objects.listed().in_bulk([h.thread_id for h in hits])
    return [by_id[h.thread_id] for h in hits if h.thread_id in by_id]


def reindex(*, batch_size: int = 500, resume: bool = True, progress=None) -> int:
    """Rebuild the index from every thread, in id order, remembering where it got to.

    Every thread is visited: searchable ones are indexed, the others removed. The backend
    decides where the rebuild goes (Elasticsearch: a new index behind the write alias;
    the database: in place), and serves it only once `finish_rebuild` has run."""
    from .models import ReindexCheckpoint

    backend = get_backend()
    name = settings.SEARCH_BACKEND
    checkpoint = ReindexCheckpoint.objects.filter(backend=name, finished_at__isnull=True).first()
    if checkpoint is None or not resume:
        ReindexCheckpoint.objects.filter(backend=name).delete()
        checkpoint = ReindexCheckpoint.objects.create(backend=name, target=backend.begin_rebuild())
    else:
        backend.resume_rebuild(checkpoint.target)
    done = 0
    while True:
        threads = list(
            Thread.objects.filter(pk__gt=checkpoint.last_thread_id).order_by("pk")[:batch_size]
        )
        if not threads:
            break
        docs = analyse_documents(build_documents(threads))
        vectors = semantic.embeddings_compute(docs)
        backend.index(docs, vectors=vectors)
        indexed = {doc.thread_id for doc in docs}
        gone = [t.pk for t in threads if t.pk not in indexed]
        if gone:
            backend.remove(gone)
        semantic.embeddings_write(docs, gone, vectors)
        checkpoint.last_thread_id = threads[-1].pk
        checkpoint.save(update_fields=["last_thread_id"])
        done += len(threads)
        if progress:
            progress(len(threads))
    backend.finish_rebuild(checkpoint.target)
    checkpoint.finished_at = timezone.now()
    checkpoint.save(update_fields=["finished_at"])
    return done
