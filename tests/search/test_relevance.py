"""Relevance on a fixed corpus, in English and Japanese, on whichever database runs the
tests (SQLite FTS5 by default, PostgreSQL with DATABASE_URL)."""

import pytest

from moderation import services as moderation_services
from moderation.models import ModeratorAppointment
from qa import services as qa_services
from search import services
from search.analysis import analyze_query
from search.backends import get_backend
from search.models import IndexOutbox
from tests.brands.factories import BrandFactory, ProductFactory
from tests.community.factories import UserFactory
from tests.qa.factories import AnswerFactory, ThreadFactory

pytestmark = pytest.mark.django_db

CORPUS = [
    ("jp-charge-1", "充電ができないです", "昨日から本体に充電ケーブルを挿しても反応がありません。"),
    ("jp-charge-2", "充電が出来ません", "ＵＳＢ‐Ｃのケーブルを替えても同じです。"),
    ("jp-wifi", "Wi-Fiにつながらない", "ルーターを再起動しても接続できません。"),
    ("jp-iphone", "iPhoneとペアリングできない", "Bluetoothの設定で見つかりません。"),
    ("en-battery", "Battery drains overnight", "The battery is empty every morning since 2.1."),
    ("en-charging", "Phone is not charging", "Charging stopped working after I dropped it."),
    ("en-lens", "Lens cap stuck", "The lens cap will not come off."),
    ("mixed", "Z5 firmware 2.1.2 の更新で E-203 エラー", "更新ファイルを読み込めません。"),
]


@pytest.fixture(autouse=True)
def _empty_index():
    """The database backend's index rolls back with each test; an Elasticsearch index does
    not, so each test starts without one (this suite also runs against a cluster)."""
    backend = get_backend()
    client = getattr(backend, "client", None)
    if client is not None:
        client.indices.delete(index=f"{backend.read_alias}-*", ignore_unavailable=True)
    yield


@pytest.fixture
def corpus(brand):
    threads = {}
    for key, title, body in CORPUS:
        threads[key] = ThreadFactory(brand=brand, title=title, body=body)
    services.outbox_process()
    return threads


def keys(corpus, page):
    by_pk = {t.pk: k for k, t in corpus.items()}
    return [by_pk[item.thread.pk] for item in page.items]


def search(text, **filters):
    return services.threads_search(text=text, **filters)


def test_japanese_verb_matches_other_spellings_and_politeness(corpus):
    found = keys(corpus, search("充電できない"))
    assert set(found[:2]) == {"jp-charge-1", "jp-charge-2"}


def test_full_width_query_finds_half_width_text(corpus):
    assert keys(corpus, search("ｉＰｈｏｎｅ")) == ["jp-iphone"]


def test_mixed_japanese_and_english_is_searchable_both_ways(corpus):
    assert keys(corpus, search("E-203"))[0] == "mixed"
    assert keys(corpus, search("更新 エラー"))[0] == "mixed"
    assert keys(corpus, search("firmware 2.1.2"))[0] == "mixed"


def test_english_stemming(corpus):
    assert keys(corpus, search("batteries draining"))[0] == "en-battery"
    assert keys(corpus, search("charge"))[0] == "en-charging"


def test_title_ranks_over_body_over_answers(brand):
    in_answer = ThreadFactory(brand=brand, title="Other thing", body="Nothing here")
    AnswerFactory(thread=in_answer, body="Try the tripod mount.")
    in_body = ThreadFactory(brand=brand, title="Camera wobbles", body="My tripod is loose.")
    in_title = ThreadFactory(brand=brand, title="Tripod mount loose", body="It wobbles.")
    services.outbox_process()
    found = [i.thread.pk for i in search("tripod").items]
    assert found == [in_title.pk, in_body.pk, in_answer.pk]


def test_solved_verified_and_shared_threads_rise(brand):
    plain = ThreadFactory(brand=brand, title="Flash does not fire", body="Flash problem")
    solved = ThreadFactory(brand=brand, title="Flash does not fire", body="Flash problem")
    qa_services.answer_accept(actor=solved.author, answer=AnswerFactory(thread=solved))
    shared = ThreadFactory(brand=brand, title="Flash does not fire", body="Flash problem")
    for user in UserFactory.create_batch(5):
        qa_services.thread_me_too_toggle(user=user, thread=shared)
    services.outbox_process()
    found = [i.thread.pk for i in search("flash fire").items]
    assert found.index(plain.pk) == 2
    assert set(found[:2]) == {solved.pk, shared.pk}


def test_filters(corpus, brand):
    other_brand = BrandFactory()
    product = ProductFactory(brand=brand)
    elsewhere = ThreadFactory(brand=other_brand, title="Battery drains fast", body="Battery.")
    with_product = ThreadFactory(brand=brand, product=product, title="Battery swelling", body="x")
    idea = ThreadFactory(brand=brand, title="Battery percentage idea", body="x", type="idea")
    services.outbox_process()
    assert elsewhere.pk not in [i.thread.pk for i in search("battery", brand_id=brand.pk).items]
    assert [i.thread.pk for i in search("battery", product_id=product.pk).items] == [
        with_product.pk
    ]
    assert [i.thread.pk for i in search("battery", type="idea").items] == [idea.pk]
    assert search("battery", status="solved").total == 0


