"""The floor: a bare Django view returning pre-rendered HTML as large as a thread page.

It runs through the same server, workers and middleware as the real pages but does no
query and no template work, so "thread page req/s ÷ floor req/s" says how much of the
machine the page itself costs, whatever else the machine is doing. Mounted only when
settings.SODAN_BENCH_FLOOR is set (community/root_urls.py).
"""

from __future__ import annotations

import functools
import os

from django.http import HttpRequest, HttpResponse

DEFAULT_BYTES = 30_000
_PARAGRAPH = (
    "<p>Floor page for the benchmark: pre-rendered HTML of the same size as a thread page, "
    "served by a view that does no query and renders no template.</p>\n"
)


@functools.cache
def page_html(size: int) -> bytes:
    """An HTML document of exactly `size` bytes (at least the skeleton's length)."""
    head = "<!doctype html>\n<html lang=en><head><meta charset=utf-8><title>Floor</title>"
    head += "</head><body><main>\n"
    tail = "</main></body></html>\n"
    room = max(0, size - len(head) - len(tail))
    body = (_PARAGRAPH * (room // len(_PARAGRAPH) + 1))[:room]
    if room:
        body = body[:-1] + "\n"
    return (head + body + tail).encode()


def floor(request: HttpRequest) -> HttpResponse:
    size = int(os.environ.get("SODAN_BENCH_FLOOR_BYTES", DEFAULT_BYTES))
    return HttpResponse(page_html(size), content_type="text/html; charset=utf-8")
