"""Readers' page views per thread, for a brand's deflection estimate (views of solved
threads stand for contacts that never reached support).

Counting must cost a page nothing: most pages are served from the cache without a query.
So each process tallies views in memory, and a daemon thread of that process adds the tally
to `Thread.view_count` every `SODAN_VIEW_COUNT_FLUSH_SECONDS` with one UPDATE per thread
(F() increments, so processes never overwrite each other). Views tallied by a process that
dies before its next flush are lost: an estimate may lose a minute of views. With the
setting at 0 nothing is flushed on its own (tests call `flush()`).
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections import Counter

from django.conf import settings
from django.db import close_old_connections
from django.db.models import F

logger = logging.getLogger(__name__)

_lock = threading.Lock()
_tally: Counter[int] = Counter()
_flusher_pid: int | None = None


def record(thread_id: int) -> None:
    """One reader saw the thread's page."""
    with _lock:
        _tally[thread_id] += 1
    _start_flusher()


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


def _start_flusher() -> None:
    """One flusher per process, started by its first view (a forked worker starts its own)."""
    global _flusher_pid
    seconds = getattr(settings, "SODAN_VIEW_COUNT_FLUSH_SECONDS", 0)
    if seconds <= 0 or _flusher_pid == os.getpid():
        return
    with _lock:
        if _flusher_pid == os.getpid():
            return
        _flusher_pid = os.getpid()
    threading.Thread(target=_flush_forever, args=(seconds,), daemon=True).start()


def _flush_forever(seconds: int) -> None:
    while True:
        time.sleep(seconds)
        try:
            close_old_connections()
            flush()
        except Exception:  # the next round tries again; a page never fails for a count
            logger.warning("Could not add thread views", exc_info=True)
