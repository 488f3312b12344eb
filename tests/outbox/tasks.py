"""Tasks the outbox tests send: they count their runs (a real registered Celery task, run
by the real deliverer)."""

from __future__ import annotations

import threading
import time
from collections import Counter

from celery import shared_task

RUNS: Counter[str] = Counter()
FAILURES_LEFT: Counter[str] = Counter()
_lock = threading.Lock()


@shared_task
def record(key: str, pause: float = 0.0) -> str:
    """Count one run of `key`; fail while `FAILURES_LEFT[key]` says so."""
    with _lock:
        RUNS[key] += 1
        failing = FAILURES_LEFT[key] > 0
        if failing:
            FAILURES_LEFT[key] -= 1
    if pause:
        time.sleep(pause)
    if failing:
        raise OSError(f"{key}: the mail server is away")
    return key