def test_official_and_verified_filters(brand):
    moderator = UserFactory()
    ModeratorAppointment.objects.create(user=moderator)
    verified = ThreadFactory(brand=brand, title="Strap ring broke", body="x")
    answer = AnswerFactory(thread=verified, body="Replace the ring.")
    moderation_services.answer_verify(moderator=moderator, answer=answer)
    ThreadFactory(brand=brand, title="Strap ring rusty", body="x")
    services.outbox_process()
    assert [i.thread.pk for i in search("strap ring", has_verified=True).items] == [verified.pk]
    assert search("strap ring", has_official=True).total == 0


def test_hidden_deleted_and_merged_threads_never_appear_nor_count(corpus, brand):
    moderator = UserFactory()
    ModeratorAppointment.objects.create(user=moderator)
    moderation_services.post_hide(actor=moderator, post=corpus["jp-charge-1"], reason="x")
    moderation_services.thread_close_as_duplicate(
        actor=moderator, thread=corpus["en-charging"], original=corpus["en-lens"], reason="y"
    )
    services.outbox_process()
    assert keys(corpus, search("充電できない")) == ["jp-charge-2"]
    assert search("充電できない").total == 1
    # "charging" also finds 充電 (the built-in synonyms), never the merged thread.
    assert "en-charging" not in keys(corpus, search("charging"))
    assert search("dropped").total == 0


def test_hidden_answer_text_is_not_searchable(brand):
    moderator = UserFactory()
    ModeratorAppointment.objects.create(user=moderator)
    thread = ThreadFactory(brand=brand, title="Shutter noise", body="x")
    answer = AnswerFactory(thread=thread, body="Buy cheapviagra now")
    services.outbox_process()
    assert search("cheapviagra").total == 1
    moderation_services.post_hide(actor=moderator, post=answer, reason="Spam")
    services.outbox_process()
    assert search("cheapviagra").total == 0


def test_highlighting_marks_matches_in_title_body_and_answers(brand):
    thread = ThreadFactory(
        brand=brand, title="充電が出来ません", body="ケーブルを替えても充電できない"
    )
    AnswerFactory(thread=thread, body="Try another <b>charger</b>; 充電器を替えると直りました")
    services.outbox_process()
    item = search("充電できない").items[0]
    assert "<mark>充電</mark>" in item.title.html
    assert "<mark>出来</mark>" in item.title.html
    assert "<mark>充電でき</mark>ない" in item.snippet.html  # neighbours share one mark
    assert "<mark>" in item.answer_snippet.html
    assert "<b>" not in item.answer_snippet.html  # text only, escaped


def test_answer_snippet_comes_from_the_first_answers_in_reading_order(brand):
    thread = ThreadFactory(brand=brand, title="Shutter sticks", body="x")
    AnswerFactory(thread=thread, body="Nothing to do with it.")
    AnswerFactory(thread=thread, body="Me neither.")
    accepted = AnswerFactory(thread=thread, body="Clean the shutter blades <b>gently</b>.")
    services.outbox_process()
    assert search("shutter").items[0].answer_snippet is None  # only in the third answer
    qa_services.answer_accept(actor=thread.author, answer=accepted)
    services.outbox_process()
    snippet = search("shutter").items[0].answer_snippet
    assert snippet.html == "Clean the <mark>shutter</mark> blades gently. "  # text only


def test_a_question_without_the_words_shows_its_start(brand):
    body = "Every morning the lens fogs up. " * 10
    ThreadFactory(brand=brand, title="Tripod mount loose", body=body)
    services.outbox_process()
    item = search("tripod").items[0]
    assert item.snippet.html.startswith("Every morning the lens fogs up.")
    assert item.snippet.html.endswith("…") and not item.snippet.matched


def test_pagination(brand):
    for n in range(25):
        ThreadFactory(brand=brand, title=f"Lens fog {n}", body="Fog inside the lens")
    services.outbox_process()
    first, second = search("lens fog"), services.threads_search(text="lens fog", page=2)
    assert first.total == 25 and len(first.items) == 20 and len(second.items) == 5
    assert not {i.thread.pk for i in first.items} & {i.thread.pk for i in second.items}


def test_a_page_past_the_last_shows_the_last(brand):
    for n in range(25):
        ThreadFactory(brand=brand, title=f"Strap buckle {n}", body="Buckle")
    services.outbox_process()
    page = services.threads_search(text="strap buckle", page=9)
    assert (page.page, page.num_pages, len(page.items)) == (2, 2, 5)


def test_when_no_thread_has_every_word_some_words_still_find(corpus):
    page = search("battery zebra")
    assert not page.matched_all_terms
    assert keys(corpus, page)[0] == "en-battery"


