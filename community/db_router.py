"""Reads from PostgreSQL replicas, writes to the primary, and nobody misses their own write.

With DATABASE_REPLICA_URLS set (settings: `SODAN_REPLICA_DATABASES` names the aliases),
a web request reads from one replica and writes to the primary ("default"). A replica
replays the primary's changes a moment late, so whoever could be looking for a change of
their own reads from the primary instead:

- a request that writes (any unsafe method, or a write made while serving a safe one)
  reads from the primary from then on, and so does its sender for the next
  SODAN_READ_PRIMARY_SECONDS: a signed cookie says so (`ReadReplicaMiddleware`);
- a read inside a transaction on the primary stays on it (a service reads what it is about
  to change);
- Celery tasks read from the primary (`reads_from_primary()` around every task, connected
  in community/celery.py), and so does everything outside a request: management commands,
  the shell, beat, migrations. Only requests, whose readers tolerate a replica's moment of
  lag, are sent to one.

A replica that cannot be reached is skipped for SODAN_REPLICA_RETRY_SECONDS: its readers
read from the primary, slower but served. Migrations run on the primary only (a replica
receives them by replication). Without replicas the router answers nothing and Django
uses "default" for everything, exactly as before.

https://docs.djangoproject.com/en/5.2/topics/db/multi-db/#automatic-database-routing
"""

from __future__ import annotations

import contextlib
import logging
import random
import threading
import time
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core import signing
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.http import HttpRequest, HttpResponse

logger = logging.getLogger(__name__)

COOKIE_NAME = "sodan_rw"
COOKIE_SALT = "community.db_router.read-primary"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


@dataclass
class Reads:
    """Where this request or task reads: `replica` is the alias chosen for it, or None for
    the primary. `wrote` records that it wrote (its later reads go to the primary)."""

    replica: str | None
    checked: bool = False
    wrote: bool = False


# No context (commands, shell, beat, tasks): the primary.
_reads: ContextVar[Reads | None] = ContextVar("sodan_reads", default=None)

# Replicas found unreachable, with the monotonic time until which they are skipped; shared
# by the threads of one process.
_down_until: dict[str, float] = {}
_down_lock = threading.Lock()


def replica_aliases() -> list[str]:
    return list(getattr(settings, "SODAN_REPLICA_DATABASES", []))


@contextlib.contextmanager
def reads_from_replica(*, pinned: bool = False) -> Iterator[Reads]:
    """Reads in this block go to a replica (one, chosen for the whole block), unless
    `pinned` (the reader wrote a moment ago), or until the block writes."""
    aliases = replica_aliases()
    replica = None if pinned or not aliases else random.choice(aliases)  # noqa: S311
    state = Reads(replica=replica)
    token = _reads.set(state)
    try:
        yield state
    finally:
        _reads.reset(token)


@contextlib.contextmanager
def reads_from_primary() -> Iterator[None]:
    """Every read in this block goes to the primary (a Celery task, a job that must see
    the latest rows)."""
    token = _reads.set(Reads(replica=None))
    try:
        yield
    finally:
        _reads.reset(token)


def read_primary_from_now() -> None:
    """The rest of this request reads from the primary: what it reads is stored for others
    (a cached page, under versions newer than a replica may have replayed)."""
    state = _reads.get()
    if state is not None:
        state.replica = None


def _replica_reachable(alias: str) -> bool:
    """Connect (or health-check the kept connection) once per request; an unreachable
    replica is skipped for SODAN_REPLICA_RETRY_SECONDS by every request of this process."""
    now = time.monotonic()
    if _down_until.get(alias, 0.0) > now:
        return False
    connection = connections[alias]
    try:
        # A kept connection to a replica that restarted or went away is closed here, not
        # found broken by the request's first query (whatever CONN_HEALTH_CHECKS says).
        if connection.connection is not None and not connection.is_usable():
            connection.close()
        connection.health_check_done = True
        connection.ensure_connection()
    except DatabaseError as error:
        with _down_lock:
            _down_until[alias] = now + settings.SODAN_REPLICA_RETRY_SECONDS
        with contextlib.suppress(DatabaseError):
            connection.close()
        logger.warning(
            "Replica %s unreachable; reading from the primary for %s s: %s",
            alias, settings.SODAN_REPLICA_RETRY_SECONDS, error,
        )  # fmt: skip
        return False
    return True


class ReplicaRouter:
    """Django's router: reads as described above, writes and migrations to the primary."""

    def db_for_read(self, model: type, **hints: Any) -> str | None:
        state = _reads.get()
        if state is None or state.replica is None or state.wrote:
            return None
        if connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return None
        instance = hints.get("instance")
        if instance is not None and instance._state.db == DEFAULT_DB_ALIAS:
            return None  # related rows of an object the primary gave (after a write)
        if not state.checked:
            state.checked = True
            if not _replica_reachable(state.replica):
                state.replica = None
                return None
        return state.replica

    def db_for_write(self, model: type, **hints: Any) -> str | None:
        state = _reads.get()
        if state is not None:
            state.wrote = True
        return DEFAULT_DB_ALIAS if replica_aliases() else None

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        # Replicas hold the primary's very rows: an object read from one may point to
        # another read from the primary.
        databases = {DEFAULT_DB_ALIAS, *replica_aliases()}
        if obj1._state.db in databases and obj2._state.db in databases:
            return True
        return None

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        if db in replica_aliases():
            return False
        return None


def _pinned_by_cookie(request: HttpRequest) -> bool:
    try:
        request.get_signed_cookie(
            COOKIE_NAME, salt=COOKIE_SALT, max_age=settings.SODAN_READ_PRIMARY_SECONDS
        )
    except (KeyError, signing.BadSignature):
        return False
    return True


class ReadReplicaMiddleware:
    """Serve the request's reads from a replica unless its sender wrote a moment ago; after
    a write, tell the browser (a signed cookie lasting SODAN_READ_PRIMARY_SECONDS) to be
    read from the primary until the replicas have caught up.

    Placed before the session middleware, so the session's own reads and writes are
    routed too (a login is a write: the person then reads their signed-in pages from the
    primary)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not replica_aliases():
            return self.get_response(request)
        unsafe = request.method not in SAFE_METHODS
        with reads_from_replica(pinned=unsafe or _pinned_by_cookie(request)) as state:
            response = self.get_response(request)
        if unsafe or state.wrote:
            response.set_signed_cookie(
                COOKIE_NAME,
                "1",
                salt=COOKIE_SALT,
                max_age=settings.SODAN_READ_PRIMARY_SECONDS,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response
