"""Django's Redis cache, with one Redis client per connection pool instead of one per call.

Django's `RedisCacheClient.get_client()` builds a new `redis.Redis` object for every cache
operation; building one copies redis-py's table of response callbacks, which cost more than
the round trip itself on a page served from the cache (a fifth of a millisecond, measured
with the benchmark's profiles). A `redis.Redis` object is safe to share: it takes a
connection from its pool for each command. Everything else is Django's backend unchanged.

Used when CACHE_URL names Redis (community/settings.py).

Reads never depend on Redis. When it is down or slow (refused connections, timeouts, a
server still loading its data), every operation answers as a cache without that key would:
a read is a miss or the default, a write or delete reports that it did not happen, nothing
raises. After one failure the process skips Redis for `SODAN_CACHE_RETRY_SECONDS` (a small
circuit breaker), so a dead Redis costs one short timeout (CACHES OPTIONS, settings) per
window instead of one per call, and the log gets one warning per outage. The first call
after the window pings Redis first; when it answers, the keys whose deletion failed
meanwhile are deleted, and the functions given to `on_recovery` run (the page cache
replays the invalidations it could not write), all before that call reads anything: a
Redis that comes back with its data (a restart with persistence, a network blip) never
serves what was invalidated while it was away.

Callers that must know whether something was counted (the rate limits) use `count_hit`,
which raises `CacheUnavailable` instead, or ask `cache_available()`.
"""

from __future__ import annotations

import functools
import logging
import threading
import time
from collections.abc import Callable, Iterator, KeysView, Mapping
from typing import Any, TypeVar

import redis.exceptions
from django.conf import settings
from django.core.cache import DEFAULT_CACHE_ALIAS, caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient as DjangoRedisCacheClient

logger = logging.getLogger(__name__)
T = TypeVar("T")

# What an unreachable, slow or restarting Redis raises (BusyLoadingError is a
# ConnectionError; socket errors are OSError). Anything else (a bad command, a value that
# cannot be pickled) is a bug and still raises.
UNAVAILABLE = (
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
    redis.exceptions.BusyLoadingError,
    OSError,
)
# Keys written or deleted while Redis was away: whatever it still holds under them is out of
# date, so they are deleted when it answers again. A longer outage forgets the rest (and
# says so) rather than grow without bound.
MAX_PENDING_DELETES = 100_000


class CacheUnavailable(Exception):
    """The cache could not be reached; raised only by `count_hit`."""


class RedisCacheClient(DjangoRedisCacheClient):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._client(connection_pool=self._get_connection_pool(write))
            self._clients[index] = client
        return client


_recovery_listeners: list[Callable[[], None]] = []


def on_recovery(listener: Callable[[], None]) -> None:
    """Call `listener` each time Redis answers again after an outage, before the call that
    found it back reads anything."""
    if listener not in _recovery_listeners:
        _recovery_listeners.append(listener)


