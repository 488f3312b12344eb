"""A thread's answers come in pages: the first leads with the answers people look for
(accepted, official, verified, most helpful), later pages never repeat them, every link to
an answer lands on the page that shows it, and each page is cached and dropped with the
thread."""

import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from community.models import Notification
from moderation import services as moderation_services
from moderation.models import ModeratorAppointment
from qa import services
from qa.models import Answer, Thread
from tests.brands.factories import MembershipFactory
from tests.community.factories import UserFactory
from tests.qa.factories import AnswerFactory, ThreadFactory

pytestmark = pytest.mark.django_db

CACHE = "X-Sodan-Cache"
PER_PAGE = 7


def _shown(response) -> list[int]:
    """The answers a page shows, in order."""
    return [
        int(pk)
        for pk in re.findall(
            r'<article class="answer[^"]*" id="answer-(\d+)"', response.content.decode()
        )
    ]


def _page(client, thread, number: int):
    url = thread.get_absolute_url() + (f"?page={number}" if number > 1 else "")
    return client.get(url)


@pytest.fixture
def long_thread(settings, brand, customer):
    """Sixteen answers, seven a page (three pages): one accepted, one verified, one
    official, four voted helpful (2, 1, 1, 1 votes), nine plain; oldest first."""
    settings.SODAN_ANSWERS_PER_PAGE = PER_PAGE
    thread = ThreadFactory(author=customer, brand=brand, title="Shutter sticks in the cold")
    answers = [
        AnswerFactory(thread=thread, author=UserFactory(username=f"answerer-{i}"), body=f"Try {i}.")
        for i in range(15)
    ]
    rep = MembershipFactory(brand=brand, role="rep", user__username="brand-rep").user
    official = AnswerFactory(thread=thread, author=rep, body="A fix ships in 3.1.")
    answers.append(official)
    services.answer_accept(actor=customer, answer=answers[14])
    moderator = UserFactory(username="neutral-moderator")
    ModeratorAppointment.objects.create(user=moderator)
    moderation_services.answer_verify(moderator=moderator, answer=answers[13], note="Tested.")
    voters = [UserFactory(username=f"voter-{i}") for i in range(2)]
    for voter in voters:
        services.answer_vote_toggle(user=voter, answer=answers[10])
    for index in (9, 8, 7):
        services.answer_vote_toggle(user=voters[0], answer=answers[index])
    thread.refresh_from_db()
    thread.fixture_answers = answers
    return thread


def test_the_first_page_leads_with_the_pinned_answers_and_no_later_page_repeats_one(
    client, long_thread
):
    a = long_thread.fixture_answers
    pages = [_shown(_page(client, long_thread, number)) for number in (1, 2, 3)]
    # Accepted, verified, then by helpful votes: the official answer, the top three voted
    # (2 votes; the two older of the three with one vote), then the rest in reading order.
    pinned = [a[14].pk, a[13].pk, a[10].pk, a[7].pk, a[8].pk, a[15].pk]
    assert pages[0][:6] == pinned
    assert pages[0][6] == a[9].pk  # the one-vote answer that was not in the top three
    assert [len(page) for page in pages] == [7, 7, 2]
    everything = [pk for page in pages for pk in page]
    assert sorted(everything) == sorted(answer.pk for answer in a)  # each shown exactly once
    assert not set(pinned) & set(pages[1] + pages[2])


def test_every_page_says_the_threads_answer_count(client, long_thread):
    for number in (1, 3):
        assert "16 answers" in _page(client, long_thread, number).content.decode()


