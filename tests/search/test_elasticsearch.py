"""The Elasticsearch backend: mappings, analyzers and query bodies (no cluster needed),
plus the relevance suite against a real cluster when ELASTICSEARCH_URL is set."""

import os

import pytest

from search.backends.base import SearchQuery
from search.backends.elasticsearch import (
    ElasticsearchBackend,
    search_body,
    similar_body,
    thread_document_class,
)


def _mapping(kuromoji):
    return thread_document_class(kuromoji=kuromoji)._index.to_dict()


def test_mapping_has_english_and_japanese_subfields_and_filters():
    mapping = _mapping(kuromoji=True)["mappings"]["properties"]
    assert mapping["title"]["analyzer"] == "sodan_en"
    assert mapping["title"]["fields"]["ja"]["analyzer"] == "sodan_ja"
    for keyword in ("type", "status"):
        assert mapping[keyword]["type"] == "keyword"
    for flag in ("has_official", "has_verified"):
        assert mapping[flag]["type"] == "boolean"
    assert mapping["me_too_count"]["type"] == "integer"


def test_kuromoji_analyzer_uses_base_forms_and_width_folding():
    analysis = _mapping(kuromoji=True)["settings"]["analysis"]["analyzer"]["sodan_ja"]
    assert analysis["tokenizer"] == "kuromoji_tokenizer"
    assert {"kuromoji_baseform", "cjk_width", "lowercase"} <= set(analysis["filter"])


def test_without_kuromoji_the_builtin_cjk_analysis_is_used():
    analysis = _mapping(kuromoji=False)["settings"]["analysis"]["analyzer"]["sodan_ja"]
    assert "cjk_bigram" in analysis["filter"]
    assert "kuromoji_tokenizer" not in str(analysis)


def test_search_body_weights_filters_and_boosts():
    query = SearchQuery(
        terms=("充電", "出来る"),
        brand_id=3,
        status="solved",
        has_verified=True,
        offset=20,
        limit=20,
    )
    body = search_body(query, text="充電できない")
    function_score = body["query"]["function_score"]
    match = function_score["query"]["bool"]["must"][0]["multi_match"]
    assert match["query"] == "充電できない"
    assert match["operator"] == "and"
    assert "title.ja^3" in match["fields"] and "answers.ja" in match["fields"]
    assert {"term": {"brand_id": 3}} in function_score["query"]["bool"]["filter"]
    assert {"term": {"has_verified": True}} in function_score["query"]["bool"]["filter"]
    assert any(
        f.get("filter") == {"term": {"status": "solved"}} for f in function_score["functions"]
    )
    assert body["from"] == 20 and body["size"] == 20


def test_japanese_queries_use_the_japanese_fields_only():
    query = SearchQuery(terms=("充電",), text="iPhone 充電")
    fields = search_body(query, text=query.text)["query"]["function_score"]["query"]["bool"]
    assert fields["must"][0]["multi_match"]["fields"] == ["title.ja^3", "body.ja^2", "answers.ja"]
    english = search_body(query, text="battery drains")["query"]["function_score"]["query"]
    assert "title^3" in english["bool"]["must"][0]["multi_match"]["fields"]


def test_similar_body_uses_more_like_this_within_the_brand():
    body = similar_body(text="充電 できない", brand_id=7, exclude_id=42, limit=5)
    query = body["query"]["bool"]
    assert "more_like_this" in query["must"][0]
    assert query["filter"] == [{"term": {"brand_id": 7}}]
    assert query["must_not"] == [{"ids": {"values": ["42"]}}]


class FakeIndices:
    def __init__(self):
        self.aliases = {}
        self.created = []
        self.deleted = []

    def exists_alias(self, name):
        return any(name in a for a in self.aliases.values())

    def get_alias(self, name):
        return {i: {} for i, a in self.aliases.items() if name in a}

    def update_aliases(self, actions):
        for action in actions:
            ((verb, spec),) = action.items()
            indexes = list(self.aliases) if spec["index"] == "*" else [spec["index"]]
            for index in indexes:
                aliases = self.aliases.setdefault(index, set())
                (aliases.add if verb == "add" else aliases.discard)(spec["alias"])

    def exists(self, index):
        return index in self.aliases

    def delete(self, index):
        self.deleted.append(index)
        self.aliases.pop(index, None)


class FakeClient:
    def __init__(self):
        self.indices = FakeIndices()


def test_rebuild_switches_the_read_alias_only_when_complete(settings, monkeypatch):
    settings.ELASTICSEARCH_INDEX = "sodan-test"
    backend = ElasticsearchBackend(client=FakeClient())
    created = []
    monkeypatch.setattr(
        backend,
        "_create_index",
        lambda name: (created.append(name), backend.client.indices.aliases.setdefault(name, set())),
    )
    backend.client.indices.aliases["sodan-test-old"] = {"sodan-test", "sodan-test-write"}
    target = backend.begin_rebuild()
    aliases = backend.client.indices.aliases
    assert "sodan-test" in aliases["sodan-test-old"]  # reads still on the complete index
    assert aliases[target] == {"sodan-test-write"}  # writes go to the new one
    backend.finish_rebuild(target)
    assert aliases[target] == {"sodan-test-write", "sodan-test"}
    assert backend.client.indices.deleted == ["sodan-test-old"]


def test_an_unreachable_cluster_is_a_backend_error_the_outbox_retries(settings):
    from elastic_transport import ConnectionError as TransportConnectionError

    from search.backends.base import SearchBackendError
    from search.documents import ThreadDoc

    class Down(FakeIndices):
        def exists_alias(self, name):
            raise TransportConnectionError("connection refused")

    client = FakeClient()
    client.indices = Down()
    backend = ElasticsearchBackend(client=client)
    doc = ThreadDoc(1, 1, None, "question", "open", False, False, 0, None, "Title", "Body")
    with pytest.raises(SearchBackendError):
        backend.index([doc])
    with pytest.raises(SearchBackendError):
        backend.remove([1])


@pytest.mark.es
@pytest.mark.skipif(not os.environ.get("ELASTICSEARCH_URL"), reason="ELASTICSEARCH_URL not set")
def test_relevance_suite_against_a_real_cluster(settings, django_db_blocker):
    """Runs tests/search/test_relevance.py with the Elasticsearch backend."""
    import subprocess
    import sys

    env = {
        **os.environ,
        "SEARCH_BACKEND": "search.backends.elasticsearch.ElasticsearchBackend",
        "ELASTICSEARCH_INDEX": "sodan-test-relevance",
    }
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "tests/search/test_relevance.py",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:]
