"""Ranking by rarity: the term statistics PostgreSQL ranks with (search.models.TermStatistic,
kept by search.backends.database where it writes the index), and the scoring rules that
make a customer's rare or distinctive word count (on whichever database runs the tests)."""

import pytest
from django.db import connection

from moderation import services as moderation_services
from moderation.models import ModeratorAppointment
from qa import services as qa_services
from qa.models import Thread
from search import services
from search.analysis import is_code, query_groups
from search.backends import database
from search.models import TermStatistic
from search.synonyms import expand
from tests.community.factories import UserFactory
from tests.qa.factories import AnswerFactory, ThreadFactory

pytestmark = pytest.mark.django_db


def postgres_only(test):
    """PostgreSQL keeps the statistics; SQLite's FTS5 keeps its own, which bm25() reads."""
    test = pytest.mark.postgres(test)
    return pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL")(test)


def kept() -> dict[str, int]:
    """The statistics as kept, without terms no document holds any longer."""
    return {term: n for term, n in TermStatistic.objects.values_list("term", "documents") if n}


def counted() -> dict[str, int]:
    """The statistics counted afresh from the index."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT word, ndoc FROM ts_stat('SELECT search_vector FROM search_threaddocument')"
        )
        found = dict(cursor.fetchall())
        cursor.execute("SELECT COUNT(*) FROM search_threaddocument")
        found[database.COLLECTION] = cursor.fetchone()[0]
    return {term: n for term, n in found.items() if n}


@postgres_only
def test_statistics_follow_posts_edits_and_removals(brand):
    tripod = ThreadFactory(brand=brand, title="Tripod plate slips", body="The tripod wobbles.")
    ThreadFactory(brand=brand, title="三脚のネジが緩い", body="三脚が揺れます。")
    services.outbox_process()
    assert kept()[database.COLLECTION] == 2
    assert kept()["tripod"] == 1
    assert kept() == counted()

    # An answer adds its words; an edit drops the words it removed and adds the new ones.
    AnswerFactory(thread=tripod, body="Tighten the plate with a coin.")
    qa_services.thread_edit(
        actor=tripod.author, thread=tripod, title="Quick release plate slips", body="It slips."
    )
    services.outbox_process()
    assert kept()["coin"] == 1
    assert "wobbl" not in kept()
    assert kept() == counted()

    # A hidden thread leaves the index and the counts.
    moderator = UserFactory()
    ModeratorAppointment.objects.create(user=moderator)
    moderation_services.post_hide(actor=moderator, post=tripod, reason="spam")
    services.outbox_process()
    assert kept()[database.COLLECTION] == 1
    assert "coin" not in kept()
    assert kept() == counted()


@postgres_only
def test_a_reindex_recounts_what_went_unnoticed(brand):
    ThreadFactory(brand=brand, title="Lens cap stuck", body="x")
    gone = ThreadFactory(brand=brand, title="Strap ring rusty", body="x")
    services.outbox_process()
    # A thread deleted outright takes its document with it by cascade, unnoticed.
    Thread.objects.filter(pk=gone.pk).delete()
    assert kept()[database.COLLECTION] == 2
    services.reindex(resume=False)
    assert kept()[database.COLLECTION] == 1
    assert "rusti" not in kept() and "rusty" not in kept()
    assert kept() == counted()


@postgres_only
def test_a_reindex_over_an_index_keeps_the_counts(brand):
    for n in range(3):
        ThreadFactory(brand=brand, title=f"充電できない {n}", body="ケーブルを替えても同じ")
    services.outbox_process()
    before = kept()
    services.reindex(resume=False, batch_size=2)
    assert kept() == before == counted()
    assert before["ケーブル"] == 3


def test_a_rare_word_outranks_a_common_one_in_a_title(brand):
    """ts_rank weighs a title above a question whatever the words; a word few threads hold
    is what tells the thread apart, and it ranks first on both databases."""
    for n in range(6):
        ThreadFactory(brand=brand, title=f"Camera question {n}", body="About my camera.")
    flicker = ThreadFactory(brand=brand, title="Recording issue", body="The screen flickers.")
    for n in range(6):
        ThreadFactory(brand=brand, title=f"カメラの質問 {n}", body="カメラについて")
    noise = ThreadFactory(brand=brand, title="録画の不具合", body="録画中に異音がする")
    services.outbox_process()
    assert services.threads_search(text="camera flickering").items[0].thread == flicker
    assert services.threads_search(text="カメラ 異音").items[0].thread == noise


@postgres_only
def test_a_rare_word_finds_its_threads_past_a_full_title_window(brand, monkeypatch):
    """PostgreSQL ranks a bounded set of candidates, title matches first: every match of
    the query's rarest word joins them, however many titles hold its common word."""
    monkeypatch.setattr(database, "COUNT_LIMIT", 3)
    monkeypatch.setattr(services, "MAX_RESULTS", 4)
    for n in range(6):
        ThreadFactory(brand=brand, title=f"Camera question {n}", body="x")
    flicker = ThreadFactory(brand=brand, title="Recording issue", body="The screen flickers.")
    services.outbox_process()
    page = services.threads_search(text="camera flickering", per_page=4)
    assert page.items[0].thread == flicker


