"""Cached pages with exact invalidation: thread pages (assembled per viewer by
qa/thread_page.py) and brand thread lists.

Most readers of a support community are anonymous visitors arriving from a search
engine, and they all see the same page; signed-in customers see the same page too, but for
a few parts of their own. We keep rendered HTML in the cache stamped with version numbers,
and serve it only while they are still current:

- the thread's version, bumped by every write that changes what its page shows (new or
  edited answer, vote, me-too, acceptance, moderation, verification, ownership, …);
- the brand's list version, bumped with it (whatever shows on a thread page can show in
  the list) and when a thread arrives in or leaves the brand;
- for the commonest writes, a new answer and a me-too, which change a thread's row but
  not its place in the brand's plain lists (newest first, of one product or type or
  all), and for a new display name (a row names its thread's author): the threads' row
  versions and the brand's rows version instead of the list version. Lists that pick or
  order their threads by their rows (a status filter, the me-too sort, unanswered) are
  stored under the rows version; a plain list is stored with the row versions of the
  threads it shows, so it is rendered again only when one of them changed;
- a site-wide version, bumped by changes that touch many pages (a display name, a brand's
  look, name or address).

Bumping happens inside the writing transaction and again after it commits, and a page is
stored under the versions read *before* its data was, so a page rendered from rows that
were about to change can never be served under the new versions. A hit asks the database
nothing: one cache round trip brings the versions and the page together. Because every
change is exact, pages may stay for a day (`SODAN_PAGE_CACHE_SECONDS`); dates on them are
written as dates and shown as "3 hours ago" by the browser.

Pages are stored under keys that name the release (`release()`: set by the deploy, or a
hash of the code, templates and static files), so HTML an older release rendered is never
served by a newer one, nor the other way round while both run. The version keys do not
name it: a write served by either release invalidates the pages of both.

Writes reach this module through doors, one per kind of change: `thread_changed`
(whatever a thread page shows), `thread_row_changed` (an answer or a me-too: the thread's
page and row), `thread_page_changed` (a vote: the thread's page alone),
`brand_list_changed` (what only a brand's community page shows), `person_changed` (a
display name) and `site_changed` (what shows on every page: a brand's look, name or
address).

Nothing personal is cached: the per-request CSP nonce and CSRF token are put into the
cached HTML as it is served, and the parts of a page that differ per viewer are filled in
per request (qa/thread_page.py). They go only where the renderer put them: each rendering
writes marks of its own, random (`Marks`), which are stored with it and replaced when it
is served. A fixed placeholder would also be replaced inside what people wrote (an image
address holding it would send every reader's token to another site); a random mark cannot
be written in advance, and the placeholders' shapes are stripped from posts besides
(moderation.sanitize.strip_page_marks).
"""

from __future__ import annotations

import hashlib
import os
import secrets
import threading
from collections.abc import Callable
from functools import cache as once
from pathlib import Path
from typing import Any, NamedTuple

from django.conf import settings
from django.core.cache import DEFAULT_CACHE_ALIAS, cache, caches
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils.translation import get_language

from community import db_router
from community.cache import on_recovery
from community.csrf import masked_token

SITE_VERSION_KEY = "sodan:page:v:site"
# The shape of what is stored under a page's key; part of the key, so a release that
# changes it never reads what an older one stored.
PAGE_FORMAT = "m2"
# Marks with what the cache answered (the benchmark counts the hits).
CACHE_HEADER = "X-Sodan-Cache"


def release() -> str:
    """The release pages are stored under: the deploy's `SODAN_RELEASE`, else a hash of the
    code this process runs."""
    return settings.SODAN_RELEASE or code_release()


# What a rendering depends on besides the data: code, templates, and static files (their
# hashed names are written into pages).
_RELEASE_SUFFIXES = (".py", ".html", ".css", ".js")
_RELEASE_SKIPPED_DIRS = frozenset(
    {"tests", "node_modules", "__pycache__", "media", "staticfiles", "test-artifacts"}
)


