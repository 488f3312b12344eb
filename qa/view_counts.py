"""Readers' page views per thread, for a brand's deflection estimate (views of solved
threads stand for contacts that never reached support).

Counting must cost a page nothing: most pages are served from the cache without a query.
So each process tallies views in memory, and the first view recorded after
`SODAN_VIEW_COUNT_FLUSH_SECONDS` have passed adds the process's tally to `Thread.view_count`
in increments (so processes never overwrite each other), a few hundred threads per statement
in the order of their ids: one request a minute per process pays a few writes. (One UPDATE
per thread held a busy process for seconds: a minute of a popular site's reading touches
thousands of threads.) On PostgreSQL one process adds its tally at a time: workers started
together come due together, and two UPDATEs of overlapping threads, each locking its rows in
the order of its own plan, deadlocked (a reader waited a second for PostgreSQL to notice);
a process that finds another adding keeps its tally and tries again a few seconds later
(`RETRY_SECONDS`). No thread of our own writes behind the
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
from django.db import connections, router, transaction

logger = logging.getLogger(__name__)

# Threads per statement: well under SQLite's limit of bound values.
FLUSH_BATCH = 400
# The transaction advisory lock a process holds while it adds its tally (PostgreSQL).
FLUSH_LOCK = 0x5EA7C1
# After finding another process adding its tally: seconds before trying again.
RETRY_SECONDS = 5.0

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
        except Busy:  # another process is adding its own: a turn a few seconds on
            with _lock:
                _last_flush = time.monotonic() - seconds + RETRY_SECONDS
        except Exception:  # the next round tries again; a page never fails for a count
            logger.warning("Could not add thread views", exc_info=True)


def discard() -> None:
    """Forget this process's tally unwritten (each test starts from none)."""
    with _lock:
        _tally.clear()


def pending() -> dict[int, int]:
    with _lock:
        return dict(_tally)


class Busy(Exception):
    """Another process is adding its tally; this one kept its own."""


def flush() -> int:
    """Add this process's tally to the threads; returns the views written. Raises `Busy`,
    the tally kept, when another process is adding its own (PostgreSQL)."""
    from .models import Thread

    with _lock:
        counts = dict(_tally)
        _tally.clear()
    if not counts:
        return 0
    database = connections[router.db_for_write(Thread)]
    table = database.ops.quote_name(Thread._meta.db_table)
    rows = sorted(counts.items())
    try:
        with transaction.atomic(using=database.alias):
            if database.vendor == "postgresql":
                with database.cursor() as cursor:
                    cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [FLUSH_LOCK])
                    if not cursor.fetchone()[0]:
                        raise Busy
            for start in range(0, len(rows), FLUSH_BATCH):
                batch = rows[start : start + FLUSH_BATCH]
                values = ", ".join(["(%s, %s)"] * len(batch))
                with database.cursor() as cursor:
                    cursor.execute(
                        f"WITH tally (id, views) AS (VALUES {values}) "  # noqa: S608 - placeholders only
                        f"UPDATE {table} SET view_count = view_count + "
                        f"(SELECT views FROM tally WHERE tally.id = {table}.id) "
                        f"WHERE id IN (SELECT id FROM tally)",
                        [value for row in batch for value in row],
                    )
    except Exception:
        with _lock:
            _tally.update(counts)  # nothing was written: the next flush tries them again
        raise
    return sum(counts.values())