@pytest.mark.parametrize(
    "query",
    ["", "   ", "x" * 10_000, '"unbalanced', "AND OR NOT ((( ))) * ^ ~ NEAR(", "'; DROP TABLE;--"],
)
def test_bad_queries_never_fail(corpus, query):
    page = search(query)
    assert page.total >= 0


def test_similar_threads_for_a_title_being_typed(corpus, brand):
    similar = services.threads_similar(brand_id=brand.pk, text="充電できないんですが")
    assert {t.pk for t in similar[:2]} == {corpus["jp-charge-1"].pk, corpus["jp-charge-2"].pk}
    assert services.threads_similar(brand_id=BrandFactory().pk, text="充電できない") == []


def test_related_threads_exclude_the_thread_itself(corpus, brand):
    thread = corpus["jp-charge-1"]
    related = services.threads_similar(
        brand_id=brand.pk, text=thread.title, exclude=thread, limit=5
    )
    assert thread.pk not in [t.pk for t in related]
    assert related[0].pk == corpus["jp-charge-2"].pk


def test_outbox_keeps_changes_through_an_outage_and_retries(brand, monkeypatch):
    from search.backends import get_backend
    from search.backends.base import SearchBackendError

    def down(self, docs, vectors=None):
        raise SearchBackendError("search service unavailable")

    monkeypatch.setattr(type(get_backend()), "index", down)
    thread = ThreadFactory(brand=brand, title="Viewfinder flicker", body="x")
    assert services.outbox_process() == (0, 1)
    row = IndexOutbox.objects.get(thread_id=thread.pk)
    assert row.attempts == 1 and row.done_at is None and row.next_attempt_at is not None
    assert "unavailable" in row.last_error
    monkeypatch.undo()
    assert services.outbox_process() == (0, 0)  # not due yet: backoff
    IndexOutbox.objects.update(next_attempt_at=None)
    assert services.outbox_process() == (1, 0)
    assert search("viewfinder flicker").total == 1


def test_changes_reach_the_index_after_commit(brand, customer, committed):
    with committed():
        thread = qa_services.thread_create(
            author=customer, brand=brand, title="Eyecup fell off", body="x"
        )
    assert search("eyecup").total == 1
    with committed():
        qa_services.thread_edit(
            actor=customer, thread=thread, title="Rubber piece fell off", body="x"
        )
    assert search("eyecup").total == 0
    assert search("rubber").total == 1


def test_reconcile_requeues_what_the_index_missed(brand):
    ThreadFactory(brand=brand, title="Grip peeling", body="x")
    IndexOutbox.objects.all().delete()
    assert services.reconcile() >= 1
    services.outbox_process()
    assert search("grip peeling").total == 1


def test_reindex_rebuilds_and_resumes(brand):
    from search.models import ReindexCheckpoint

    threads = [ThreadFactory(brand=brand, title=f"Hotshoe {n}", body="x") for n in range(5)]
    assert services.reindex(batch_size=2) == 5
    assert search("hotshoe").total == 5
    # An interrupted run resumes after the last thread it finished.
    ReindexCheckpoint.objects.update(finished_at=None, last_thread_id=threads[2].pk)
    assert services.reindex(batch_size=2) == 2


def test_query_analysis_is_shared_with_documents():
    assert analyze_query("充電が出来ません") == analyze_query("充電できない")


def test_reconcile_removes_what_was_hidden_behind_the_services_back(brand):
    from qa.models import Thread

    thread = ThreadFactory(brand=brand, title="Mode dial loose", body="x")
    services.outbox_process()
    Thread.objects.filter(pk=thread.pk).update(visibility="hidden")
    assert services.reconcile() == 1
    services.outbox_process()
    assert search("mode dial").total == 0


def test_a_broker_that_is_down_loses_nothing(brand, customer, committed, monkeypatch):
    from search import tasks

    def broker_down(*args, **kwargs):
        raise OSError("connection refused")

    monkeypatch.setattr(tasks.process_outbox, "apply", broker_down)  # eager: runs in-process
    with committed():
        qa_services.thread_create(author=customer, brand=brand, title="Card door", body="x")
    assert IndexOutbox.objects.pending().count() == 1  # the write stood; the row waits
    monkeypatch.undo()
    services.outbox_process()
    assert search("card door").total == 1


def test_a_word_cut_short_is_found_by_its_characters(brand):
    earbuds = ThreadFactory(brand=brand, title="ワイヤレスイヤホンの片方が鳴らない", body="x")
    firmware = ThreadFactory(brand=brand, title="Firmware update failed", body="x")
    services.outbox_process()
    assert [i.thread.pk for i in search("イヤホ").items] == [earbuds.pk]
    assert [i.thread.pk for i in search("firmw").items] == [firmware.pk]
    assert search("firmw").matched_all_terms is False
    assert search("100%_\\").total == 0  # LIKE's wildcards are matched literally
