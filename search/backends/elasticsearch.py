"""The Elasticsearch backend, for communities too large for the database backend.

- Explicit mappings: title, body and answers are text with a Japanese and an English
  sub-field. Japanese uses the cluster's kuromoji plugin when installed (base forms, so
  「できない」 and 「出来ません」 meet, plus width folding), the built-in `cjk` analyzer
  otherwise.
- Read and write aliases: a full rebuild fills a new index behind the write alias and
  moves the read alias only when it is complete, so a search never sees a half-built index.
- `more_like_this` finds similar threads.

The query bodies are built by plain functions (`search_body`, `similar_body`) so they can
be tested without a cluster. This module is the only one that imports the DSL.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from functools import cached_property

from django.conf import settings
from elasticsearch import ApiError, Elasticsearch, TransportError
from elasticsearch.helpers import BulkIndexError, bulk, scan
from elasticsearch_dsl import (
    Boolean,
    Date,
    Document,
    Integer,
    Keyword,
    Text,
    analyzer,
    token_filter,
)

from ..documents import ThreadDoc
from .base import SearchBackendError, SearchHit, SearchQuery, SearchResults

KUROMOJI_PLUGIN = "analysis-kuromoji"


def japanese_analyzer(*, kuromoji: bool):
    """Kuromoji with base forms and width folding when the plugin is there, else cjk."""
    if kuromoji:
        return analyzer(
            "sodan_ja",
            tokenizer="kuromoji_tokenizer",
            filter=[
                "kuromoji_baseform",
                "kuromoji_part_of_speech",
                "cjk_width",
                "ja_stop",
                "kuromoji_stemmer",
                "lowercase",
            ],
        )
    return analyzer(
        "sodan_ja", tokenizer="standard", filter=["cjk_width", "lowercase", "cjk_bigram"]
    )


ENGLISH = analyzer(
    "sodan_en",
    tokenizer="standard",
    filter=[
        "lowercase",
        token_filter("sodan_en_stop", "stop", stopwords="_english_"),
        token_filter("sodan_en_stemmer", "stemmer", language="english"),
    ],
)


def thread_document_class(*, kuromoji: bool) -> type[Document]:
    """The Document class (and so the mapping) for a cluster with or without kuromoji."""
    ja = japanese_analyzer(kuromoji=kuromoji)

    def text() -> Text:
        return Text(analyzer=ENGLISH, fields={"ja": Text(analyzer=ja)})

    class ThreadIndexDocument(Document):
        brand_id = Integer()
        product_id = Integer()
        type = Keyword()
        status = Keyword()
        has_official = Boolean()
        has_verified = Boolean()
        me_too_count = Integer()
        created_at = Date()
        indexed_at = Date()
        title = text()
        body = text()
        answers = text()

        class Index:
            settings = {"number_of_shards": 1, "number_of_replicas": 0}

    return ThreadIndexDocument


TEXT_FIELDS = ["title^3", "title.ja^3", "body^2", "body.ja^2", "answers", "answers.ja"]
JAPANESE_FIELDS = ["title.ja^3", "body.ja^2", "answers.ja"]
# Hiragana, katakana (full and half width) and CJK ideographs. The English analyser would
# cut such a query into single characters that match almost anything, so a query with
# Japanese in it is matched on the Japanese sub-fields only.
JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff66-\uff9f]")


def text_fields(text: str) -> list[str]:
    return JAPANESE_FIELDS if JAPANESE.search(text) else TEXT_FIELDS


def _filters(query: SearchQuery) -> list[dict]:
    filters: list[dict] = []
    for field, value in (
        ("brand_id", query.brand_id),
        ("product_id", query.product_id),
        ("type", query.type or None),
        ("status", query.status or None),
    ):
        if value is not None:
            filters.append({"term": {field: value}})
    if query.has_official:
        filters.append({"term": {"has_official": True}})
    if query.has_verified:
        filters.append({"term": {"has_verified": True}})
    return filters


def search_body(query: SearchQuery, *, text: str, operator: str = "and") -> dict:
    """Title over body over answers; solved, verified, official and shared threads rise."""
    return {
        "from": query.offset,
        "size": query.limit,
        "track_total_hits": True,
        "query": {
            "function_score": {
                "query": {
                    "bool": {
                        "must": [
                            {
                                "multi_match": {
                                    "query": text,
                                    "fields": text_fields(text),
                                    "type": "most_fields",
                                    "operator": operator,
                                }
                            }
                        ],
                        "filter": _filters(query),
                    }
                },
                "functions": [
                    {"filter": {"term": {"status": "solved"}}, "weight": 1.35},
                    {"filter": {"term": {"has_verified": True}}, "weight": 1.25},
                    {"filter": {"term": {"has_official": True}}, "weight": 1.2},
                    {
                        "field_value_factor": {
                            "field": "me_too_count",
                            "modifier": "log2p",
                            "missing": 0,
                        }
                    },
                ],
                "score_mode": "multiply",
                "boost_mode": "multiply",
            }
        },
        "_source": False,
    }


def similar_body(*, text: str, brand_id: int, exclude_id: int | None, limit: int) -> dict:
    must_not = [{"ids": {"values": [str(exclude_id)]}}] if exclude_id else []
    return {
        "size": limit,
        "query": {
            "bool": {
                "must": [
                    {
                        "more_like_this": {
                            "fields": ["title", "title.ja", "body", "body.ja"],
                            "like": text,
                            "min_term_freq": 1,
                            "min_doc_freq": 1,
                            "max_query_terms": 25,
                        }
                    }
                ],
                "filter": [{"term": {"brand_id": brand_id}}],
                "must_not": must_not,
            }
        },
        "_source": False,
    }


class ElasticsearchBackend:
    def __init__(self, client: Elasticsearch | None = None) -> None:
        self._client = client
        self.read_alias = settings.ELASTICSEARCH_INDEX
        self.write_alias = f"{settings.ELASTICSEARCH_INDEX}-write"

    @cached_property
    def client(self) -> Elasticsearch:
        if self._client is not None:
            return self._client
        if not settings.ELASTICSEARCH_URL:
            raise SearchBackendError("ELASTICSEARCH_URL is not set.")
        return Elasticsearch(settings.ELASTICSEARCH_URL, request_timeout=10)

    @cached_property
    def has_kuromoji(self) -> bool:
        try:
            plugins = self.client.cat.plugins(format="json")
        except ApiError:  # a managed cluster may not let us list plugins: use cjk
            return False
        return any(p.get("component") == KUROMOJI_PLUGIN for p in plugins)

    def document_class(self) -> type[Document]:
        return thread_document_class(kuromoji=self.has_kuromoji)

    # --- index lifecycle -------------------------------------------------------------

    def _create_index(self, name: str) -> None:
        index = self.document_class()._index.clone(name)
        index.create(using=self.client)

    def ensure_index(self) -> None:
        """First use: one index behind both aliases."""
        if self.client.indices.exists_alias(name=self.read_alias):
            return
        name = f"{self.read_alias}-{dt.datetime.now(dt.UTC):%Y%m%d%H%M%S}"
        self._create_index(name)
        self.client.indices.update_aliases(
            actions=[
                {"add": {"index": name, "alias": self.read_alias}},
                {"add": {"index": name, "alias": self.write_alias}},
            ]
        )

    def begin_rebuild(self) -> str:
        """A new index takes the writes; reads stay on the old one until it is complete."""
        name = f"{self.read_alias}-{dt.datetime.now(dt.UTC):%Y%m%d%H%M%S}"
        self._create_index(name)
        actions = [{"add": {"index": name, "alias": self.write_alias}}]
        if self.client.indices.exists_alias(name=self.write_alias):
            actions.insert(0, {"remove": {"index": "*", "alias": self.write_alias}})
        self.client.indices.update_aliases(actions=actions)
        return name

    def resume_rebuild(self, target: str) -> None:
        if not self.client.indices.exists(index=target):
            raise SearchBackendError(f"The index {target} of the interrupted rebuild is gone.")

    def finish_rebuild(self, target: str) -> None:
        old = []
        if self.client.indices.exists_alias(name=self.read_alias):
            old = list(self.client.indices.get_alias(name=self.read_alias))
        actions = [{"remove": {"index": i, "alias": self.read_alias}} for i in old]
        actions.append({"add": {"index": target, "alias": self.read_alias}})
        self.client.indices.update_aliases(actions=actions)
        for index in old:
            if index != target:
                self.client.indices.delete(index=index)

    # --- the interface ---------------------------------------------------------------

    def index(self, docs: list[ThreadDoc]) -> None:
        if not docs:
            return
        now = dt.datetime.now(dt.UTC)
        actions = [
            {
                "_op_type": "index",
                "_index": self.write_alias,
                "_id": str(doc.thread_id),
                "_source": {
                    "brand_id": doc.brand_id,
                    "product_id": doc.product_id,
                    "type": doc.type,
                    "status": doc.status,
                    "has_official": doc.has_official,
                    "has_verified": doc.has_verified,
                    "me_too_count": doc.me_too_count,
                    "created_at": doc.created_at,
                    "indexed_at": now,
                    "title": doc.title,
                    "body": doc.body,
                    "answers": "\n\n".join(doc.answers),
                },
            }
            for doc in docs
        ]
        try:
            self.ensure_index()
            bulk(self.client, actions, refresh="wait_for")
        except (ApiError, BulkIndexError, TransportError) as error:
            raise SearchBackendError(str(error)) from error

    def remove(self, thread_ids: list[int]) -> None:
        if not thread_ids:
            return
        actions = [
            {"_op_type": "delete", "_index": self.write_alias, "_id": str(i)} for i in thread_ids
        ]
        try:
            if not self.client.indices.exists_alias(name=self.write_alias):
                return
            # A document that is not there is already removed: not an error.
            bulk(self.client, actions, raise_on_error=False, refresh="wait_for")
        except (ApiError, TransportError) as error:
            raise SearchBackendError(str(error)) from error

    def indexed(self) -> Iterator[tuple[int, dt.datetime]]:
        try:
            if not self.client.indices.exists_alias(name=self.read_alias):
                return
            for hit in scan(
                self.client,
                index=self.read_alias,
                query={"query": {"match_all": {}}, "_source": ["indexed_at"]},
            ):
                yield int(hit["_id"]), dt.datetime.fromisoformat(hit["_source"]["indexed_at"])
        except (ApiError, TransportError) as error:
            raise SearchBackendError(str(error)) from error

    def _run(self, body: dict) -> dict:
        try:
            return self.client.search(index=self.read_alias, **body)
        except (ApiError, TransportError) as error:
            raise SearchBackendError(str(error)) from error

    def search(self, query: SearchQuery) -> SearchResults:
        if not query.terms:
            return SearchResults()
        text = query.text or " ".join(query.terms)
        response = self._run(search_body(query, text=text, operator="and"))
        matched_all = True
        if not response["hits"]["hits"] and len(query.terms) > 1:
            matched_all = False
            response = self._run(search_body(query, text=text, operator="or"))
        hits = [
            SearchHit(thread_id=int(h["_id"]), score=float(h["_score"] or 0))
            for h in response["hits"]["hits"]
        ]
        return SearchResults(
            hits=hits, total=response["hits"]["total"]["value"], matched_all_terms=matched_all
        )

    def similar(
        self,
        *,
        terms: tuple[str, ...],
        brand_id: int,
        exclude_id: int | None,
        limit: int,
        text: str = "",
    ) -> list[SearchHit]:
        if not terms:
            return []
        body = similar_body(
            text=text or " ".join(terms), brand_id=brand_id, exclude_id=exclude_id, limit=limit
        )
        response = self._run(body)
        return [
            SearchHit(thread_id=int(h["_id"]), score=float(h["_score"] or 0))
            for h in response["hits"]["hits"]
        ]
