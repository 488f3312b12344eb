"""Readers' page views per thread, for a brand's deflection estimate (views of solved
threads stand for contacts that never reached support).

Counting must cost a page nothing: most pages are served from the cache without a query.
So each process tallies views in memory, and the first view recorded after
`SODAN_VIEW_COUNT_FLUSH_SECONDS` have passed adds the process's tally to `Thread.view_count`,
one UPDATE per thread (F() increments, so processes never overwrite each other): one request
a minute per process pays a few small writes. No thread of our own writes behind the
request cycle's back (a background thread's connection outlives the request's rules, and
under tests it wrote into other tests' data). Views tallied by a process that dies before
its next flush are lost: an estimate may lose a minute of views. With the setting at 0
nothing is flushed on its own (tests call `flush()`).
"""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter

from django.conf import settings
from django.db.models import F

logger = logging.getLogger(__name__)

_lock = threading.Lock()
_tally: Counter[int] = Counter()
_last_flush = time.monotonic()


def record(thread_id: int) -> None:
    """One reader saw the thread's page; adds the tally when it is due."""
    global _last_flush
    seconds = getattr(settings, "SODAN_VIEW_COUNT_FLUSH_SECONDS", 0)
    with _lock:
        _tally[thread_id] += 1
        due = seconds > 0 and time.monotonic() - _last_flush >= seconds
        if due:
            _last_flush = time.monotonic()
    if due:
        try:
            flush()
        except Exception:  # the next round tries again; a page never fails for a count
            logger.warning("Could not add thread views", exc_info=True)


def discard() -> None:
    """Forget this process's tally unwritten (each test starts from none)."""
    with _lock:
        _tally.clear()


def pending() -> dict[int, int]:
    with _lock:
        return dict(_tally)


def flush() -> int:
    """Add this process's tally to the threads; returns the views written."""
    from .models import Thread

    with _lock:
        counts = dict(_tally)
        _tally.clear()
    for thread_id, views in counts.items():
        Thread.objects.filter(pk=thread_id).update(view_count=F("view_count") + views)
    return sum(counts.values())
