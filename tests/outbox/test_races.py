"""Deliverers racing for the same messages on PostgreSQL, with real threads and their own
connections: two sweeps, or a sweep and the kicks, run each message once."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections
from django.utils import timezone

from outbox import services
from outbox.models import Message
from tests.outbox import tasks

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
]

MESSAGES = 30


def _waiting(count: int) -> list[int]:
    """Messages written and committed, whose kicks never came."""
    Message.objects.bulk_create(
        Message(
            task="tests.outbox.tasks.record", args=[f"m{n}", 0.01], next_attempt_at=timezone.now()
        )
        for n in range(count)
    )
    return list(Message.objects.values_list("pk", flat=True))


def _together(*jobs) -> list[BaseException]:
    start = threading.Barrier(len(jobs))
    errors: list[BaseException] = []

    def run(job):
        try:
            start.wait()
            job()
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors


def test_two_sweeps_deliver_each_message_once():
    _waiting(MESSAGES)
    results: list[services.SweepResult] = []
    errors = _together(
        lambda: results.append(services.sweep(batch=5)),
        lambda: results.append(services.sweep(batch=5)),
    )
    assert errors == []
    assert sum(r.done for r in results) == MESSAGES
    assert all(r.done for r in results)  # both took a share: they did race
    assert set(tasks.RUNS.values()) == {1} and len(tasks.RUNS) == MESSAGES
    assert Message.objects.done().count() == MESSAGES


def test_a_sweep_and_the_kicks_deliver_each_message_once():
    ids = _waiting(MESSAGES)
    outcomes: list[str] = []
    errors = _together(
        lambda: services.sweep(batch=5),
        lambda: outcomes.extend(services.deliver(pk) for pk in reversed(ids)),
    )
    assert errors == []
    assert "done" in outcomes
    assert set(tasks.RUNS.values()) == {1} and len(tasks.RUNS) == MESSAGES
    assert Message.objects.done().count() == MESSAGES
