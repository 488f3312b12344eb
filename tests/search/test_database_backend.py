"""The PostgreSQL side of the database backend: a bounded set of ranked candidates and a
count that stops (search.backends.database). The limits are lowered here so a handful of
threads exercise them."""

import pytest
from django.db import connection
from django.urls import reverse

from qa import services as qa_services
from search import services
from search.backends import database
from tests.community.factories import UserFactory
from tests.qa.factories import AnswerFactory, ThreadFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
]


@pytest.fixture
def count_limit(monkeypatch):
    monkeypatch.setattr(database, "COUNT_LIMIT", 3)
    return 3


def shared(thread, times):
    for user in UserFactory.create_batch(times):
        qa_services.thread_me_too_toggle(user=user, thread=thread)


def test_the_count_stops_past_the_limit(brand, count_limit):
    for n in range(5):
        thread = ThreadFactory(brand=brand, title=f"Other thing {n}", body="x")
        AnswerFactory(thread=thread, body="Try the tripod mount.")
    ThreadFactory(brand=brand, title="Tripod mount loose", body="x")
    services.outbox_process()
    page = services.threads_search(text="tripod")
    assert (page.total, page.total_exact) == (count_limit, False)
    # The title match first; the term statistics know few enough threads hold the word
    # for every one of them to be ranked, past the count's first matches.
    assert page.items[0].thread.title == "Tripod mount loose"
    assert len(page.items) == 6


def test_an_exact_count_up_to_the_limit(brand, count_limit):
    for n in range(3):
        ThreadFactory(brand=brand, title=f"Tripod plate {n}", body="x")
    services.outbox_process()
    page = services.threads_search(text="tripod")
    assert (page.total, page.total_exact) == (3, True)


def test_title_matches_fill_the_window_before_other_matches(brand, count_limit, monkeypatch):
    """With more title matches than a person can page through, the candidates are the
    title matches with the highest boost; a thread with the word only in an answer is not
    ranked, however shared it is."""
    monkeypatch.setattr(services, "MAX_RESULTS", 4)
    in_answer = ThreadFactory(brand=brand, title="Camera wobbles", body="x")
    AnswerFactory(thread=in_answer, body="Use a tripod.")
    shared(in_answer, 5)
    titles = [ThreadFactory(brand=brand, title=f"Tripod leg {n}", body="x") for n in range(5)]
    shared(titles[4], 1)
    services.outbox_process()
    first = services.threads_search(text="tripod", per_page=2)
    second = services.threads_search(text="tripod", page=2, per_page=2)
    shown = [i.thread.pk for i in first.items + second.items]
    assert shown[0] == titles[4].pk  # the most shared title match
    assert in_answer.pk not in shown and len(set(shown)) == 4
    assert (first.total, first.total_exact, first.num_pages) == (count_limit, False, 2)


def test_few_title_matches_leave_room_for_the_others(brand):
    in_answer = ThreadFactory(brand=brand, title="Camera wobbles", body="x")
    AnswerFactory(thread=in_answer, body="Use a tripod.")
    in_body = ThreadFactory(brand=brand, title="Loose plate", body="My tripod is loose.")
    in_title = ThreadFactory(brand=brand, title="Tripod mount loose", body="x")
    services.outbox_process()
    page = services.threads_search(text="tripod")
    assert [i.thread.pk for i in page.items] == [in_title.pk, in_body.pk, in_answer.pk]
    assert (page.total, page.total_exact) == (3, True)


def test_hits_say_which_fields_hold_a_term(brand):
    thread = ThreadFactory(brand=brand, title="Tripod mount loose", body="Nothing here")
    AnswerFactory(thread=thread, body="Tighten the mount screw.")
    services.outbox_process()
    from search.backends import SearchQuery, get_backend

    (hit,) = get_backend().search(SearchQuery(terms=("tripod", "screw"), text="tripod screw")).hits
    assert hit.fields == {"title", "answers"}


def test_similar_threads_rank_every_match_of_the_brand(brand):
    """The thread sharing the most words wins over much-shared ones with one of them in
    their title (similar threads score every match of the brand, not the candidates)."""
    for n in range(3):
        shared(ThreadFactory(brand=brand, title=f"Tripod leg {n}", body="x"), 3)
    best = ThreadFactory(brand=brand, title="Camera wobbles", body="Loose tripod mount screw")
    services.outbox_process()
    similar = services.threads_similar(brand_id=brand.pk, text="loose tripod mount screw")
    assert similar[0].pk == best.pk


def test_the_page_says_when_the_count_stopped(client, brand, count_limit):
    for n in range(5):
        ThreadFactory(brand=brand, title=f"Tripod leg {n}", body="x")
    services.outbox_process()
    html = client.get(reverse("search:search"), {"q": "tripod"}).content.decode()
    assert "More than 3 threads found" in html


