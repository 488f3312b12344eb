"""The Elasticsearch backend (`SEARCH_BACKEND=elasticsearch`): the shared cluster backend
(search.backends.cluster) over the Elasticsearch client and elasticsearch-dsl.

The Elasticsearch client refuses to talk to an OpenSearch server (its product check):
point `SEARCH_BACKEND=opensearch` at one. Several nodes (`SEARCH_URLS`) are spread over
and a node that does not answer is retried on another. Only search/ imports the DSL.
"""

from __future__ import annotations

import elasticsearch_dsl
from django.conf import settings
from elasticsearch import ApiError, Elasticsearch, TransportError
from elasticsearch.helpers import BulkIndexError, bulk, scan

from .cluster import ClusterBackend, dense_vector_body


class ElasticsearchBackend(ClusterBackend):
    dsl = elasticsearch_dsl
    errors = (ApiError, TransportError, BulkIndexError)
    bulk = staticmethod(bulk)
    scan = staticmethod(scan)
    nearest_body = staticmethod(dense_vector_body)

    def vector_support(self) -> bool:
        """dense_vector fields are searched by k-NN from Elasticsearch 8 on."""
        major = str(self.client.info()["version"]["number"]).split(".", 1)[0]
        return major.isdigit() and int(major) >= 8

    def make_client(self, urls: list[str]) -> Elasticsearch:
        return Elasticsearch(
            urls,
            request_timeout=settings.SEARCH_TIMEOUT,
            max_retries=len(urls),
            retry_on_timeout=True,
        )
