"""Django's cached-database sessions, whose cache read can share a round trip.

A page that reads the cache anyway (a thread page assembled from its shared rendering,
qa/thread_page.py) asks for `prefetch_key` together with its own keys and hands the value
back with `prefetched()`: a signed-in reader's session then costs no round trip of its
own. Everything else is Django's `cached_db` engine: a value not found in the cache is read
from the database and cached again, and writes go to both.
"""

from __future__ import annotations

from typing import Any

from django.contrib.sessions.backends import cached_db

_NOTHING = object()


class SessionStore(cached_db.SessionStore):
    _prefetched: Any = _NOTHING

    @property
    def prefetch_key(self) -> str | None:
        """The cache key of this session, or None for a request without a valid one (no
        key is ever made up here)."""
        return self.cache_key if self.session_key else None

    def prefetched(self, data: Any) -> None:
        """What the cache held under `prefetch_key` (None: not there)."""
        self._prefetched = data

    def load(self) -> dict:
        data, self._prefetched = self._prefetched, _NOTHING
        if data is not _NOTHING and data is not None:
            return data
        return super().load()