def test_the_page_links_are_plain_links_with_the_current_page_marked(client, long_thread):
    path = long_thread.get_absolute_url()
    first = _page(client, long_thread, 1).content.decode()
    nav = first.split('<nav class="pagination answer-pages" aria-label="Pages of answers">')[1]
    nav = nav.split("</nav>")[0]
    assert f'<a href="{path}#answers" aria-current="page">' in nav
    assert f'<a rel="next" href="{path}?page=2#answers">' in nav
    assert f'href="{path}?page=3#answers"' in nav
    assert 'rel="prev"' not in nav
    second = _page(client, long_thread, 2).content.decode()
    nav = second.split('aria-label="Pages of answers">')[1].split("</nav>")[0]
    assert f'<a rel="prev" href="{path}#answers">' in nav
    assert f'<a rel="next" href="{path}?page=3#answers">' in nav
    assert f'<a href="{path}?page=2#answers" aria-current="page">' in nav
    assert f'<link rel="canonical" href="http://testserver{path}?page=2">' in second
    # Following a link, as a browser without JavaScript does, shows that page.
    link = re.search(r'<a rel="next" href="([^"#]+)#answers">', nav).group(1)
    assert len(_shown(client.get(link))) == 2


def test_a_thread_of_one_page_has_no_page_links(client, thread, answer):
    assert "Pages of answers" not in client.get(thread.get_absolute_url()).content.decode()


@pytest.mark.parametrize("page", ["4", "0", "-1", "abc", "02", "1.5", "9999999"])
def test_a_page_past_the_last_or_malformed_is_not_found(client, long_thread, page):
    assert client.get(f"{long_thread.get_absolute_url()}?page={page}").status_code == 404


def test_page_one_by_number_redirects_to_the_threads_own_address(client, long_thread):
    response = client.get(f"{long_thread.get_absolute_url()}?page=1")
    assert response.status_code == 301
    assert response["Location"] == long_thread.get_absolute_url()


def test_a_wrong_slug_keeps_the_page(client, long_thread):
    response = client.get(reverse("qa:thread", args=[long_thread.pk, "old-title"]) + "?page=2")
    assert response.status_code == 301
    assert response["Location"] == f"{long_thread.get_absolute_url()}?page=2"


def test_an_answers_address_names_its_page(long_thread):
    a = long_thread.fixture_answers
    path = long_thread.get_absolute_url()
    assert Answer.objects.get(pk=a[14].pk).get_absolute_url() == f"{path}#answer-{a[14].pk}"
    last = Answer.objects.select_related("thread").get(pk=a[12].pk)
    with CaptureQueriesContext(connection) as ctx:
        assert last.get_absolute_url() == f"{path}?page=3#answer-{last.pk}"
    assert len(ctx.captured_queries) == 1


def test_a_short_thread_names_no_page_and_asks_nothing(thread, answer):
    answer = Answer.objects.select_related("thread").get(pk=answer.pk)
    with CaptureQueriesContext(connection) as ctx:
        assert answer.get_absolute_url() == f"{thread.get_absolute_url()}#answer-{answer.pk}"
    assert ctx.captured_queries == []


def test_a_notification_about_an_answer_on_page_three_lands_on_page_three(
    client, long_thread, customer
):
    answer = long_thread.fixture_answers[12]
    notification = Notification.objects.filter(recipient=customer, answer=answer).first()
    if notification is None:  # the asker is told of each new answer; make sure of this one
        notification = Notification.objects.create(
            recipient=customer,
            kind="answer_posted",
            thread=long_thread,
            answer=answer,
            dedupe_key=f"test:{answer.pk}",
        )
    client.force_login(customer)
    response = client.get(reverse("community:notification_open", args=[notification.pk]))
    assert response["Location"] == f"{long_thread.get_absolute_url()}?page=3#answer-{answer.pk}"
    landed = client.get(response["Location"].split("#")[0])
    assert answer.pk in _shown(landed)


def test_a_new_answer_lands_on_its_page(client, long_thread, other_customer):
    client.force_login(other_customer)
    response = client.post(
        reverse("qa:answer_create", args=[long_thread.pk]), {"body": "Warm it in a pocket first."}
    )
    answer = Answer.objects.get(body="Warm it in a pocket first.")
    assert response.status_code == 302
    assert response["Location"] == f"{long_thread.get_absolute_url()}?page=3#answer-{answer.pk}"


