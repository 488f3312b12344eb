"""The OpenSearch and Elasticsearch backends without a cluster: both DSLs give the same
mapping, one set of query bodies, and an unreachable cluster is an error the outbox keeps.
The same backends against a real three-node cluster: tests/search/test_cluster.py."""

import socket

import elasticsearch_dsl
import opensearchpy
import pytest

from search.backends import get_backend
from search.backends.base import SearchBackendError, SearchQuery
from search.backends.cluster import (
    dense_vector_body,
    index_body,
    knn_body,
    nearest_filter,
    search_body,
    similar_body,
    trigram_body,
    word_held,
)
from search.backends.database import FULL_MATCH_BOOST, required_words
from search.backends.elasticsearch import ElasticsearchBackend
from search.backends.opensearch import OpenSearchBackend
from search.documents import ThreadDoc


@pytest.mark.parametrize("kuromoji", [True, False])
def test_both_clients_send_the_same_index_body(kuromoji):
    assert index_body(opensearchpy, kuromoji=kuromoji, shards=2, replicas=1) == index_body(
        elasticsearch_dsl, kuromoji=kuromoji, shards=2, replicas=1
    )


def test_the_mapping_ranks_by_sodans_terms_and_keeps_the_words():
    body = index_body(opensearchpy, kuromoji=True, shards=1, replicas=0)
    properties = body["mappings"]["properties"]
    for field in ("title", "body", "answers"):
        assert properties[f"{field}_terms"]["analyzer"] == "sodan_terms"
        assert properties[f"{field}_terms"]["search_analyzer"] == "sodan_alternatives"
        assert properties[field]["analyzer"] == "sodan_en"
        assert properties[field]["fields"]["ja"]["analyzer"] == "sodan_ja"
    analysis = body["settings"]["analysis"]
    assert analysis["analyzer"]["sodan_terms"]["tokenizer"] == "whitespace"
    assert analysis["filter"]["sodan_alternatives"]["type"] == "pattern_capture"
    assert properties["boost"]["type"] == "float"
    for keyword in ("type", "status"):
        assert properties[keyword]["type"] == "keyword"


def test_kuromoji_when_the_cluster_has_it_else_cjk_bigrams():
    with_kuromoji = index_body(opensearchpy, kuromoji=True, shards=1, replicas=0)
    japanese = with_kuromoji["settings"]["analysis"]["analyzer"]["sodan_ja"]
    assert japanese["tokenizer"] == "kuromoji_tokenizer"
    assert {"kuromoji_baseform", "cjk_width", "lowercase"} <= set(japanese["filter"])
    without = index_body(opensearchpy, kuromoji=False, shards=1, replicas=0)
    japanese = without["settings"]["analysis"]["analyzer"]["sodan_ja"]
    assert "cjk_bigram" in japanese["filter"] and "kuromoji" not in str(japanese)


def test_shards_and_replicas_come_from_settings(settings):
    settings.SEARCH_SHARDS, settings.SEARCH_REPLICAS = 3, 2
    backend = OpenSearchBackend()
    backend.__dict__["has_kuromoji"] = False  # what the cluster would have answered
    index_settings = backend.index_body()["settings"]
    assert (index_settings["number_of_shards"], index_settings["number_of_replicas"]) == (3, 2)


def _match(body: dict) -> dict:
    return body["query"]["function_score"]["query"]["bool"]["must"][0]["bool"]


def test_search_body_is_one_scored_query_with_filters_and_the_threads_boost():
    query = SearchQuery(
        terms=("充電", "出来る"), text="充電できない", brand_id=3, has_verified=True, offset=20
    )
    body = search_body(query)
    scored = body["query"]["function_score"]
    words = _match(body)["must"][0]["bool"]
    assert len(words["should"]) == 2 and words["minimum_should_match"] == 1
    assert words["should"][0]["bool"]["should"] == [
        {
            "multi_match": {
                "query": "充電",
                "fields": ["title_terms^3", "body_terms^2", "answers_terms"],
                "type": "most_fields",
            }
        }
    ]
    assert {"term": {"brand_id": 3}} in scored["query"]["bool"]["filter"]
    assert {"term": {"has_verified": True}} in scored["query"]["bool"]["filter"]
    assert scored["functions"][0] == {"field_value_factor": {"field": "boost", "missing": 1}}
    # Threads holding both words rise, and the page learns whether any does.
    assert scored["functions"][1]["weight"] == FULL_MATCH_BOOST
    assert body["aggs"]["every_word"]["filter"] == scored["functions"][1]["filter"]
    # Named clauses tell which fields hold a term, for the snippets.
    named = _match(body)["should"]
    assert [next(iter(c["terms"].values())) for c in named] == [["充電", "出来る"]] * 3
    assert [c["terms"]["_name"] for c in named] == ["title", "body", "answers"]
    assert (body["from"], body["size"]) == (20, 20)


