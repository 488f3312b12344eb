"""Whole-page cache of thread pages and brand thread lists for anonymous readers, with
exact invalidation.

Most readers of a support community are anonymous visitors arriving from a search
engine, and they all see the same page. We keep the rendered HTML in the cache stamped
with version numbers, and serve it only while they are still current:

- the thread's version, bumped by every write that changes what its page shows (new or
  edited answer, vote, me-too, acceptance, moderation, verification, ownership, …);
- the brand's list version, bumped with it (whatever shows on a thread page can show in
  the list) and when a thread arrives in or leaves the brand;
- a site-wide version, bumped by changes that touch many pages (a display name, a brand's
  look).

A hit costs one cache round trip (versions and page together) and, in the views, one small
query that the thread is still published.

Bumping happens inside the writing transaction and again after it commits, so a page
rendered from data that was about to change can never be served under the new version.
Nothing personal is cached: only requests without a session or pending messages use the
cache, and the per-request CSP nonce and CSRF token are put into the cached HTML as it is
served.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token

NONCE_MARK = "__sodan_csp_nonce__"
CSRF_MARK = "__sodan_csrf_token__"
SITE_VERSION_KEY = "sodan:page:v:site"
# Short enough that "5 minutes ago" style dates stay roughly right; long enough for hot
# threads to be served from the cache nearly always.
PAGE_TTL = 300


def _thread_version_key(thread_id: int) -> str:
    return f"sodan:page:v:thread:{thread_id}"


def site_version() -> str:
    """The site-wide version, for other caches that must drop with it (the host map)."""
    return cache.get(SITE_VERSION_KEY) or "0"


def _brand_version_key(brand_id: int) -> str:
    return f"sodan:page:v:brand:{brand_id}"


def thread_changed(thread_id: int, *, brand_id: int | None = None) -> None:
    """Invalidate the cached pages of one thread and its brand's thread lists, now and once
    the transaction commits. Every change a thread page shows can also show in the list
    (title, status, counts, visibility), so both go together."""
    if brand_id is None:
        from .models import Thread

        brand_id = Thread.objects.filter(pk=thread_id).values_list("brand_id", flat=True).first()
    keys = [_thread_version_key(thread_id)]
    if brand_id is not None:
        keys.append(_brand_version_key(brand_id))
    _invalidate(keys)


def brand_threads_changed(brand_id: int) -> None:
    """Invalidate one brand's cached thread lists (a thread arrived or left)."""
    _invalidate([_brand_version_key(brand_id)])


def _invalidate(keys: list[str]) -> None:
    """New versions now, for this transaction's own reads, and again once it commits, so a
    page rendered by another request from the old rows meanwhile is never served."""
    _bump_all(keys)
    transaction.on_commit(lambda: _bump_all(keys))


def _bump_all(keys: list[str]) -> None:
    cache.set_many({key: secrets.token_hex(6) for key in keys}, timeout=None)


def site_changed() -> None:
    """Invalidate every cached page (rare changes that show on many pages)."""
    _invalidate([SITE_VERSION_KEY])


def cacheable(request: HttpRequest, *, allow_query: bool = False) -> bool:
    """Whether this request may be answered from (and stored in) the page cache."""
    if not settings.SODAN_PAGE_CACHE or request.method != "GET":
        return False
    if request.user.is_authenticated or (request.GET and not allow_query):
        return False
    # A session or a pending message means this visitor may see something of their own.
    return settings.SESSION_COOKIE_NAME not in request.COOKIES and "messages" not in request.COOKIES


def serve_thread_page(
    request: HttpRequest, thread_id: int, render: Callable[[dict], HttpResponse]
) -> HttpResponse:
    """Serve the anonymous thread page from the cache, or render, store and serve it.

    `render(marks)` renders the page with `marks` added to its context: for a cacheable
    request, placeholders stand in for the per-request CSP nonce and CSRF token.
    """
    if not cacheable(request):
        return render({})
    return _serve(request, f"thread:{thread_id}", _thread_version_key(thread_id), render)


def serve_brand_threads(
    request: HttpRequest, brand_id: int, render: Callable[[dict], HttpResponse]
) -> HttpResponse:
    """The same for a brand's thread list; its filters, sort and page are part of the key.

    The list's version is bumped by every change to one of the brand's threads
    (`thread_changed`), so a hidden thread leaves the cached list at once.
    """
    if not cacheable(request, allow_query=True):
        return render({})
    query = request.GET.urlencode() if len(request.GET) else ""
    if len(query) > 200:  # an odd address is rendered, not stored
        return render({})
    return _serve(request, f"brand:{brand_id}:{query}", _brand_version_key(brand_id), render)


def _serve(
    request: HttpRequest, name: str, version_key: str, render: Callable[[dict], HttpResponse]
) -> HttpResponse:
    language = getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE)
    # A brand's own domain shows the page in its own header and links (themes.middleware).
    page_key = f"sodan:page:{name}:{language}:{request.get_host()}"
    # One round trip: the versions and the stored page, which carries the versions it was
    # rendered under and is served only while they are still the current ones.
    found = cache.get_many([version_key, SITE_VERSION_KEY, page_key])
    for key in (version_key, SITE_VERSION_KEY):
        if key not in found:
            cache.add(key, secrets.token_hex(6), timeout=None)
            found[key] = cache.get(key)
    stamp = f"{found[version_key]}:{found[SITE_VERSION_KEY]}"
    stored = found.get(page_key)
    state = "hit"
    if isinstance(stored, tuple) and len(stored) == 2 and stored[0] == stamp:
        html = stored[1]
    else:
        # The versions were read before rendering: a change committed meanwhile has bumped
        # them, so this page is stored under a stamp that no longer matches.
        response = render({"csp_nonce": NONCE_MARK, "csrf_token": CSRF_MARK})
        if response.status_code != 200 or response.streaming:
            return response
        html = response.content.decode()
        cache.set(page_key, (stamp, html), PAGE_TTL)
        state = "miss"
    response = HttpResponse(
        html.replace(NONCE_MARK, str(request.csp_nonce)).replace(CSRF_MARK, get_token(request)),
        content_type="text/html; charset=utf-8",
    )
    response["X-Sodan-Cache"] = state
    return response