@once
def code_release(root: Path | None = None) -> str:
    """A hash of the names and contents of the project's code, templates and static files,
    computed once per process (a few hundred small files). Contents rather than a commit
    id: the same on every host of one release, and it changes with an uncommitted edit."""
    root = Path(root or settings.BASE_DIR)
    digest = hashlib.blake2b(digest_size=8)
    for directory, subdirectories, files in os.walk(root):
        subdirectories[:] = sorted(
            name
            for name in subdirectories
            if not name.startswith(".")
            and name not in _RELEASE_SKIPPED_DIRS
            and not name.endswith(".egg-info")
        )
        for name in sorted(files):
            if name.endswith(_RELEASE_SUFFIXES):
                path = Path(directory, name)
                digest.update(str(path.relative_to(root)).encode() + b"\0")
                digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


class Marks(NamedTuple):
    """Where one rendering put the CSP nonce and the CSRF token: new random text for each
    rendering, kept with what is cached and replaced (a plain replace of each) when it is
    served. Their shape is `PAGE_MARK` in moderation.sanitize, which strips it from posts."""

    nonce: str
    csrf: str

    @classmethod
    def new(cls) -> Marks:
        return cls(
            nonce=f"__sodan_nonce_{secrets.token_hex(16)}__",
            csrf=f"__sodan_csrf_{secrets.token_hex(16)}__",
        )

    def context(self) -> dict[str, str]:
        """Template context that makes the templates write the marks."""
        return {"csp_nonce": self.nonce, "csrf_token": self.csrf}


def _thread_version_key(thread_id: int) -> str:
    return f"sodan:page:v:thread:{thread_id}"


def _brand_version_key(brand_id: int) -> str:
    return f"sodan:page:v:brand:{brand_id}"


def _thread_row_key(thread_id: int) -> str:
    return f"sodan:page:v:row:{thread_id}"


def _brand_rows_key(brand_id: int) -> str:
    return f"sodan:page:v:brand-rows:{brand_id}"


def site_version() -> str:
    """The site-wide version, for other caches that must drop with it (the host map)."""
    return cache.get(SITE_VERSION_KEY) or "0"


# --- Invalidation --------------------------------------------------------------------------


def thread_changed(thread_id: int, *, brand_id: int | None = None) -> None:
    """Invalidate the cached pages of one thread and its brand's thread lists, now and once
    the transaction commits: most changes a thread page shows show in a list's row too
    (title, status, counts, activity, visibility). One that does not calls
    `thread_page_changed`."""
    if brand_id is None:
        from qa.models import Thread

        brand_id = Thread.objects.filter(pk=thread_id).values_list("brand_id", flat=True).first()
    keys = [_thread_version_key(thread_id)]
    if brand_id is not None:
        keys.append(_brand_version_key(brand_id))
    _invalidate(keys)


def thread_page_changed(thread_id: int) -> None:
    """Invalidate the cached pages of one thread only, for a change its brand's lists do not
    show: a helpful vote moves an answer's count, and a list's row shows no answer (the rows
    are qa/templatetags/thread_rows.py). On a busy brand every write dropped all its lists,
    and nearly every list a reader asked for had to be rendered again."""
    _invalidate([_thread_version_key(thread_id)])


def thread_row_changed(thread_id: int, brand_id: int) -> None:
    """Invalidate the cached pages of one thread and, of its brand's lists, those that pick
    or order their threads by what a row shows (a filter, the me-too sort, unanswered), for
    a change that shows on the thread's row and keeps the thread where it is in the brand's
    plain list (newest first): a new answer, a me-too. A plain list is stored with the
    versions of the threads it shows (`serve_brand_threads`), so it is rendered again only
    where one of them changed: on a busy brand, every answer dropped every list."""
    _invalidate(
        [_thread_version_key(thread_id), _thread_row_key(thread_id), _brand_rows_key(brand_id)]
    )


def brand_list_changed(brand_id: int) -> None:
    """Invalidate one brand's cached thread lists, its community page (a thread arrived or
    left, the brand's Wagtail page was published)."""
    _invalidate([_brand_version_key(brand_id)])


# Past this many threads, a person's change drops every page instead (one write, not
# thousands).
MAX_THREADS_PER_PERSON = 2000


