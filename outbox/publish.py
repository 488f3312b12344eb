"""Publishing a task to the broker without ever blocking or failing a request.

`publish(task, *args)` is what the outboxes use to kick their deliverer after commit. The
row is already safe in the database, so a publish is only a hint: it is tried once (no
publish retries, over connections of its own that try to connect once, where Celery's
keep trying until SODAN_BROKER_CONNECT_TIMEOUT), an error is logged, never raised, and
after a failure a small circuit breaker skips publishing for
SODAN_OUTBOX_BROKER_BACKOFF_SECONDS, so during an outage no request pays for a connection
attempt; the periodic sweeps deliver what was not kicked.

Without a broker (eager mode: the embedded default and the tests) the task runs in-process
at once, as Celery runs eager tasks.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from celery import Task
from django.conf import settings

logger = logging.getLogger(__name__)

_lock = threading.Lock()
_skip_until = 0.0  # time.monotonic() before which publishing is skipped
_down_since: float | None = None
_pools: dict[str, Any] = {}  # broker URL -> kombu connection pool for publishing


def _connections(app: Any) -> Any:
    """Publishing connections: a pool of the app's broker connections that give up at the
    first failed connect (workers' connections keep retrying; see settings)."""
    url = app.conf.broker_write_url or app.conf.broker_url
    with _lock:
        if url not in _pools:
            connection = app.connection_for_write(transport_options={"max_retries": 0})
            _pools[url] = connection.Pool(limit=app.conf.broker_pool_limit)
        return _pools[url]


def _forget_connections(app: Any) -> None:
    url = app.conf.broker_write_url or app.conf.broker_url
    with _lock:
        pool = _pools.pop(url, None)
    if pool is not None:
        pool.force_close_all()


def publish(task: Task, *args: Any, queue: str | None = None) -> bool:
    """Send `task(*args)` to its queue (or `queue`), or run it now in eager mode. True when
    it was sent (or ran); False when it was skipped or failed, which the sweep makes good."""
    if task.app.conf.task_always_eager:
        try:
            task.apply(args=args, throw=True)
        except Exception:
            logger.exception("Task %s failed in-process; the sweep retries it", task.name)
            return False
        return True
    global _skip_until, _down_since
    if time.monotonic() < _skip_until:
        logger.debug("Broker marked down; %s left to the sweep", task.name)
        return False
    try:
        with _connections(task.app).acquire(block=True, timeout=1) as connection:
            task.apply_async(
                args=args,
                retry=False,
                producer=task.app.amqp.Producer(connection),
                **({"queue": queue} if queue else {}),
            )
    except Exception as error:
        _forget_connections(task.app)
        with _lock:
            _skip_until = time.monotonic() + settings.SODAN_OUTBOX_BROKER_BACKOFF_SECONDS
            first = _down_since is None
            if first:
                _down_since = time.monotonic()
        if first:
            logger.warning(
                "The broker is unreachable (%s); not publishing for %s s, the outbox sweep "
                "delivers what waits",
                error,
                settings.SODAN_OUTBOX_BROKER_BACKOFF_SECONDS,
            )
        else:
            logger.debug("The broker is still unreachable (%s)", error)
        return False
    if _down_since is not None:
        with _lock:
            _down_since = None
        logger.warning("The broker is reachable again")
    return True


def breaker_reset() -> None:
    """Forget a past failure (tests; an operator's shell after fixing the broker)."""
    global _skip_until, _down_since
    with _lock:
        _skip_until = 0.0
        _down_since = None


def breaker_open() -> bool:
    return time.monotonic() < _skip_until
