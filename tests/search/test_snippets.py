"""Snippets are remembered per process by their text and the query's words
(search.highlight): what a reader sees must be what a fresh analysis would mark."""

import pytest

from qa import services as qa_services
from search import services
from tests.qa.factories import AnswerFactory, ThreadFactory

pytestmark = pytest.mark.django_db


def item(text):
    (found,) = services.threads_search(text=text).items
    return found


def test_each_query_marks_its_own_words_in_the_same_thread(brand):
    thread = ThreadFactory(
        brand=brand, title="バッテリーが充電できない", body="バッテリーを替えても充電が出来ません"
    )
    AnswerFactory(thread=thread, body="充電器を替えると直りました")
    services.outbox_process()
    first = item("充電できない")
    assert "<mark>充電でき</mark>" in first.title.html
    assert "<mark>充電</mark>が<mark>出来</mark>ません" in first.snippet.html  # its spelling
    again = item("充電できない")
    assert (again.title, again.snippet, again.answer_snippet) == (
        first.title,
        first.snippet,
        first.answer_snippet,
    )
    other = item("バッテリー")
    assert "<mark>バッテリー</mark>" in other.title.html
    assert "<mark>充電" not in other.title.html + other.snippet.html
    assert other.answer_snippet is None  # no answer holds the word


def test_an_edited_question_shows_its_new_words(brand):
    thread = ThreadFactory(brand=brand, title="Shutter sticks", body="The shutter is slow.")
    services.outbox_process()
    assert "<mark>shutter</mark> is slow" in item("shutter").snippet.html
    qa_services.thread_edit(
        actor=thread.author,
        thread=thread,
        title="Shutter sticks",
        body="The shutter is stuck.",
        reason="typo",
    )
    services.outbox_process()
    assert "<mark>shutter</mark> is stuck" in item("shutter").snippet.html