def person_changed(user_id: int) -> None:
    """Invalidate the pages that show a person's name: the threads they asked, answered,
    accepted, verified, recommended or own; and of the brands' lists, those that show a
    thread they asked (a list's row names its thread's author, and no one else): as a new
    answer does (`thread_row_changed`). Every change of a display name dropped every list
    of every brand the person took part in."""
    from django.db.models import Q

    from brands.models import ThreadOwnership
    from qa.models import Thread

    shown = (
        Q(author_id=user_id)
        | Q(answers__author_id=user_id)
        | Q(answers__accepted_by_id=user_id)
        | Q(answers__verified_by_id=user_id)
        | Q(answers__endorsed_by_id=user_id)
        | Q(pk__in=ThreadOwnership.objects.filter(owner_id=user_id).values("thread_id"))
    )
    threads = list(
        Thread.objects.filter(shown)
        .values_list("pk", "brand_id", "author_id")
        .distinct()[: MAX_THREADS_PER_PERSON + 1]
    )
    if len(threads) > MAX_THREADS_PER_PERSON:
        site_changed()
        return
    keys = [_thread_version_key(pk) for pk, _brand, _author in threads]
    asked = [(pk, brand) for pk, brand, author in threads if author == user_id]
    keys += [_thread_row_key(pk) for pk, _brand in asked]
    keys += [_brand_rows_key(brand) for brand in {brand for _pk, brand in asked}]
    if keys:
        _invalidate(keys)


def site_changed() -> None:
    """Invalidate every cached page (rare changes that show on many pages)."""
    _invalidate([SITE_VERSION_KEY])


def _invalidate(keys: list[str]) -> None:
    """New versions now, for this transaction's own reads, and again once it commits, so a
    page rendered by another request from the old rows meanwhile is never served."""
    _bump_all(keys)
    transaction.on_commit(lambda: _bump_all(keys))


# Version keys whose bump the cache did not take (Redis was unavailable), kept in the
# process and bumped again before it reads a page from the cache, and as soon as Redis
# answers (community.cache.on_recovery): a Redis that comes back with its data (a restart
# with persistence, a network blip) must not serve a page invalidated while it was away.
# Past a thousand, a new site version stands for them all.
_unapplied_bumps: set[str] = set()
_unapplied_lock = threading.Lock()
MAX_UNAPPLIED_BUMPS = 1000


def _bump_all(keys: list[str]) -> None:
    with _unapplied_lock:
        keys = list(dict.fromkeys([*keys, *_unapplied_bumps]))
    failed = cache.set_many({key: secrets.token_hex(6) for key in keys}, timeout=None)
    with _unapplied_lock:
        _unapplied_bumps.difference_update(keys)
        _unapplied_bumps.update(failed or ())
        if len(_unapplied_bumps) > MAX_UNAPPLIED_BUMPS:
            _unapplied_bumps.clear()
            _unapplied_bumps.add(SITE_VERSION_KEY)


def replay_unapplied_bumps() -> bool:
    """Bump again what an outage kept from the cache; whether nothing is left over."""
    if _unapplied_bumps:
        _bump_all([])
    return not _unapplied_bumps


on_recovery(replay_unapplied_bumps)


# --- Who may be served from the cache ------------------------------------------------------


def shareable(request: HttpRequest, *, allow_query: bool = False) -> bool:
    """Whether this request's page may be assembled from a shared rendering: a plain GET
    of the page's own address (a query string, a theme preview or an htmx request gets
    a page rendered for it; with `allow_query`, the caller has checked the query names
    a page of its own, such as a thread's `?page=2`)."""
    return (
        settings.SODAN_PAGE_CACHE
        and request.method == "GET"
        and (allow_query or not request.GET)
        and not request.headers.get("HX-Request")
    )


def cacheable(request: HttpRequest, *, allow_query: bool = False) -> bool:
    """Whether this request may get (and store) a whole cached page: an anonymous visitor
    without a session or pending messages, who may see nothing of their own. (Without a
    session cookie nobody is signed in: sessions are Sodan's only way in.)"""
    if not settings.SODAN_PAGE_CACHE or request.method != "GET":
        return False
    if request.GET and not allow_query:
        return False
    return settings.SESSION_COOKIE_NAME not in request.COOKIES and "messages" not in request.COOKIES


# --- Reading and writing ---------------------------------------------------------------------


