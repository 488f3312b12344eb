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

from .cluster import KNN_PLUGIN_CLASS, ClusterBackend, knn_body


class OpenSearchBackend(ClusterBackend):
    dsl = opensearchpy
    errors = (OpenSearchException, BulkIndexError)
    bulk = staticmethod(bulk)
    scan = staticmethod(scan)
    nearest_body = staticmethod(knn_body)

    def vector_support(self) -> bool:
        """Every node has the k-NN plugin (a shard of a vector index can live on any)."""
        nodes = self.client.nodes.info(metric="plugins")["nodes"].values()
        return bool(nodes) and all(
            KNN_PLUGIN_CLASS in {plugin.get("classname") for plugin in node.get("plugins", [])}
            for node in nodes
        )

    def make_client(self, urls: list[str]) -> OpenSearch:
        return OpenSearch(
            urls,
            timeout=settings.SEARCH_TIMEOUT,
            max_retries=len(urls),
            retry_on_timeout=True,
            # A node that refused is left alone for a while, then tried again.
            dead_timeout=10,
        )
