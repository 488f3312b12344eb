"""Search backends. `get_backend()` returns the one settings.SEARCH_BACKEND names."""

from __future__ import annotations

from functools import lru_cache

from django.conf import settings
from django.utils.module_loading import import_string

from .base import SearchBackend, SearchHit, SearchQuery, SearchResults

__all__ = ["SearchBackend", "SearchHit", "SearchQuery", "SearchResults", "get_backend"]


# Short names for SEARCH_BACKEND.
BACKENDS = {
    "database": "search.backends.database.DatabaseBackend",
    "opensearch": "search.backends.opensearch.OpenSearchBackend",
    "elasticsearch": "search.backends.elasticsearch.ElasticsearchBackend",
}


@lru_cache(maxsize=4)
def _load(path: str) -> SearchBackend:
    return import_string(BACKENDS.get(path, path))()


def get_backend() -> SearchBackend:
    return _load(settings.SEARCH_BACKEND)
