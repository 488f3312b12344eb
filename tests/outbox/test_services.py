"""The outbox: a side effect is a row written with the change it reports, delivered after
commit, retried with backoff, given up after too many attempts, and never run again once
done (outbox.services)."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from community.models import Notification
from outbox import services
from outbox.models import Message
from qa import services as qa_services
from qa.models import Answer
from tests.outbox import tasks

pytestmark = pytest.mark.django_db

RECORD = "tests.outbox.tasks.record"


def _written(*args) -> Message:
    """A message as a service writes it, outside any kick (no commit runs in these tests)."""
    return services.message_send(RECORD, *args)


def test_the_message_is_written_in_the_changes_transaction(thread, other_customer):
    with pytest.raises(RuntimeError), transaction.atomic():
        qa_services.answer_create(author=other_customer, thread=thread, body="Hold it 10 s")
        assert Message.objects.filter(task="community.tasks.notify_answer_posted").exists()
        raise RuntimeError("the request failed after the answer was written")
    assert not Answer.objects.exists()
    assert not Message.objects.exists()
    assert not Notification.objects.exists()


def test_the_kick_delivers_after_commit(thread, customer, other_customer, committed):
    with committed():
        answer = qa_services.answer_create(author=other_customer, thread=thread, body="Reseat it")
        message = Message.objects.get(task="community.tasks.notify_answer_posted")
        assert message.args == [answer.pk] and message.done_at is None
        assert not Notification.objects.exists()  # nothing before the commit
    message.refresh_from_db()
    assert message.done_at is not None and message.attempts == 0
    [notice] = Notification.objects.all()
    assert (notice.recipient, notice.dedupe_key) == (customer, f"answer_posted:{answer.pk}")


def test_a_failing_delivery_is_retried_with_backoff_and_never_repeated(caplog):
    tasks.FAILURES_LEFT["mail"] = 2
    message = _written("mail")
    start = timezone.now()
    assert services.deliver(message.pk, now=start) == "retry"
    message.refresh_from_db()
    assert (message.attempts, message.claimed_until, message.done_at) == (1, None, None)
    assert "the mail server is away" in message.last_error
    assert message.next_attempt_at == start + dt.timedelta(seconds=30)
    # Not before its backoff, neither by a sweep nor by a second kick.
    assert services.sweep(now=start + dt.timedelta(seconds=29)).retried == 0
    assert services.deliver(message.pk, now=start + dt.timedelta(seconds=29)) == "skipped"
    assert tasks.RUNS["mail"] == 1
    later = start + dt.timedelta(seconds=31)
    assert services.sweep(now=later).retried == 1
    message.refresh_from_db()
    assert message.next_attempt_at == later + dt.timedelta(seconds=60)  # twice as long
    even_later = later + dt.timedelta(seconds=61)
    assert services.sweep(now=even_later).done == 1
    assert tasks.RUNS["mail"] == 3
    # Done: no sweep, kick or redelivered task runs it again.
    assert services.sweep(now=even_later + dt.timedelta(days=1)).done == 0
    assert services.deliver(message.pk) == "skipped"
    assert tasks.RUNS["mail"] == 3
    message.refresh_from_db()
    assert message.done_at is not None and message.attempts == 2


def test_backoff_doubles_up_to_an_hour():
    waits = [services.backoff(n).total_seconds() for n in range(1, 10)]
    assert waits == [30, 60, 120, 240, 480, 960, 1920, 3600, 3600]


def test_a_message_is_given_up_after_the_last_attempt_and_kept(settings, caplog):
    settings.SODAN_OUTBOX_MAX_ATTEMPTS = 3
    tasks.FAILURES_LEFT["mail"] = 99
    message = _written("mail")
    now = timezone.now()
    with caplog.at_level(logging.ERROR, logger="outbox.services"):
        services.deliver(message.pk, now=now)
        for _ in range(4):
            now += dt.timedelta(hours=2)
            services.sweep(now=now)
    assert tasks.RUNS["mail"] == 3
    message.refresh_from_db()
    assert message.failed_at is not None and message.done_at is None and message.attempts == 3
    assert Message.objects.failed().get() == message and not Message.objects.pending().exists()
    assert "given up after 3 attempts" in caplog.text


def test_a_lease_held_by_a_dead_deliverer_is_taken_over_after_it_expires():
    message = _written("mail")
    now = timezone.now()
    # A worker claims the message and dies before it finishes: the row stays leased.
    assert services._claim(message.pk, now, due_only=False) is not None
    assert services.deliver(message.pk, now=now) == "skipped"
    assert services.sweep(now=now + dt.timedelta(minutes=1)).done == 0
    assert tasks.RUNS["mail"] == 0
    assert services.sweep(now=now + services.lease_duration() + dt.timedelta(seconds=1)).done == 1
    assert tasks.RUNS["mail"] == 1
    message.refresh_from_db()
    assert message.done_at is not None and message.claimed_until is None


def test_the_sweep_leaves_a_fresh_message_to_its_kick_for_a_few_seconds():
    message = _written("mail")
    assert services.sweep().done == 0
    assert services.sweep(now=message.next_attempt_at).done == 1
    assert tasks.RUNS["mail"] == 1


def test_the_command_sweeps_once_and_says_how_many(capsys):
    for key in ("a", "b", "c"):
        _written(key)
    tasks.FAILURES_LEFT["c"] = 1
    call_command("outbox_sweep")
    out = capsys.readouterr().out
    assert "Delivered 2 outbox messages (1 to retry, 0 given up; 1 pending)" in out
    assert dict(tasks.RUNS) == {"a": 1, "b": 1, "c": 1}
    call_command("outbox_sweep")  # c waits for its backoff
    assert "Delivered 0 outbox messages" in capsys.readouterr().out


def test_done_messages_are_pruned_after_a_week():
    old, recent, waiting = _written("a"), _written("b"), _written("c")
    Message.objects.filter(pk=old.pk).update(done_at=timezone.now() - dt.timedelta(days=8))
    Message.objects.filter(pk=recent.pk).update(done_at=timezone.now() - dt.timedelta(days=6))
    assert services.outbox_prune() == 1
    assert set(Message.objects.values_list("pk", flat=True)) == {recent.pk, waiting.pk}


def test_an_unknown_task_is_refused_when_written():
    with pytest.raises(ModuleNotFoundError):
        services.message_send("nowhere.tasks.nothing", 1)


def test_the_sweep_is_scheduled_and_outbox_tasks_go_to_the_email_queue():
    schedule = {entry["task"]: entry for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert schedule["outbox.tasks.sweep"]["schedule"] == settings.SODAN_OUTBOX_SWEEP_SECONDS
    assert "outbox.tasks.prune" in schedule
    assert settings.CELERY_TASK_ROUTES["outbox.tasks.*"] == {"queue": "email"}


def test_the_admin_lists_messages_by_state(client, django_user_model):
    staff = django_user_model.objects.create_superuser("root", "root@example.com", "pw")
    client.force_login(staff)
    done, waiting = _written("a"), _written("b")
    Message.objects.filter(pk=done.pk).update(done_at=timezone.now())
    response = client.get("/django-admin/outbox/message/?state=pending")
    assert response.status_code == 200
    listed = [m.pk for m in response.context["cl"].result_list]
    assert listed == [waiting.pk]
    assert len(mail.outbox) == 0