def page_key(name: str, request: HttpRequest) -> str:
    """A page's key: a brand's own domain shows it in its own header and links
    (themes.middleware), and each language has its own rendering."""
    return f"sodan:page:{PAGE_FORMAT}:{release()}:{name}:{_language_and_host(request)}"


def _language_and_host(request: HttpRequest) -> str:
    return f"{get_language()}:{request.get_host()}"


def lookup(
    version_key: str | tuple[str, ...], *keys: str, session: Any = None
) -> tuple[str, dict[str, Any]]:
    """The current stamp (the versions a page must have been rendered under: one version
    key's, or several's, and the site's) and those of `keys` stored under it, in one cache
    round trip; with `session` (not loaded yet, of community.sessions), the session's data
    comes in the same round trip."""
    stamp, current, _found = _lookup(version_key, keys, session=session)
    return stamp, current


def _lookup(
    version_key: str | tuple[str, ...],
    keys: tuple[str, ...] | list[str],
    *,
    also: tuple[str, ...] | list[str] = (),
    unstamped: tuple[str, ...] | list[str] = (),
    session: Any = None,
) -> tuple[str, dict[str, Any], dict[str, Any]]:
    """`lookup`, and besides what the cache holds under `also` (other versions, read in the
    same round trip), under `unstamped` (versions read and given a first value as the
    stamp's are, left out of the stamp) and under `keys` whatever their stamp."""
    version_keys = (version_key,) if isinstance(version_key, str) else version_key
    if not replay_unapplied_bumps():  # the cache is unavailable, or may hold stale pages
        return _unavailable_stamp(), {}, {}
    session_key = _session_prefetch_key(session)
    found = cache.get_many(
        [*version_keys, SITE_VERSION_KEY, *unstamped, *keys, *also, *filter(None, [session_key])]
    )
    if session_key:
        session.prefetched(found.get(session_key))
    _first_versions([*version_keys, SITE_VERSION_KEY, *unstamped], found)
    if any(key not in found for key in (*version_keys, SITE_VERSION_KEY)):
        # The cache is unavailable: pages come from the database.
        return _unavailable_stamp(), {}, {}
    stamp = ":".join(found[key] for key in (*version_keys, SITE_VERSION_KEY))
    current = {}
    for key in keys:
        stored = found.get(key)
        if isinstance(stored, tuple) and len(stored) == 2 and stored[0] == stamp:
            current[key] = stored[1]
    if len(current) < len(keys):
        # A page is rendered and stored under this stamp: its rows must be at least as new
        # as the versions just read, which a read replica may not have replayed yet.
        db_router.read_primary_from_now()
    return stamp, current, found


def _first_versions(keys: list[str], found: dict[str, Any]) -> list[str]:
    """Give each version key missing from `found` a first value (never bumped yet, or
    dropped with an emptied cache) and read them back into `found` in one round trip; the
    keys that were missing. One the cache still lacks is unavailable."""
    missing = [key for key in keys if key not in found]
    for key in missing:
        cache.add(key, secrets.token_hex(6), timeout=None)
    if missing:
        found.update(cache.get_many(missing))
    return missing


def _unavailable_stamp() -> str:
    """A stamp nothing was stored under, for a page rendered while the cache's versions
    are unknown (storing it, should the cache answer meanwhile, serves it to nobody)."""
    return f"unavailable:{secrets.token_hex(6)}"


def _session_prefetch_key(session: Any) -> str | None:
    if session is None or hasattr(session, "_session_cache"):  # none, or already loaded
        return None
    if getattr(session, "_cache", None) is not caches[DEFAULT_CACHE_ALIAS]:  # another cache
        return None
    return getattr(session, "prefetch_key", None)


def lookup_one(key: str, stamp: str) -> Any:
    """One more stored value, if it was stored under `stamp`."""
    stored = cache.get(key)
    if isinstance(stored, tuple) and len(stored) == 2 and stored[0] == stamp:
        return stored[1]
    return None


def store(key: str, stamp: str, value: Any) -> None:
    cache.set(key, (stamp, value), settings.SODAN_PAGE_CACHE_SECONDS)