# The title candidates are found two ways (search.backends.database._postgres_ranked): by
# walking the threads best boost first, when the words are common, or by sorting every
# title match. Lowered here, the walk's sample and length choose the way; the threads
# shown must not depend on it.
TITLE_WAYS = {
    "walked within the sample": {},
    "walked past the sample": {"TITLE_SAMPLE": 2, "TITLE_WALK": 8},
    "sorted after the sample": {"TITLE_SAMPLE": 2, "TITLE_WALK": 3},
    "sorted without a walk": {"TITLE_SAMPLE": 0, "TITLE_WALK": 0},
}


@pytest.fixture(params=TITLE_WAYS.values(), ids=TITLE_WAYS.keys())
def title_way(request, monkeypatch):
    for name, value in request.param.items():
        monkeypatch.setattr(database, name, value)
    return request.param


def test_the_most_shared_title_matches_are_shown_however_they_are_found(
    brand, count_limit, monkeypatch, title_way
):
    monkeypatch.setattr(services, "MAX_RESULTS", 4)
    in_answer = ThreadFactory(brand=brand, title="Camera wobbles", body="x")
    AnswerFactory(thread=in_answer, body="Use a tripod.")
    shared(in_answer, 6)
    titles = [ThreadFactory(brand=brand, title=f"Tripod leg {n}", body="x") for n in range(6)]
    for times, thread in enumerate(titles[:4], start=1):
        shared(thread, times)
    services.outbox_process()
    first = services.threads_search(text="tripod", per_page=2)
    second = services.threads_search(text="tripod", page=2, per_page=2)
    shown = [i.thread.pk for i in first.items + second.items]
    # The four most shared title matches, the most shared first; not the thread with the
    # word in an answer only, however shared.
    assert shown[0] == titles[3].pk
    assert set(shown) == {t.pk for t in titles[:4]}
    assert (first.total, first.total_exact) == (count_limit, False)


def test_a_brand_search_walks_only_that_brand(brand, monkeypatch, title_way):
    from tests.brands.factories import BrandFactory

    monkeypatch.setattr(services, "MAX_RESULTS", 2)
    other = BrandFactory()
    for n in range(4):
        shared(ThreadFactory(brand=other, title=f"Tripod plate {n}", body="x"), 3)
    ours = [ThreadFactory(brand=brand, title=f"Tripod leg {n}", body="x") for n in range(3)]
    shared(ours[0], 1)
    services.outbox_process()
    page = services.threads_search(text="tripod", brand_id=brand.pk)
    assert [i.thread.pk for i in page.items][:1] == [ours[0].pk]
    assert {i.thread.brand_id for i in page.items} == {brand.pk}
    assert (page.total, page.total_exact) == (3, True)


def test_a_search_page_runs_four_statements_however_its_candidates_are_found(
    brand, settings, title_way, django_assert_num_queries
):
    """The words' counts, the ranked page, the threads shown and their first answers."""
    settings.SODAN_SEMANTIC_SEARCH = False
    for n in range(3):
        thread = ThreadFactory(brand=brand, title=f"Tripod leg {n}", body="x")
        AnswerFactory(thread=thread, body="Tighten the tripod's leg lock.")
    services.outbox_process()
    with django_assert_num_queries(4):
        page = services.threads_search(text="tripod")
    assert len(page.items) == 3


def test_the_ranked_page_is_planned_for_its_words_every_time(brand, settings):
    """Statements are prepared after five runs, and PostgreSQL may then plan one for any
    parameters; the ranked page is planned for its own words each time (a generic plan
    knows neither how common they are nor how far the walk goes), the others stay
    prepared."""
    settings.SODAN_SEMANTIC_SEARCH = False
    ThreadFactory(brand=brand, title="Tripod leg loose", body="x")
    services.outbox_process()
    for _ in range(7):
        assert services.threads_search(text="tripod").total == 1
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    assert not [s for s in prepared if "WITH rare AS MATERIALIZED" in s]
    assert [s for s in prepared if "search_termstatistic" in s]


def test_a_retitled_thread_is_walked_by_its_new_title(brand, monkeypatch, title_way):
    """The walk reads each thread's title words from an index (their own column,
    generated from the document, migration 0010): a thread retitled since it was first
    indexed is among the best-boosted title matches by its new title."""
    monkeypatch.setattr(services, "MAX_RESULTS", 2)
    for n in range(3):
        shared(ThreadFactory(brand=brand, title=f"Tripod leg {n}", body="x"), 1)
    renamed = ThreadFactory(brand=brand, title="Lens cap lost", body="x")
    shared(renamed, 3)
    services.outbox_process()
    renamed.title = "Tripod head stuck"
    renamed.save(update_fields=["title"])
    services.thread_changed(renamed.pk)
    services.outbox_process()
    page = services.threads_search(text="tripod")
    assert page.items[0].thread.pk == renamed.pk
    assert services.threads_search(text="lens").total == 0


