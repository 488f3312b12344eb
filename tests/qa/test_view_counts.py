"""Page views added by one process at a time on PostgreSQL (qa/view_counts.py): a process
that finds another adding its tally keeps its own and tries again a few seconds later, so
two processes never deadlock over the same threads."""

import logging
import time

import psycopg
import pytest
from django.db import connection

from qa import view_counts

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
]


@pytest.fixture
def another_process_adding():
    """Another process in the middle of adding its tally: it holds the flush's lock."""
    database = connection.settings_dict
    other = psycopg.connect(
        dbname=database["NAME"],
        user=database["USER"],
        password=database["PASSWORD"],
        host=database["HOST"],
        port=database["PORT"] or 5432,
    )
    other.execute("BEGIN")
    other.execute("SELECT pg_advisory_xact_lock(%s)", [view_counts.FLUSH_LOCK])
    yield other
    other.rollback()
    other.close()


def test_a_process_that_finds_another_adding_keeps_its_tally(thread, another_process_adding):
    for _n in range(3):
        view_counts.record(thread.pk)
    with pytest.raises(view_counts.Busy):
        view_counts.flush()
    assert view_counts.pending() == {thread.pk: 3}
    thread.refresh_from_db()
    assert thread.view_count == 0
    another_process_adding.rollback()  # its turn is over
    assert view_counts.flush() == 3
    thread.refresh_from_db()
    assert thread.view_count == 3


def test_a_view_due_while_another_adds_tries_again_soon_without_a_warning(
    thread, another_process_adding, settings, caplog
):
    settings.SODAN_VIEW_COUNT_FLUSH_SECONDS = 60
    view_counts._last_flush = time.monotonic() - 61
    with caplog.at_level(logging.WARNING, logger="qa.view_counts"):
        view_counts.record(thread.pk)
    assert caplog.records == []
    assert view_counts.pending() == {thread.pk: 1}
    waited = time.monotonic() - view_counts._last_flush
    assert 60 - view_counts.RETRY_SECONDS - 1 < waited < 60  # due again in a few seconds
    another_process_adding.rollback()
    view_counts._last_flush -= view_counts.RETRY_SECONDS
    view_counts.record(thread.pk)
    thread.refresh_from_db()
    assert thread.view_count == 2
    assert view_counts.pending() == {}
