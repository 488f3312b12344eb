"""What the Elasticsearch and OpenSearch backends share: mapping, analysis, query bodies and
the index lifecycle. Each backend only brings its client, its DSL module and its errors
(search.backends.elasticsearch, search.backends.opensearch), so both send the same bodies.

- The ranking fields hold Sodan's own analysed terms (search.analysis, the database
  backend's rules: Sudachi's normalised forms, NFKC, English stems), so 「できない」 finds
  「出来ません」 on a cluster as in the database, whatever the cluster's plugins.
- Each text also keeps its words under the cluster's own analysis: English, and Japanese
  (kuromoji when the cluster's `_analyze` knows it, the built-in cjk bigrams otherwise),
  for the last fallback; and character trigrams of the title and the question's start for
  a word cut short while typing (「イヤホ」, "firmw").
- Read and write aliases: a rebuild fills a new index behind the write alias and moves
  the read alias in one atomic alias change when it is complete: no moment without search.
- The thread's meaning (search.semantic's vector) beside its words, when the cluster can
  search vectors (OpenSearch's k-NN plugin on every node, or Elasticsearch 8): the
  semantic stage's nearest threads are then one k-NN query with search's filters.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import cached_property
from types import ModuleType
from typing import Any

from django.conf import settings

from ..analysis import is_code, ngram_pieces
from ..documents import MAX_ANSWER_TERMS, MAX_BODY_TERMS, ThreadDoc
from .base import ANSWERS, BODY, TITLE, SearchBackendError, SearchHit, SearchQuery, SearchResults
from .database import FULL_MATCH_BOOST, required_words

logger = logging.getLogger(__name__)

# Asked of the cluster's `_analyze` to learn whether it has kuromoji: a cluster without it
# refuses the tokenizer; one with it splits the verb from its noun.
KUROMOJI_PROBE = {"tokenizer": "kuromoji_tokenizer", "text": "充電できない"}
KUROMOJI_PROBE_TOKENS = {"充電", "でき", "ない"}


def japanese_analyzer(dsl: ModuleType, *, kuromoji: bool) -> Any:
    """Kuromoji with base forms and width folding when the cluster has it, else cjk."""
    if kuromoji:
        return dsl.analyzer(
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
    return dsl.analyzer(
        "sodan_ja", tokenizer="standard", filter=["cjk_width", "lowercase", "cjk_bigram"]
    )


def english_analyzer(dsl: ModuleType) -> Any:
    return dsl.analyzer(
        "sodan_en",
        tokenizer="standard",
        filter=[
            "lowercase",
            dsl.token_filter("sodan_en_stop", "stop", stopwords="_english_"),
            dsl.token_filter("sodan_en_stemmer", "stemmer", language="english"),
        ],
    )


def terms_analyzer(dsl: ModuleType) -> Any:
    """The terms are analysed already (search.analysis): only split them at spaces."""
    return dsl.analyzer("sodan_terms", tokenizer="whitespace")


def alternatives_analyzer(dsl: ModuleType) -> Any:
    """What a query of the terms fields is: one word's alternatives (its term, its other
    forms, its synonyms), separated by spaces, stacked at one position. The cluster then
    scores them as one word (Lucene's synonym query: the frequencies of all, the rarity
    of the most common), as the database backend does: a synonym makes no word rarer."""
    return dsl.analyzer(
        "sodan_alternatives",
        tokenizer="keyword",
        filter=[
            dsl.token_filter(
                "sodan_alternatives",
                "pattern_capture",
                patterns=[r"(\S+)"],
                preserve_original=False,
            )
        ],
    )


def trigram_analyzer(dsl: ModuleType) -> Any:
    return dsl.analyzer(
        "sodan_trigram",
        tokenizer=dsl.tokenizer("sodan_trigram", "ngram", min_gram=3, max_gram=3),
        filter=["cjk_width", "lowercase"],
    )


# The field of the thread's vector (search.semantic), and the class of the OpenSearch
# plugin that provides it (as the nodes' info names it, whether installed from the
# packaged plugin or on the node's class path).
VECTOR_FIELD = "vector"
KNN_PLUGIN_CLASS = "org.opensearch.knn.plugin.KNNPlugin"


def vector_field(dsl: ModuleType, dimensions: int) -> tuple[Any, dict]:
    """The vector field and the index settings it needs, in either DSL. OpenSearch: the
    k-NN plugin's knn_vector, an HNSW graph built by Lucene's own engine (pure Java: none
    of the plugin's native libraries is loaded for it); Elasticsearch: dense_vector, the
    same graph in its words. Cosine similarity either way (the vectors are unit length)."""
    if hasattr(dsl, "KnnVector"):  # opensearch-py
        method = {"name": "hnsw", "engine": "lucene", "space_type": "cosinesimil"}
        return dsl.KnnVector(dimension=dimensions, method=method), {"knn": True}
    return dsl.DenseVector(dims=dimensions, similarity="cosine", index=True), {}


def thread_document_class(
    dsl: ModuleType,
    *,
    kuromoji: bool,
    shards: int = 1,
    replicas: int = 0,
    vector_dimensions: int = 0,
) -> type:
    """The Document class (and so the mapping and index settings) in either DSL; with
    `vector_dimensions`, the thread's vector too (vector_field)."""
    ja = japanese_analyzer(dsl, kuromoji=kuromoji)
    en = english_analyzer(dsl)
    terms = terms_analyzer(dsl)
    alternatives = alternatives_analyzer(dsl)
    vector_mapping, vector_settings = (
        vector_field(dsl, vector_dimensions) if vector_dimensions else (None, {})
    )

    def text() -> Any:
        return dsl.Text(analyzer=en, fields={"ja": dsl.Text(analyzer=ja)})

    class ThreadIndexDocument(dsl.Document):
        brand_id = dsl.Integer()
        product_id = dsl.Integer()
        type = dsl.Keyword()
        status = dsl.Keyword()
        has_official = dsl.Boolean()
        has_verified = dsl.Boolean()
        me_too_count = dsl.Integer()
        boost = dsl.Float()
        created_at = dsl.Date()
        indexed_at = dsl.Date()
        title = text()
        body = text()
        answers = text()
        # Sodan's terms of each text (document_source): what search ranks by.
        title_terms = dsl.Text(analyzer=terms, search_analyzer=alternatives)
        body_terms = dsl.Text(analyzer=terms, search_analyzer=alternatives)
        answers_terms = dsl.Text(analyzer=terms, search_analyzer=alternatives)
        ngram = dsl.Text(analyzer=trigram_analyzer(dsl))
        if vector_mapping is not None:
            vector = vector_mapping

        class Index:
            settings = {
                "number_of_shards": shards,
                "number_of_replicas": replicas,
                **vector_settings,
            }

    return ThreadIndexDocument


def index_body(
    dsl: ModuleType, *, kuromoji: bool, shards: int, replicas: int, vector_dimensions: int = 0
) -> dict:
    """Settings and mappings of a new index, as sent to the cluster."""
    document = thread_document_class(
        dsl,
        kuromoji=kuromoji,
        shards=shards,
        replicas=replicas,
        vector_dimensions=vector_dimensions,
    )
    return document._index.to_dict()


TERM_FIELDS = ["title_terms^3", "body_terms^2", "answers_terms"]
WORD_FIELDS = ["title^3", "title.ja^3", "body^2", "body.ja^2", "answers", "answers.ja"]


def document_source(doc: ThreadDoc, *, now: dt.datetime) -> dict:
    return {
        "brand_id": doc.brand_id,
        "product_id": doc.product_id,
        "type": doc.type,
        "status": doc.status,
        "has_official": doc.has_official,
        "has_verified": doc.has_verified,
        "me_too_count": doc.me_too_count,
        "boost": doc.rank_boost,
        "created_at": doc.created_at,
        "indexed_at": now,
        "title": doc.title,
        "body": doc.body,
        "answers": "\n\n".join(doc.answers),
        "title_terms": " ".join(doc.title_terms),
        "body_terms": " ".join(doc.body_terms[:MAX_BODY_TERMS]),
        "answers_terms": " ".join(doc.answer_terms[:MAX_ANSWER_TERMS]),
        "ngram": doc.ngram_text,
    }


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


def _scored(query: SearchQuery, match: dict, *, functions: tuple[dict, ...] = ()) -> dict:
    """Title over question over answers, times the thread's boost (ThreadDoc.rank_boost,
    the database backend's factor: solved, verified, official and shared threads rise),
    times any further factor of `functions` (each applied where its filter holds)."""
    return {
        "from": query.offset,
        "size": query.limit,
        "track_total_hits": True,
        "query": {
            "function_score": {
                "query": {"bool": {"must": [match], "filter": _filters(query)}},
                "functions": [
                    {"field_value_factor": {"field": "boost", "missing": 1}},
                    *functions,
                ],
                "score_mode": "multiply",
                "boost_mode": "multiply",
            }
        },
        "_source": False,
    }


# The fields of Sodan's terms, by the names SearchHit.fields gives them.
TERM_FIELD_NAMES = (TITLE, BODY, ANSWERS)
# Aggregation telling whether any thread matched holds every word of the query.
EVERY_WORD = "every_word"


def query_groups(query: SearchQuery) -> tuple[tuple[str, ...], ...]:
    """The query's words as groups of alternatives (SearchQuery.groups: analysis forms
    and synonyms); without them, each term is a group of its own."""
    return query.groups or tuple((term,) for term in query.terms)


def word_scored(group: tuple[str, ...]) -> dict:
    """One word of the query, scored by BM25 (a rare word weighs more than a common one)
    in the title, the question and the answers: its alternatives as one word
    (alternatives_analyzer), and the word as typed once more, so a thread in the
    customer's own words comes before one that only holds a synonym (as on the database,
    where each alternative a thread holds counts)."""
    scored = [
        {"multi_match": {"query": " ".join(group), "fields": TERM_FIELDS, "type": "most_fields"}}
    ]
    if len(group) > 1:
        scored.append(
            {"multi_match": {"query": group[0], "fields": TERM_FIELDS, "type": "most_fields"}}
        )
    return {"bool": {"should": scored}}


def word_held(group: tuple[str, ...]) -> dict:
    """One word of the query held anywhere in the thread, unscored (a filter)."""
    return {
        "bool": {
            "should": [{"terms": {f"{field}_terms": list(group)}} for field in TERM_FIELD_NAMES],
            "minimum_should_match": 1,
        }
    }


def words_required(groups: tuple[tuple[str, ...], ...], need: int) -> dict:
    """Which threads may match (the database backend's rule, search.backends.database):
    those holding at least `need` of the words, or any model number or error code alone
    (search.analysis.is_code: the most distinctive thing a customer types)."""
    held = [word_held(group) for group in groups]
    if need >= len(groups):
        return {"bool": {"filter": held}}
    codes = [word_held(group) for group in groups if is_code(group[0])]
    return {
        "bool": {
            "should": [{"bool": {"should": held, "minimum_should_match": need}}, *codes],
            "minimum_should_match": 1,
        }
    }


def search_body(query: SearchQuery, *, need: int | None = None) -> dict:
    """One scored query: any word of the query may score, each as the best of its
    alternatives (BM25 weighs the rare ones more); at least `need` of them must match (by
    default required_words: a share of them; words_required); threads holding every
    word rise by FULL_MATCH_BOOST. Named unscored clauses tell which fields hold a term
    (for the snippets), and an aggregation whether any thread holds every word (for the
    page's "some of the words")."""
    groups = query_groups(query)
    if need is None:
        need = required_words(len(groups))
    alternatives = sorted({term for group in groups for term in group})
    match = {
        "bool": {
            "must": [
                {
                    "bool": {
                        "should": [word_scored(group) for group in groups],
                        "minimum_should_match": 1,
                    }
                }
            ],
            "filter": [words_required(groups, need)] if need > 1 else [],
            "should": [
                {"terms": {f"{field}_terms": alternatives, "_name": field, "boost": 0}}
                for field in TERM_FIELD_NAMES
            ],
        }
    }
    body = _scored(query, match)
    if need < len(groups):
        every = words_required(groups, len(groups))
        body = _scored(query, match, functions=({"filter": every, "weight": FULL_MATCH_BOOST},))
        body["aggs"] = {EVERY_WORD: {"filter": every}}
    return body


def trigram_body(query: SearchQuery, pieces: list[str]) -> dict:
    """Each piece of the query found as characters of the title or the question's start."""
    match = {
        "bool": {
            "must": [{"match": {"ngram": {"query": piece, "operator": "and"}}} for piece in pieces]
        }
    }
    return _scored(query, match)


def words_body(query: SearchQuery, *, text: str) -> dict:
    """The cluster's own analysis of any word of the query: the last fallback."""
    match = {"multi_match": {"query": text, "fields": WORD_FIELDS, "type": "most_fields"}}
    return _scored(query, match)


def similar_body(
    *, terms: tuple[str, ...], brand_id: int, exclude_id: int | None, limit: int
) -> dict:
    """Threads sharing the most terms with a title or a thread, within the brand."""
    must_not = [{"ids": {"values": [str(exclude_id)]}}] if exclude_id else []
    return {
        "size": limit,
        "query": {
            "bool": {
                "must": [
                    {
                        "more_like_this": {
                            "fields": ["title_terms", "body_terms"],
                            "like": " ".join(terms),
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


def nearest_filter(
    *,
    brand_id: int | None = None,
    product_id: int | None = None,
    type: str = "",
    status: str = "",
    exclude: Iterable[int] = (),
) -> dict | None:
    """Search's filters for the nearest threads (brand, product, type, status; the index
    holds only published threads that are not merged, as for search), less `exclude`."""
    filters = _filters(
        SearchQuery(terms=(), brand_id=brand_id, product_id=product_id, type=type, status=status)
    )
    excluded = sorted(set(exclude))
    if not filters and not excluded:
        return None
    clause: dict = {"filter": filters}
    if excluded:
        clause["must_not"] = [{"ids": {"values": [str(i) for i in excluded]}}]
    return {"bool": clause}


def knn_body(vector: Sequence[float], *, k: int, filter: dict | None) -> dict:
    """OpenSearch's k-NN query: the `k` threads nearest `vector` among those the filter
    lets through (Lucene's engine filters while it walks the graph, so a brand with few
    threads among many still gets its nearest)."""
    knn: dict = {"vector": [float(x) for x in vector], "k": k}
    if filter is not None:
        knn["filter"] = filter
    return {"size": k, "query": {"knn": {VECTOR_FIELD: knn}}, "_source": False}


def dense_vector_body(vector: Sequence[float], *, k: int, filter: dict | None) -> dict:
    """Elasticsearch's k-NN search, the same question in its words."""
    knn: dict = {
        "field": VECTOR_FIELD,
        "query_vector": [float(x) for x in vector],
        "k": k,
        "num_candidates": max(100, 10 * k),
    }
    if filter is not None:
        knn["filter"] = filter
    return {"size": k, "knn": knn, "_source": False}


# How long a process trusts what it learnt of the serving index's vector field: an index
# made before the cluster had vectors is swapped by search_reindex (meanwhile the nearest
# threads come from the database's table, search.semantic).
VECTOR_MAPPING_SECONDS = 60


class ClusterBackend:
    """The index lifecycle and the search interface over any client with the common API
    (indices, search, analyze, bulk and scan helpers). Subclasses set the class fields."""

    dsl: ModuleType
    errors: tuple[type[BaseException], ...] = ()
    bulk: Callable[..., Any]
    scan: Callable[..., Any]
    # The k-NN question in the cluster's words (knn_body or dense_vector_body).
    nearest_body: Callable[..., dict]

    def __init__(self, client: Any = None) -> None:
        self._client = client
        self.read_alias = settings.SEARCH_INDEX
        self.write_alias = f"{settings.SEARCH_INDEX}-write"
        self._has_vectors: bool | None = None
        self._read_index_vectors: tuple[bool, float] | None = None

    def make_client(self, urls: list[str]) -> Any:
        raise NotImplementedError

    def vector_support(self) -> bool:
        """Whether the cluster can index and search the vector field (asked of it)."""
        raise NotImplementedError

    @cached_property
    def client(self) -> Any:
        if self._client is not None:
            return self._client
        if not settings.SEARCH_URLS:
            raise SearchBackendError("SEARCH_URLS is not set.")
        return self.make_client(list(settings.SEARCH_URLS))

    def _call(self, what: Callable[[], Any]) -> Any:
        try:
            return what()
        except self.errors as error:
            raise SearchBackendError(str(error)) from error

    @cached_property
    def has_kuromoji(self) -> bool:
        """Asked of the analyser itself: a plugin list says nothing of what it provides."""
        try:
            response = self.client.indices.analyze(body=KUROMOJI_PROBE)
        except self.errors:  # no such tokenizer (or no answer): the cjk analysis
            return False
        return {t["token"] for t in response.get("tokens", [])} >= KUROMOJI_PROBE_TOKENS

    @property
    def has_vectors(self) -> bool:
        """The cluster can hold the threads' vectors: asked once per process and said in
        the log (a cluster that does not answer is asked again next time). Without it new
        indices have no vector field and the nearest threads come from the database."""
        if self._has_vectors is None:
            try:
                answer = bool(self._call(self.vector_support))
            except SearchBackendError:
                return False
            self._has_vectors = answer
            if answer:
                logger.info(
                    "The search cluster holds vectors: new indices keep each thread's "
                    "vector, and the semantic stage asks the cluster for the nearest threads"
                )
            else:
                logger.info(
                    "The search cluster cannot search vectors (on OpenSearch, the k-NN "
                    "plugin is missing): the nearest threads come from the database"
                )
        return self._has_vectors

    def index_body(self) -> dict:
        from ..semantic import DIMENSIONS

        return index_body(
            self.dsl,
            kuromoji=self.has_kuromoji,
            shards=settings.SEARCH_SHARDS,
            replicas=settings.SEARCH_REPLICAS,
            vector_dimensions=DIMENSIONS if self.has_vectors else 0,
        )

    def _holds_vectors(self, alias: str) -> bool:
        """Whether the index behind `alias` maps the vector field (one made before the
        cluster could hold vectors does not: search_reindex replaces it)."""
        mappings = self.client.indices.get_field_mapping(index=alias, fields=VECTOR_FIELD)
        return any(VECTOR_FIELD in (index.get("mappings") or {}) for index in mappings.values())

    def _serves_vectors(self) -> bool:
        """_holds_vectors for the index searches read, remembered VECTOR_MAPPING_SECONDS."""
        now = time.monotonic()
        known = self._read_index_vectors
        if known is None or now - known[1] > VECTOR_MAPPING_SECONDS:

            def ask() -> bool:
                if not self.client.indices.exists_alias(name=self.read_alias):
                    return False
                return self._holds_vectors(self.read_alias)

            known = (self._call(ask), now)
            self._read_index_vectors = known
        return known[0]

    # --- index lifecycle -------------------------------------------------------------

    def _new_index_name(self) -> str:
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d%H%M%S")
        return f"{self.read_alias}-{stamp}-{uuid.uuid4().hex[:6]}"

    def _create_index(self, name: str) -> None:
        self.client.indices.create(index=name, body=self.index_body())

    def ensure_index(self) -> None:
        """First use: one index behind both aliases."""
        if self.client.indices.exists_alias(name=self.write_alias):
            return
        name = self._new_index_name()
        self._create_index(name)
        self.client.indices.update_aliases(
            body={
                "actions": [
                    {"add": {"index": name, "alias": self.read_alias}},
                    {"add": {"index": name, "alias": self.write_alias, "is_write_index": True}},
                ]
            }
        )

    def begin_rebuild(self) -> str:
        """A new index takes the writes; reads stay on the old one until it is complete."""
        name = self._new_index_name()
        self._call(lambda: self._create_index(name))
        actions: list[dict] = [{"add": {"index": name, "alias": self.write_alias}}]
        if self._call(lambda: self.client.indices.exists_alias(name=self.write_alias)):
            actions.insert(0, {"remove": {"index": "*", "alias": self.write_alias}})
        self._call(lambda: self.client.indices.update_aliases(body={"actions": actions}))
        return name

    def resume_rebuild(self, target: str) -> None:
        if not self._call(lambda: self.client.indices.exists(index=target)):
            raise SearchBackendError(f"The index {target} of the interrupted rebuild is gone.")

    def finish_rebuild(self, target: str) -> None:
        """One atomic alias change: searches go from the old index to the new one."""
        old: list[str] = []
        if self._call(lambda: self.client.indices.exists_alias(name=self.read_alias)):
            old = list(self._call(lambda: self.client.indices.get_alias(name=self.read_alias)))
        actions = [{"remove": {"index": i, "alias": self.read_alias}} for i in old if i != target]
        actions.append({"add": {"index": target, "alias": self.read_alias}})
        self._call(lambda: self.client.indices.update_aliases(body={"actions": actions}))
        self._read_index_vectors = None  # the new index may hold vectors the old did not
        for index in old:
            if index != target:
                self._call(lambda index=index: self.client.indices.delete(index=index))

    # --- the interface ---------------------------------------------------------------

    def index(self, docs: list[ThreadDoc], vectors: Sequence | None = None) -> None:
        """Every document or an error: a failed item fails the batch, which the outbox
        keeps and retries (a node leaving can refuse writes until a replica takes over).
        `vectors` (search.semantic's, one per document; None with the semantic stage off)
        go with their documents when the index maps the vector field."""
        if not docs:
            return
        now = dt.datetime.now(dt.UTC)
        actions = [
            {
                "_op_type": "index",
                "_index": self.write_alias,
                "_id": str(doc.thread_id),
                "_source": document_source(doc, now=now),
            }
            for doc in docs
        ]

        def write() -> None:
            self.ensure_index()
            # Asked of the index written to, each batch: an older index would take the
            # vector as a list of plain numbers, which no k-NN query can read.
            if vectors is not None and self._holds_vectors(self.write_alias):
                for action, vector in zip(actions, vectors, strict=True):
                    action["_source"][VECTOR_FIELD] = [float(x) for x in vector]
            self.bulk(self.client, actions, refresh="wait_for")

        self._call(write)

    def remove(self, thread_ids: list[int]) -> None:
        if not thread_ids:
            return
        actions = [
            {"_op_type": "delete", "_index": self.write_alias, "_id": str(i)} for i in thread_ids
        ]

        def delete() -> None:
            if not self.client.indices.exists_alias(name=self.write_alias):
                return
            # A document that is not there is already removed; any other failure fails.
            _ok, failures = self.bulk(
                self.client, actions, raise_on_error=False, refresh="wait_for"
            )
            failed = [f for f in failures if f.get("delete", {}).get("status") != 404]
            if failed:
                raise SearchBackendError(f"{len(failed)} removals failed: {failed[0]}")

        self._call(delete)

    def indexed(self) -> Iterator[tuple[int, dt.datetime]]:
        try:
            if not self.client.indices.exists_alias(name=self.read_alias):
                return
            for hit in self.scan(
                self.client,
                index=self.read_alias,
                query={"query": {"match_all": {}}, "_source": ["indexed_at"]},
            ):
                yield int(hit["_id"]), dt.datetime.fromisoformat(hit["_source"]["indexed_at"])
        except self.errors as error:
            raise SearchBackendError(str(error)) from error

    def _run(self, body: dict) -> dict:
        params = {}
        if settings.SEARCH_SHARDS > 1:  # term statistics of the whole index, not one shard's
            params["search_type"] = "dfs_query_then_fetch"
        return self._call(lambda: self.client.search(index=self.read_alias, body=body, **params))

    def search(self, query: SearchQuery) -> SearchResults:
        if not query.terms:
            return SearchResults()
        groups = query_groups(query)
        response = self._run(search_body(query))
        hits = response["hits"]["hits"]
        every = response.get("aggregations", {}).get(EVERY_WORD)
        matched_all = not hits or every is None or every["doc_count"] > 0
        if not hits:
            # No thread holds enough of the words: look for them as substrings (a word
            # cut short while typing), then any one word, then the cluster's own analysis.
            matched_all = False
            pieces = ngram_pieces(query.text or " ".join(query.terms))
            if pieces:
                response = self._run(trigram_body(query, pieces))
            if not response["hits"]["hits"] and required_words(len(groups)) > 1:
                response = self._run(search_body(query, need=1))
            if not response["hits"]["hits"] and query.text:
                response = self._run(words_body(query, text=query.text))
        hits = [
            SearchHit(
                thread_id=int(h["_id"]),
                score=float(h["_score"] or 0),
                fields=frozenset(h["matched_queries"]) if "matched_queries" in h else None,
            )
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
        body = similar_body(terms=terms, brand_id=brand_id, exclude_id=exclude_id, limit=limit)
        response = self._run(body)
        return [
            SearchHit(thread_id=int(h["_id"]), score=float(h["_score"] or 0))
            for h in response["hits"]["hits"]
        ]

    def nearest(
        self,
        vector: Sequence[float],
        *,
        limit: int,
        min_similarity: float,
        brand_id: int | None = None,
        product_id: int | None = None,
        type: str = "",
        status: str = "",
        exclude: Iterable[int] = (),
    ) -> list[SearchHit] | None:
        """The threads nearest `vector` by meaning with search's filters, at least
        `min_similarity` (cosine), best first: one k-NN query. None when the index
        searches read holds no vectors (the caller asks the database instead). Hits say
        no field holds a query word (snippets show the start)."""
        if limit <= 0:
            return []
        if not self._serves_vectors():
            return None
        where = nearest_filter(
            brand_id=brand_id, product_id=product_id, type=type, status=status, exclude=exclude
        )
        response = self._run(self.nearest_body(vector, k=limit, filter=where))
        hits = []
        for h in response["hits"]["hits"]:
            # Both engines score a cosine c as (1 + c) / 2, so that scores are positive.
            similarity = 2 * float(h["_score"] or 0) - 1
            if similarity >= min_similarity:
                hits.append(
                    SearchHit(thread_id=int(h["_id"]), score=similarity, fields=frozenset())
                )
        return hits

    def health(self) -> str:
        """The cluster's colour (green, yellow, red), or "unreachable"."""
        try:
            return self.client.cluster.health()["status"]
        except self.errors:
            return "unreachable"