def test_each_page_is_cached_and_a_new_answer_drops_them_all(client, long_thread):
    for number in (1, 3):
        assert _page(client, long_thread, number)[CACHE] == "miss"
    first, third = _page(client, long_thread, 1), _page(client, long_thread, 3)
    assert first[CACHE] == third[CACHE] == "hit"
    assert _shown(first) != _shown(third)
    new = AnswerFactory(thread=long_thread, body="A new idea.")
    for number in (1, 3):
        assert _page(client, long_thread, number)[CACHE] == "miss"
    assert new.pk in _shown(_page(client, long_thread, 3))


def test_a_signed_in_readers_later_page_is_assembled_for_them(client, long_thread):
    voter = type(long_thread.author).objects.get(username="voter-0")
    client.force_login(voter)
    _page(client, long_thread, 2)
    page = _page(client, long_thread, 2)
    assert page[CACHE] == "hit"
    assert len(_shown(page)) == PER_PAGE
    assert "voter-0" in page.content.decode() or voter.public_name in page.content.decode()


def _structured_data(response):
    found = re.search(
        r'<script type="application/ld\+json"[^>]*>(.*?)</script>', response.content.decode(), re.S
    )
    return json.loads(found.group(1)) if found else None


def test_the_first_page_carries_the_question_with_its_answers_and_later_pages_none(
    client, long_thread
):
    data = _structured_data(_page(client, long_thread, 1))
    question = data["mainEntity"]
    assert question["answerCount"] == 16
    accepted = long_thread.fixture_answers[14]
    assert question["acceptedAnswer"]["url"].endswith(f"#answer-{accepted.pk}")
    assert len(question["suggestedAnswer"]) == PER_PAGE - 1
    assert _structured_data(_page(client, long_thread, 2)) is None


# --- Query counts: flat in the number of answers, on every page ------------------------------


def _thread_with(n: int) -> Thread:
    """A thread with `n` published answers, written straight to the table (their content
    does not matter here, only how many there are)."""
    thread = ThreadFactory()
    authors = [UserFactory() for _ in range(5)]
    Answer.objects.bulk_create(
        Answer(
            thread=thread,
            author=authors[i % 5],
            body=f"Answer {i}",
            body_html=f"<p>Answer {i}</p>",
            helpful_count=i % 4,
        )
        for i in range(n)
    )
    Thread.objects.filter(pk=thread.pk).update(answer_count=n)
    thread.refresh_from_db()
    return thread


def _queries(client, url):
    client.get(url)  # steady state: per-person navigation facts are cached after one page
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response.get(CACHE)


@pytest.mark.parametrize("viewer", ["anonymous", "signed in"])
@pytest.mark.parametrize("cached", [False, True], ids=["rendered", "cached"])
def test_query_counts_are_flat_in_the_number_of_answers_on_every_page(
    client, settings, viewer, cached
):
    settings.SODAN_ANSWERS_PER_PAGE = 2  # so that five answers have a page 3 as well
    settings.SODAN_PAGE_CACHE = cached
    if viewer == "signed in":
        client.force_login(UserFactory())
    small, large = _thread_with(5), _thread_with(300)
    counts = {}
    for thread in (small, large):
        for number in (1, 3):
            url = thread.get_absolute_url() + (f"?page={number}" if number > 1 else "")
            counts[thread.answer_count, number] = _queries(client, url)
    assert len(set(counts.values())) == 1, counts
    queries, state = counts[300, 3]
    if cached:
        assert state == "hit"
        assert queries == (0 if viewer == "anonymous" else 1)
    else:
        assert queries <= 10


def test_a_full_first_page_costs_what_a_short_one_does(client, settings):
    settings.SODAN_PAGE_CACHE = False
    small, large = _thread_with(5), _thread_with(300)
    assert _queries(client, small.get_absolute_url()) == _queries(client, large.get_absolute_url())
    assert len(_shown(client.get(large.get_absolute_url()))) == settings.SODAN_ANSWERS_PER_PAGE
