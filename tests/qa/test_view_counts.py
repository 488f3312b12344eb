"""Page views added to the threads: every process locks the threads it adds to in the same
order, so two processes adding at once never wait on each other (qa/view_counts.py)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from qa import view_counts
from qa.models import Thread
from tests.qa.factories import ThreadFactory

pytestmark = pytest.mark.django_db


def test_a_flush_adds_each_threads_views():
    first, second = ThreadFactory.create_batch(2)
    for thread_id in (second.pk, first.pk, second.pk):
        view_counts.record(thread_id)

    assert view_counts.flush() == 3

    assert Thread.objects.get(pk=first.pk).view_count == first.view_count + 1
    assert Thread.objects.get(pk=second.pk).view_count == second.view_count + 2
    assert view_counts.pending() == {}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL")
def test_a_flush_locks_its_threads_in_the_order_of_their_ids_before_adding():
    threads = ThreadFactory.create_batch(3)
    for thread in reversed(threads):
        view_counts.record(thread.pk)

    with CaptureQueriesContext(connection) as queries:
        view_counts.flush()

    statements = [query["sql"] for query in queries.captured_queries]
    lock = next(n for n, sql in enumerate(statements) if "FOR UPDATE" in sql)
    update = next(n for n, sql in enumerate(statements) if sql.startswith("WITH tally"))
    assert lock < update
    assert statements[lock].startswith('SELECT "qa_thread"."id"')
    assert "ORDER BY 1 ASC FOR UPDATE" in statements[lock]
