"""The OpenSearch backend (`SEARCH_BACKEND=opensearch`): the shared cluster backend
(search.backends.cluster) over opensearch-py, whose DSL mirrors elasticsearch-dsl.

Several nodes (`SEARCH_URLS`): the client spreads requests over them, sets aside a node
that does not answer and retries the request on another, so one lost node is never seen
by a reader. Only search/ imports opensearch-py.
"""

from __future__ import annotations

import opensearchpy
from django.conf import settings
from opensearchpy import OpenSearch
from opensearchpy.exceptions import OpenSearchException
from opensearchpy.helpers import BulkIndexError, bulk, scan

from .cluster import ClusterBackend


class OpenSearchBackend(ClusterBackend):
    dsl = opensearchpy
    errors = (OpenSearchException, BulkIndexError)
    bulk = staticmethod(bulk)
    scan = staticmethod(scan)

    def make_client(self, urls: list[str]) -> OpenSearch:
        return OpenSearch(
            urls,
            timeout=settings.SEARCH_TIMEOUT,
            max_retries=len(urls),
            retry_on_timeout=True,
            # A node that refused is left alone for a while, then tried again.
            dead_timeout=10,
        )