def test_a_word_common_everywhere_is_counted_exactly_in_a_brand(brand, count_limit):
    """Past the count's limit the term statistics may stand for the count (they say how
    many threads hold the word), but only for the whole site: a brand's count is its own."""
    from tests.brands.factories import BrandFactory

    other = BrandFactory()
    for n in range(database.COUNT_MARGIN * (count_limit + 1)):
        ThreadFactory(brand=other, title=f"Tripod plate {n}", body="x")
    ours = [ThreadFactory(brand=brand, title=f"Tripod leg {n}", body="x") for n in range(2)]
    services.outbox_process()
    everywhere = services.threads_search(text="tripod")
    assert (everywhere.total, everywhere.total_exact) == (count_limit, False)
    page = services.threads_search(text="tripod", brand_id=brand.pk)
    assert (page.total, page.total_exact) == (2, True)
    assert {i.thread.pk for i in page.items} == {t.pk for t in ours}


def test_the_statistics_stand_for_the_count_only_well_past_the_limit(brand, count_limit):
    """Threads deleted outright leave their words counted until the next rebuild: a word
    the statistics count just past the limit is counted from the threads themselves."""
    threads = [
        ThreadFactory(brand=brand, title=f"Tripod leg {n}", body="x")
        for n in range(database.COUNT_MARGIN * (count_limit + 1) - 1)
    ]
    services.outbox_process()
    for thread in threads[count_limit:]:
        thread.delete()  # the search document goes by cascade, its counts stay
    page = services.threads_search(text="tripod")
    assert (page.total, page.total_exact) == (count_limit, True)


# A filtered search's first matches (its count, up to the limit) are found two ways: by
# reading the filtered threads' words in turn, or, for words few threads hold once the
# filters leave enough threads, from the index of words together with the filters' own
# (_index_from, by the costs below). The threads and the count must not depend on it.
FOUND_WAYS = {
    "read in turn": {"INDEX_BASE_US": 1e12},
    "from the index": {"READ_DOCUMENT_US": 1e9, "INDEX_BASE_US": 0.0, "INDEX_ENTRY_US": 0.0},
}


@pytest.fixture(params=FOUND_WAYS.values(), ids=FOUND_WAYS.keys())
def found_way(request, monkeypatch):
    for name, value in request.param.items():
        monkeypatch.setattr(database, name, value)
    return request.param


def test_a_brand_counts_its_own_matches_however_they_are_found(brand, count_limit, found_way):
    from tests.brands.factories import BrandFactory

    other = BrandFactory()
    for n in range(5):
        ThreadFactory(brand=other, title=f"Tripod plate {n}", body="x")
    ours = [ThreadFactory(brand=brand, title=f"Lens cap {n}", body="x") for n in range(2)]
    AnswerFactory(thread=ours[1], body="The tripod's screw holds it.")
    ThreadFactory(brand=brand, title="Strap buckle", body="x")
    services.outbox_process()
    page = services.threads_search(text="tripod", brand_id=brand.pk)
    assert (page.total, page.total_exact) == (1, True)
    assert [i.thread.pk for i in page.items] == [ours[1].pk]
    assert services.threads_search(text="tripodd", brand_id=brand.pk).total == 0


def test_a_brand_count_stops_past_the_limit_however_it_is_found(
    brand, count_limit, monkeypatch, found_way
):
    """Past the limit the page says "More than", and the threads shown are the best of
    the brand's matches: those with the word in their title."""
    monkeypatch.setattr(services, "MAX_RESULTS", 2)
    for n in range(5):
        thread = ThreadFactory(brand=brand, title=f"Camera wobble {n}", body="x")
        AnswerFactory(thread=thread, body="Use a tripod.")
    titled = [ThreadFactory(brand=brand, title=f"Tripod leg {n}", body="x") for n in range(2)]
    services.outbox_process()
    page = services.threads_search(text="tripod", brand_id=brand.pk)
    assert (page.total, page.total_exact) == (count_limit, False)
    assert {i.thread.pk for i in page.items} == {t.pk for t in titled}


def test_every_word_is_found_beyond_the_ranked_candidates(brand, count_limit, monkeypatch):
    """Whether any thread holds every word (else the page says the results have some of
    them) is asked of every match, not only of those ranked: here the window holds the
    title matches, and the thread with both words has them in an answer."""
    monkeypatch.setattr(services, "MAX_RESULTS", 2)
    for n in range(3):
        shared(ThreadFactory(brand=brand, title=f"Tripod leg {n}", body="x"), 2)
        # Neither word is rare enough for all its threads to be ranked.
        AnswerFactory(thread=ThreadFactory(brand=brand, title=f"Lens cap {n}"), body="A plate.")
    both = ThreadFactory(brand=brand, title="Camera wobbles", body="x")
    AnswerFactory(thread=both, body="The tripod's mount plate was loose.")
    services.outbox_process()
    for brand_id in (None, brand.pk):
        page = services.threads_search(text="tripod plate", brand_id=brand_id)
        assert page.matched_all_terms, brand_id
        assert both.pk not in {i.thread.pk for i in page.items}
    assert not services.threads_search(text="tripod buckle", brand_id=brand.pk).matched_all_terms
