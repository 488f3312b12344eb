"""A thread page that is not in the cache asks the database for the thread and its page of
answers, and for its cases' markers only when a case was opened on it; the queries are
compiled once per process (community/compiled_queries.py), so every page shows its own
thread, answers, names and badges, and each reader only what they may see."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases import services as case_services
from moderation import services as moderation_services
from moderation.models import ModeratorAppointment
from qa import services
from qa.models import Answer, Thread, Visibility
from tests.brands.factories import MembershipFactory
from tests.community.factories import UserFactory
from tests.qa.factories import AnswerFactory, ThreadFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _rendered_every_time(settings):
    settings.SODAN_PAGE_CACHE = False


def _queries(client, url) -> tuple[list[str], str]:
    client.get(url)  # steady state: what a process remembers between pages is remembered
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return [query["sql"] for query in ctx.captured_queries], response.content.decode()


def _tables(queries: list[str]) -> list[str]:
    """The table each query reads (its first column's: SELECT "qa_thread"."id", ...)."""
    return [sql.split('"', 2)[1] for sql in queries]


def test_a_miss_asks_for_the_thread_and_its_answers_only(client, thread, answer):
    queries, _html = _queries(client, thread.get_absolute_url())
    assert _tables(queries) == ["qa_thread", "qa_answer"]


def test_a_thread_with_a_case_shows_its_marker_for_one_query_more(
    client, thread, brand, customer, other_customer
):
    other = ThreadFactory(brand=brand, author=customer, title="Flash will not fire")
    rep = MembershipFactory(brand=brand, role="rep").user
    case_services.case_open(actor=rep, thread=thread, body="Your order number, please?")
    with_case, html = _queries(client, thread.get_absolute_url())
    without, other_html = _queries(client, other.get_absolute_url())
    assert "data-case-marker" in html and "Continued privately with Hoshino Camera" in html
    assert "data-case-marker" not in other_html
    assert _tables(with_case) == ["qa_thread", "qa_answer", "cases_case"]
    assert _tables(without) == ["qa_thread", "qa_answer"]


def test_opening_a_case_marks_the_thread_a_stale_copy_too(thread, brand):
    rep = MembershipFactory(brand=brand, role="rep").user
    stale = Thread.objects.get(pk=thread.pk)
    case_services.case_open(actor=rep, thread=thread, body="Which lens do you use?")
    assert thread.has_cases and Thread.objects.get(pk=thread.pk).has_cases
    case_services.case_open(
        actor=rep, thread=stale, body="And the body?", customer=_answerer(thread)
    )
    assert Thread.objects.get(pk=thread.pk).has_cases


def _answerer(thread):
    return AnswerFactory(thread=thread).author


def test_pages_rendered_one_after_another_each_show_their_own_people_and_badges(
    client, brand, customer, other_customer
):
    """The same compiled queries, run for one thread after another: names, the accepted,
    official and verified badges, the brand an official answer speaks for."""
    rep = MembershipFactory(brand=brand, role="rep", user__display_name="Rep Aoki").user
    moderator = UserFactory(display_name="Mod Sato")
    ModeratorAppointment.objects.create(user=moderator)
    first = ThreadFactory(brand=brand, author=customer, title="Autofocus hunts at night")
    accepted = AnswerFactory(
        thread=first, author=UserFactory(display_name="Yuki Mori"), body="Use the AF assist."
    )
    services.answer_accept(actor=customer, answer=accepted)
    AnswerFactory(thread=first, author=rep, body="Firmware 2.1 fixes it.")
    second = ThreadFactory(brand=brand, author=other_customer, title="Battery door rattles")
    verified = AnswerFactory(
        thread=second, author=UserFactory(display_name="Taro Kon"), body="Tighten the hinge."
    )
    moderation_services.answer_verify(moderator=moderator, answer=verified, note="Tried it.")

    _queries_first, first_html = _queries(client, first.get_absolute_url())
    _queries_second, second_html = _queries(client, second.get_absolute_url())
    assert "Autofocus hunts at night" in first_html and "Battery door rattles" in second_html
    assert "Yuki Mori" in first_html and "Rep Aoki" in first_html
    assert "Taro Kon" not in first_html and "Yuki Mori" not in second_html
    assert "Accepted by Hana" in first_html and "Official answer · Hoshino Camera" in first_html
    assert "Taro Kon" in second_html and "Verified accurate by Mod Sato" in second_html
    assert "Accepted answer" not in second_html and "Official answer" not in second_html


def test_each_reader_sees_their_own_hidden_answer_and_no_one_else_s(
    client, thread, customer, other_customer
):
    mine = AnswerFactory(thread=thread, author=other_customer, body="Mine, under review.")
    theirs = AnswerFactory(thread=thread, author=customer, body="Hers, under review.")
    Answer.objects.filter(pk__in=[mine.pk, theirs.pk]).update(visibility=Visibility.HIDDEN)
    seen = {}
    for reader in (other_customer, customer, None):
        client.logout()
        if reader is not None:
            client.force_login(reader)
        seen[reader] = client.get(thread.get_absolute_url()).content.decode()
    assert "Mine, under review." in seen[other_customer]
    assert "Hers, under review." not in seen[other_customer]
    assert "Hers, under review." in seen[customer]
    assert "Mine, under review." not in seen[customer]
    assert "under review." not in seen[None]


def test_a_hidden_thread_is_found_by_its_author_only(client, thread, customer, other_customer):
    Thread.objects.filter(pk=thread.pk).update(visibility=Visibility.HIDDEN)
    assert client.get(thread.get_absolute_url()).status_code == 404
    client.force_login(other_customer)
    assert client.get(thread.get_absolute_url()).status_code == 404
    client.force_login(customer)
    assert client.get(thread.get_absolute_url()).status_code == 200