def store_many(stamp: str, values: dict[str, Any]) -> None:
    """`store` for several keys under one stamp, in one cache round trip."""
    cache.set_many(
        {key: (stamp, value) for key, value in values.items()}, settings.SODAN_PAGE_CACHE_SECONDS
    )


def respond(request: HttpRequest, page: str | bytes, marks: Marks, state: str) -> HttpResponse:
    """Serve cached HTML (whole pages are kept encoded) with this request's CSP nonce and
    CSRF token put in where the rendering's own `marks` are."""
    body = page.encode() if isinstance(page, str) else page
    csrf = marks.csrf.encode()
    if csrf in body:  # pages for visitors who are not signed in hold none
        body = body.replace(csrf, masked_token(request).encode())
    body = body.replace(marks.nonce.encode(), str(request.csp_nonce).encode())
    response = HttpResponse(body, content_type="text/html; charset=utf-8")
    response[CACHE_HEADER] = state
    return response


# --- Thread pages ------------------------------------------------------------------------------


def thread_keys(thread_id: int, request: HttpRequest, page: int = 1) -> tuple[str, str, str]:
    """(version key, the shared rendering's key, the anonymous page's key) of one page of
    the thread's answers: every page is stored under the thread's one version, so any
    change drops them all at once."""
    variant = f"{thread_id}:{page}:{_language_and_host(request)}"
    prefix = f"sodan:page:{PAGE_FORMAT}:{release()}"
    return (
        _thread_version_key(thread_id),
        f"{prefix}:thread:{variant}",
        f"{prefix}:thread-anon:{variant}",
    )


# --- Brand thread lists --------------------------------------------------------------------

# Brand slugs seen by this process, so a cached list needs no query to find its brand.
# A brand's slug changes (or a brand goes) only through the admin, which bumps the site
# version: the pages stored under the old slug then no longer match.
_brand_ids: dict[str, int] = {}
# The threads a plain list showed when this process last had to check their versions (its
# brand's rows had moved), so they come in the same round trip as the page next time.
_list_rows: dict[str, tuple[int, ...]] = {}
MAX_LIST_ROWS = 4096
# A thread's version not known when a plain list was stored: never equal to one read.
_UNKNOWN = "?"


def serve_brand_threads(
    request: HttpRequest, brand_slug: str, render: Callable[[dict], HttpResponse]
) -> HttpResponse:
    """A brand's thread list for anonymous readers; its filters, sort and page are part of
    the key. `render(context)` finds the brand (404 if there is none) and renders the list
    with `context` (the rendering's marks, and `shown_rows`, a list its rows add their
    threads' ids to).

    Every list is stored under the brand's list version, which every change to one of the
    brand's threads bumps (`thread_changed`), so a hidden thread leaves the cached list at
    once. A change that only shows on a thread's row (`thread_row_changed`) bumps the
    version of the lists that pick or order their threads by their rows instead; a plain
    list (newest first, any page, of one product or type or not: `_in_brand_order`) is
    stored with the versions of the rows it shows, and served while none of them moved.
    """
    if not cacheable(request, allow_query=True):
        return render({})
    query = request.GET.urlencode() if len(request.GET) else ""
    if len(query) > 200:  # an odd address is rendered, not stored
        return render({})
    key = page_key(f"brand:{brand_slug}:{query}", request)
    plain = _in_brand_order(request)
    brand_id = _brand_ids.get(brand_slug)
    if brand_id is not None:
        _stamp, stored, _found = _list_lookup(key, brand_id, plain)
        if stored is not None:
            return respond(request, stored[0], stored[1], "hit")
    # A miss: find the brand afresh (a slug seen before may since belong to another), read
    # the versions, and only then the list's rows.
    brand_id = _brand_id(brand_slug)
    if brand_id is None:
        _brand_ids.pop(brand_slug, None)
        return render({})  # answers 404
    _brand_ids[brand_slug] = brand_id
    stamp, stored, found = _list_lookup(key, brand_id, plain)
    if stored is not None:
        return respond(request, stored[0], stored[1], "hit")
    marks = Marks.new()
    shown: list[int] = []
    response = render({**marks.context(), "shown_rows": shown})
    if response.status_code != 200 or response.streaming:
        return response
    rows: tuple = ()
    rows_version = _UNKNOWN
    if plain:
        rows_before = found.get(_brand_rows_key(brand_id))
        rows = _versions_of(shown, stamp, brand_id, rows_before)
        if all(version != _UNKNOWN for _pk, version in rows):
            rows_version = rows_before
    store(key, stamp, (response.content, marks, rows, rows_version))
    return respond(request, response.content, marks, "miss")