class Breaker:
    """Whether this process may try one Redis server now: shared by every thread and every
    backend instance (Django builds one per thread) that talks to that server."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._lock = threading.Lock()
        self.down_since: float | None = None  # time.monotonic() of the first failure
        self.retry_at = 0.0
        self.skipped = 0
        self.pending_deletes: set[str] = set()
        self._forgot_deletes = False

    @property
    def is_down(self) -> bool:
        return self.down_since is not None

    def should_probe(self) -> bool | None:
        """None: Redis is up, go ahead. False: down, skip it. True: down, but the window
        has passed and this caller is the one to try (others keep skipping meanwhile)."""
        if self.down_since is None:
            return None
        with self._lock:
            now = time.monotonic()
            if now < self.retry_at:
                self.skipped += 1
                return False
            self.retry_at = now + _retry_seconds()
            return True

    def failed(self, error: BaseException) -> None:
        with self._lock:
            first = self.down_since is None
            now = time.monotonic()
            if first:
                self.down_since = now
                self.skipped = 0
            self.retry_at = now + _retry_seconds()
        if first:
            logger.warning(
                "Redis cache %s is unavailable (%s: %s); pages and sessions come from the "
                "database, and Redis is tried again every %s s",
                self.name,
                type(error).__name__,
                error,
                _retry_seconds(),
            )

    def recovered(self) -> None:
        with self._lock:
            if self.down_since is None:
                return
            seconds = time.monotonic() - self.down_since
            self.down_since = None
        logger.info(
            "Redis cache %s answers again after %.1f s (%d calls skipped meanwhile)",
            self.name,
            seconds,
            self.skipped,
        )

    def remember_deletes(self, keys: list[str]) -> None:
        with self._lock:
            room = MAX_PENDING_DELETES - len(self.pending_deletes)
            self.pending_deletes.update(keys[: max(0, room)])
            forgot = len(keys) > room and not self._forgot_deletes
            self._forgot_deletes = self._forgot_deletes or forgot
        if forgot:
            logger.error(
                "Redis cache %s: more than %d deletions failed during this outage; the rest "
                "will not be replayed, and what they invalidated may be served until it expires",
                self.name,
                MAX_PENDING_DELETES,
            )

    def take_pending_deletes(self) -> list[str]:
        with self._lock:
            keys, self.pending_deletes = list(self.pending_deletes), set()
            self._forgot_deletes = False
        return keys


_breakers: dict[tuple[str, ...], Breaker] = {}
_breakers_lock = threading.Lock()


def _breaker_for(servers: list[str]) -> Breaker:
    key = tuple(servers)
    with _breakers_lock:
        if key not in _breakers:
            _breakers[key] = Breaker(",".join(_without_password(url) for url in servers))
        return _breakers[key]


def _without_password(url: str) -> str:
    head, at, tail = url.rpartition("@")
    return f"{head.split('://')[0]}://…@{tail}" if at else url


def _retry_seconds() -> float:
    return float(getattr(settings, "SODAN_CACHE_RETRY_SECONDS", 5))


class RedisCache(DjangoRedisCache):
    def __init__(self, server: str, params: dict) -> None:
        super().__init__(server, params)
        self._class = RedisCacheClient
        self._breaker = _breaker_for(self._servers)

    def validate_key(self, key: str) -> None:
        """Django checks every key, character by character, against memcached's rules
        (length, control characters) and only warns; Redis has no such rules."""

    # --- Surviving an outage ---------------------------------------------------------------

    def _ready(self) -> bool:
        """Whether to talk to Redis now; after an outage's window, a ping first, and once
        it answers the replays, before the caller's own command."""
        probe = self._breaker.should_probe()
        if probe is None:
            return True
        if not probe:
            return False
        try:
            self._cache.get_client(write=True).ping()
            pending = self._breaker.take_pending_deletes()
            try:
                client = self._cache.get_client(write=True)
                for start in range(0, len(pending), 1000):
                    client.delete(*pending[start : start + 1000])
            except UNAVAILABLE:
                self._breaker.remember_deletes(pending)
                raise
        except UNAVAILABLE as error:
            self._breaker.failed(error)
            return False
        self._breaker.recovered()
        for listener in list(_recovery_listeners):
            try:
                listener()
            except Exception:
                logger.exception("a cache recovery listener failed")
        return True

    def _guarded(
        self, operation: Callable[[], T], fallback: T, *, outdated: Callable[[], list] | None = None
    ) -> T:
        """`operation`'s answer, or `fallback` when Redis is away; then the keys `outdated`
        names (a write's or a deletion's) are deleted once it answers again."""
        if self._ready():
            try:
                return operation()
            except UNAVAILABLE as error:
                self._breaker.failed(error)
        if outdated is not None:
            self._breaker.remember_deletes(outdated())
        return fallback

    def _keys(self, keys: Any, version: Any) -> Callable[[], list[str]]:
        return lambda: [self.make_and_validate_key(key, version=version) for key in keys]

    def available(self, *, ping: bool = False) -> bool:
        """Whether Redis answered its last call, or with `ping`, whether it answers now
        (during an outage, after its window only)."""
        if not self._ready():
            return False
        if not ping or self._breaker.is_down:
            return True
        return self._guarded(lambda: bool(self._cache.get_client(write=True).ping()), False)

    def count_hit(self, key: str, timeout: int) -> int:
        """Add one to the counter `key`, which expires `timeout` seconds after its first
        hit, and return it; raise CacheUnavailable if Redis cannot count now."""
        if not self._ready():
            raise CacheUnavailable(self._breaker.name)
        full_key = self.make_and_validate_key(key)
        try:
            pipeline = self._cache.get_client(full_key, write=True).pipeline()
            pipeline.set(full_key, 0, ex=timeout, nx=True)
            pipeline.incr(full_key)
            return int(pipeline.execute()[1])
        except UNAVAILABLE as error:
            self._breaker.failed(error)
            raise CacheUnavailable(self._breaker.name) from error

    # --- Django's operations, each answering as a cache without the key when Redis is away --

    def add(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None
    ) -> bool:
        return self._guarded(functools.partial(super().add, key, value, timeout, version), False)

    def get(self, key: Any, default: Any = None, version: Any = None) -> Any:
        return self._guarded(functools.partial(super().get, key, default, version), default)

    def set(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None
    ) -> bool:
        """Store a value; False (Django's backends answer None) when Redis is away."""
        stored = functools.partial(super().set, key, value, timeout, version)
        return self._guarded(lambda: stored() or True, False, outdated=self._keys([key], version))

    def touch(self, key: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> bool:
        return self._guarded(functools.partial(super().touch, key, timeout, version), False)

    def delete(self, key: Any, version: Any = None) -> bool:
        """Delete a key; when Redis is away, False now and the deletion replayed once it
        answers again."""
        deleted = functools.partial(super().delete, key, version)
        return self._guarded(deleted, False, outdated=self._keys([key], version))

    def get_many(self, keys: Any, version: Any = None) -> dict[Any, Any]:
        return self._guarded(functools.partial(super().get_many, keys, version), {})

    def has_key(self, key: Any, version: Any = None) -> bool:
        return self._guarded(functools.partial(super().has_key, key, version), False)

    def incr(self, key: Any, delta: int = 1, version: Any = None) -> int:
        """Django's incr; when Redis is away it raises ValueError, as for a missing key
        (the only error its callers expect). Rate limits use `count_hit`."""
        missing = object()
        value = self._guarded(functools.partial(super().incr, key, delta, version), missing)
        if value is missing:
            raise ValueError(f"Key {key!r} not found (the cache is unavailable).")
        return value

    def set_many(
        self, data: dict[Any, Any], timeout: Any = DEFAULT_TIMEOUT, version: Any = None
    ) -> list[Any]:
        """Store values; the keys that were not stored (all of them when Redis is away)."""
        stored = functools.partial(super().set_many, data, timeout, version)
        return self._guarded(stored, list(data), outdated=self._keys(data, version))

    def delete_many(self, keys: Any, version: Any = None) -> None:
        keys = list(keys)
        deleted = functools.partial(super().delete_many, keys, version)
        self._guarded(deleted, None, outdated=self._keys(keys, version))

    def clear(self) -> bool:
        return self._guarded(super().clear, False)


def count_hit(key: str, *, timeout: int, alias: str = DEFAULT_CACHE_ALIAS) -> int:
    """Add one to a counter that lives `timeout` seconds from its first hit, and return it.
    Raises CacheUnavailable when the cache cannot count (Redis away); other backends (local
    memory in development) always count."""
    backend = caches[alias]
    if isinstance(backend, RedisCache):
        return backend.count_hit(key, timeout)
    backend.add(key, 0, timeout=timeout)
    try:
        return backend.incr(key)
    except ValueError:  # expired between add and incr
        backend.set(key, 1, timeout=timeout)
        return 1


def cache_available(alias: str = DEFAULT_CACHE_ALIAS, *, ping: bool = False) -> bool:
    """Whether the cache answered its last call (always, for a cache in the process); with
    `ping`, whether it answers now, at the cost of a round trip while it is up."""
    backend = caches[alias]
    return backend.available(ping=ping) if isinstance(backend, RedisCache) else True


class AllauthRateLimits(Mapping):
    """allauth's rate limits (ACCOUNT_RATE_LIMITS), off while the cache is unavailable.

    allauth counts them in the cache behind a lock taken with `cache.add`; with Redis away
    the lock is never taken, and allauth answers every sign-in and sign-up with a 429 after
    waiting a second. allauth reads this mapping on every check: while the cache answers it
    holds `overrides` (allauth's defaults apply to the rest); while it does not, every
    action allauth has maps to None, which allauth reads as "no limit". Fails open: signing
    in keeps working, without allauth's limit on failed attempts, until Redis is back.
    """

    ACTIONS = (
        "change_password",
        "change_phone",
        "confirm_email",
        "login",
        "login_failed",
        "manage_email",
        "reauthenticate",
        "request_login_code",
        "reset_password",
        "reset_password_from_key",
        "signup",
        "verify_phone",
    )

    def __init__(self, overrides: dict[str, str | None] | None = None) -> None:
        self.overrides = dict(overrides or {})
        self._read = threading.local()

    def _current(self) -> dict[str, str | None]:
        # A ping: allauth reads this before posts only (sign-in, sign-up, resets), and an
        # outage must be seen before allauth's lock meets it, not after.
        if cache_available(ping=True):
            current = self.overrides
        else:
            current = dict.fromkeys({*self.ACTIONS, *self.overrides})
        self._read.current = current
        return current

    def keys(self) -> KeysView[str]:
        return self._current().keys()

    def __getitem__(self, action: str) -> str | None:
        # allauth reads the mapping as dict.update does: keys(), then each key; the keys'
        # answer stands for the whole read, so the cache coming back meanwhile cannot make
        # a key disappear under it.
        current = getattr(self._read, "current", None)
        if current is None or action not in current:
            current = self._current()
        return current[action]

    def __iter__(self) -> Iterator[str]:
        return iter(self._current())

    def __len__(self) -> int:
        return len(self._current())