def test_a_share_of_the_words_must_match_each_as_any_of_its_alternatives():
    groups = (("返金", "払い戻し", "refund"), ("年額",), ("間違える",), ("買う",))
    body = search_body(SearchQuery(terms=("返金",), groups=groups))
    (required,) = _match(body)["filter"]
    share = required["bool"]["should"]
    assert share == [
        {"bool": {"should": [word_held(g) for g in groups], "minimum_should_match": 2}}
    ]
    assert required_words(4) == 2
    assert word_held(groups[0])["bool"]["should"][0] == {
        "terms": {"title_terms": ["返金", "払い戻し", "refund"]}
    }
    # A word's alternatives go as one query string, which the terms fields' search analyser
    # stacks at one position: the cluster scores them as one word.
    # The word as typed counts once more: the customer's own words come first.
    word = _match(body)["must"][0]["bool"]["should"][0]["bool"]["should"]
    assert [w["multi_match"]["query"] for w in word] == ["返金 払い戻し refund", "返金"]
    # Every word required: no full-match factor, no aggregation.
    body = search_body(SearchQuery(terms=("返金",), groups=groups), need=4)
    assert len(body["query"]["function_score"]["functions"]) == 1 and "aggs" not in body


def test_a_model_number_matches_alone_as_on_the_database():
    groups = (("e-203", "e203"), ("startup",), ("camera", "カメラ"))
    (required,) = _match(search_body(SearchQuery(terms=("e-203",), groups=groups)))["filter"]
    assert required["bool"]["should"][1:] == [word_held(groups[0])]


def test_a_word_cut_short_is_looked_up_in_trigrams():
    body = trigram_body(SearchQuery(terms=("firmw",)), ["firmw"])
    must = body["query"]["function_score"]["query"]["bool"]["must"][0]["bool"]["must"]
    assert must == [{"match": {"ngram": {"query": "firmw", "operator": "and"}}}]


def test_similar_body_uses_more_like_this_within_the_brand():
    body = similar_body(terms=("充電", "出来る"), brand_id=7, exclude_id=42, limit=5)
    query = body["query"]["bool"]
    assert query["must"][0]["more_like_this"]["like"] == "充電 出来る"
    assert query["filter"] == [{"term": {"brand_id": 7}}]
    assert query["must_not"] == [{"ids": {"values": ["42"]}}]


def test_backends_are_named_shortly(settings):
    settings.SEARCH_BACKEND = "opensearch"
    assert isinstance(get_backend(), OpenSearchBackend)
    settings.SEARCH_BACKEND = "elasticsearch"
    assert isinstance(get_backend(), ElasticsearchBackend)


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.parametrize("backend_class", [OpenSearchBackend, ElasticsearchBackend])
def test_an_unreachable_cluster_is_a_backend_error_the_outbox_retries(settings, backend_class):
    """Two nodes on loopback that refuse connections: every call is a SearchBackendError
    (services keep the outbox row; the search page degrades), never a client exception."""
    settings.SEARCH_URLS = [f"http://127.0.0.1:{_closed_port()}" for _ in range(2)]
    settings.SEARCH_TIMEOUT = 1
    backend = backend_class()
    doc = ThreadDoc(1, 1, None, "question", "open", False, False, 0, None, "Title", "Body")
    with pytest.raises(SearchBackendError):
        backend.index([doc])
    with pytest.raises(SearchBackendError):
        backend.remove([1])
    with pytest.raises(SearchBackendError):
        backend.search(SearchQuery(terms=("title",), text="title"))
    assert backend.health() == "unreachable"
    assert backend.has_kuromoji is False
    # No vectors while it does not answer, and it is asked again once it does.
    assert backend.has_vectors is False and backend._has_vectors is None


def test_the_vector_field_in_either_clusters_words():
    """OpenSearch: the k-NN plugin's field on Lucene's own engine (no native library),
    which the index must declare; Elasticsearch: dense_vector. Cosine for both."""
    opensearch = index_body(opensearchpy, kuromoji=True, shards=1, replicas=0, vector_dimensions=8)
    assert opensearch["mappings"]["properties"]["vector"] == {
        "type": "knn_vector",
        "dimension": 8,
        "method": {"name": "hnsw", "engine": "lucene", "space_type": "cosinesimil"},
    }
    assert opensearch["settings"]["knn"] is True
    elastic = index_body(
        elasticsearch_dsl, kuromoji=True, shards=1, replicas=0, vector_dimensions=8
    )
    assert elastic["mappings"]["properties"]["vector"] == {
        "type": "dense_vector",
        "dims": 8,
        "similarity": "cosine",
        "index": True,
    }
    assert "knn" not in elastic["settings"]
    # A cluster that cannot search vectors: no such field, nothing else changes.
    without = index_body(opensearchpy, kuromoji=True, shards=1, replicas=0)
    assert "vector" not in without["mappings"]["properties"] and "knn" not in without["settings"]
    del opensearch["mappings"]["properties"]["vector"], opensearch["settings"]["knn"]
    assert opensearch == without


def test_the_nearest_threads_are_one_knn_query_with_searchs_filters():
    where = nearest_filter(brand_id=3, product_id=None, type="idea", status="", exclude=[9, 4])
    assert where == {
        "bool": {
            "filter": [{"term": {"brand_id": 3}}, {"term": {"type": "idea"}}],
            "must_not": [{"ids": {"values": ["4", "9"]}}],
        }
    }
    body = knn_body([0.5, 0.25], k=5, filter=where)
    assert body["query"] == {"knn": {"vector": {"vector": [0.5, 0.25], "k": 5, "filter": where}}}
    assert body["size"] == 5 and body["_source"] is False
    body = dense_vector_body([0.5, 0.25], k=5, filter=where)
    assert body["knn"]["field"] == "vector" and body["knn"]["filter"] == where
    assert body["knn"]["k"] == 5 and body["knn"]["num_candidates"] >= 5
    # No filter at all: every thread of the index may be near.
    assert "filter" not in knn_body([0.5], k=1, filter=nearest_filter())["query"]["knn"]["vector"]