def _in_brand_order(request: HttpRequest) -> bool:
    """Whether the list is the brand's threads newest first, any page, of one product or
    type or not (qa.views.brand_threads): which threads it shows, and in which order, no
    change of a row moves. A status filter or another sort ("me_too", "unanswered")
    picks or orders the threads by what their rows show."""
    return set(request.GET) <= {"page", "product", "type", "sort"} and request.GET.get(
        "sort", "newest"
    ) in ("", "newest")


def _list_versions(brand_id: int, plain: bool) -> tuple[str, ...]:
    if plain:
        return (_brand_version_key(brand_id),)
    return (_brand_version_key(brand_id), _brand_rows_key(brand_id))


def _list_lookup(key: str, brand_id: int, plain: bool) -> tuple[str, Any, dict[str, Any]]:
    """The current stamp of the list, what is stored under `key` if it is still current
    (its content and marks), else None, and what the round trip found.

    A plain list is current while the brand's rows version is the one read before its
    rows were (no row of the brand changed since), or else while each of its own rows'
    versions is: those are read in a second round trip, or in the first when this
    process found the brand's rows moving the last time it served the list."""
    rows_key = _brand_rows_key(brand_id)
    also = [_thread_row_key(pk) for pk in _list_rows.get(key, ())]
    # A plain list's stamp leaves the rows version out, but it is read before the rows.
    unstamped = [rows_key] if plain else []
    stamp, current, found = _lookup(
        _list_versions(brand_id, plain), [key], also=also, unstamped=unstamped
    )
    stored = current.get(key)
    if stored is None or len(stored) != 4:
        return stamp, None, found
    content, marks, rows, rows_version = stored
    if rows and found.get(rows_key) != rows_version:
        row_keys = [_thread_row_key(pk) for pk, _version in rows]
        missing = [row_key for row_key in row_keys if row_key not in found]
        if missing:
            found.update(cache.get_many(missing))
        if any(
            found.get(row_key) != version
            for row_key, (_pk, version) in zip(row_keys, rows, strict=True)
        ):
            return stamp, None, found
        _remember_rows(key, rows)
    return stamp, (content, marks), found


def _versions_of(shown: list[int], stamp: str, brand_id: int, rows_before: Any) -> tuple:
    """The versions of the rows a plain list just showed, read after its rows were: a
    write to one of them may have committed between the two, so they are trusted only if
    the brand's versions, read before the rows and bumped by every such write before it
    commits and again after, had not moved when the last of them was read; else they are
    kept as unknown, and the list is served to nobody until it is rendered again."""
    pks = list(dict.fromkeys(shown))
    keys = [_thread_row_key(pk) for pk in pks]
    brand_keys = [_brand_version_key(brand_id), _brand_rows_key(brand_id), SITE_VERSION_KEY]
    found = cache.get_many([*brand_keys, *keys])
    if _first_versions(keys, found):  # and the brand's versions again, after the last of them
        again = cache.get_many(brand_keys)
        found.update({key: again.get(key) for key in brand_keys})
    unmoved = (
        stamp == f"{found.get(brand_keys[0])}:{found.get(SITE_VERSION_KEY)}"
        and rows_before is not None
        and found.get(brand_keys[1]) == rows_before
    )
    return tuple(
        (pk, found.get(key, _UNKNOWN) if unmoved else _UNKNOWN)
        for pk, key in zip(pks, keys, strict=True)
    )


def _remember_rows(key: str, rows: tuple) -> None:
    if len(_list_rows) >= MAX_LIST_ROWS:
        _list_rows.clear()
    _list_rows[key] = tuple(pk for pk, _version in rows)


def _brand_id(slug: str) -> int | None:
    from brands.models import Brand

    return Brand.objects.filter(slug=slug).values_list("pk", flat=True).first()