@pytest.mark.parametrize(
    ("query", "title", "other"),
    [
        ("C13 エラー 洗濯機", "表示窓にC-13と出て止まる", "洗濯機のドラムが光る"),
        ("F-05 washer dryer", "F05 on the display", "Dryer drum light"),
        ("ＨＸ５Ｄ ストラップ 外れる", "HX 5D が重い", "ストラップの色"),
    ],
)
def test_a_model_number_or_error_code_matches_alone(brand, query, title, other):
    """A query's code meets the share of words a thread must hold by itself: the thread
    that holds it is found, however the rest of the query is worded; a thread with one
    other word of the three is not."""
    found = ThreadFactory(brand=brand, title=title, body="x")
    ThreadFactory(brand=brand, title=other, body="x")
    services.outbox_process()
    page = services.threads_search(text=query)
    assert [item.thread for item in page.items] == [found]
    assert not page.matched_all_terms


def test_plain_words_do_not_match_alone(brand):
    """Only codes: a thread holding one ordinary word of three is not a match of the
    share (the any-word fallback, which says so, still lists it)."""
    ThreadFactory(brand=brand, title="Drum makes noise", body="x")
    ThreadFactory(brand=brand, title="Door seal mould", body="x")
    services.outbox_process()
    page = services.threads_search(text="door seal noise")
    assert [item.thread.title for item in page.items] == ["Door seal mould"]


@pytest.mark.parametrize(
    ("term", "code"),
    [
        ("e-203", True),  # エラーE-203
        ("c13", True),
        ("hx5d", True),  # ＨＸ５Ｄ after NFKC and the join of HX 5D
        ("wpa3", True),
        ("2.1.2", False),  # a version
        ("wi-fi", False),  # a word with a hyphen
        ("洗濯", False),
        ("エラー", False),
    ],
)
def test_what_counts_as_a_code(term, code):
    assert is_code(term) is code


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ("洗濯機 C13", 2),  # 洗濯 and 機, one entry of the vocabulary: one word
        ("refund 返金", 1),  # a word typed with its synonym
        ("返金 年払い", 2),
        ("unsubscribe 解約", 1),
        ("startup camera", 2),
    ],
)
def test_words_the_vocabulary_makes_one_count_once(query, words):
    assert len(expand(query_groups(query))) == words


@pytest.mark.parametrize(("query", "meant"), [("startup", "起動"), ("起動しない", "boot")])
def test_startup_meets_its_japanese(query, meant):
    assert any(meant in group for group in expand(query_groups(query)))
