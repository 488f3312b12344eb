"""Writes to the outbox: send a message, deliver one, sweep what waits, prune what is done.

- `message_send(task, *args)`: called by any service inside the transaction of the change
  a side effect reports. The row commits or rolls back with the change; after commit a
  kick (outbox.publish, never blocking the request) asks a worker to deliver it, or
  delivers it in-process in eager mode.
- `deliver(message_id)`: claim the row (a lease, taken with one conditional UPDATE), run
  the task's function in-process, mark it done; a failure is recorded and retried with
  exponential backoff, and given up after SODAN_OUTBOX_MAX_ATTEMPTS. A message that is done
  never runs again.
- `sweep()`: deliver, in batches, every message that is due: its kick never arrived, its
  backoff has passed, or its deliverer died holding the lease.
- `outbox_prune()`: forget delivered messages after a week.

Delivery is at least once, so every task sent here is idempotent on its receiving end
(one notification per recipient and key, an e-mail once).
"""

from __future__ import annotations

import datetime as dt
import importlib
import json
import logging
import time
from dataclasses import dataclass
from functools import partial
from typing import Any

from celery import Task, current_app
from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from .models import Message

logger = logging.getLogger(__name__)

# The sweep leaves a fresh message this long to its kick before delivering it itself.
KICK_GRACE = dt.timedelta(seconds=10)
# A deliverer holds a message for SODAN_OUTBOX_LEASE_SECONDS (five minutes); one that
# died is replaced after it.
# Backoff after the n-th failure: 30 s, 1, 2, 4, 8… minutes, at most an hour.
BACKOFF_BASE_SECONDS = 30
BACKOFF_CAP = dt.timedelta(hours=1)
SWEEP_BATCH = 50
# A sweep stops taking new batches after this long, well inside the visibility timeout;
# the next sweep goes on.
SWEEP_BUDGET_SECONDS = 120.0
PRUNE_AFTER = dt.timedelta(days=7)


def task_named(name: str) -> Task:
    """The registered task of that name, importing its module if no one has yet."""
    tasks = current_app.tasks
    if name not in tasks:
        importlib.import_module(name.rsplit(".", 1)[0])
    return tasks[name]


def message_send(task: Task | str, *args: Any) -> Message:
    """Record that `task(*args)` must run once the caller's transaction commits.

    The arguments must be plain JSON (ids, short strings). A task declared with
    `outbox_secret=True` carries a secret in them (an invitation token): the row says so,
    the admin never shows them, and they are erased once the message is delivered."""
    name = task if isinstance(task, str) else task.name
    target = task_named(name)
    json.dumps(args)  # refuse what cannot be stored, here rather than at delivery
    with transaction.atomic():
        message = Message.objects.create(
            task=name,
            args=list(args),
            secret=bool(getattr(target, "outbox_secret", False)),
            next_attempt_at=timezone.now() + KICK_GRACE,
        )
    transaction.on_commit(partial(_kick, message.pk, name), robust=True)
    return message


def pending_args(task: Task | str) -> set[tuple]:
    """The arguments of the task's messages still to deliver, for a caller that would
    otherwise queue the same work again (a periodic check)."""
    name = task if isinstance(task, str) else task.name
    return {tuple(args) for args in Message.objects.pending().filter(task=name).values_list(
        "args", flat=True)}  # fmt: skip


def _kick(message_id: int, task_name: str = "") -> None:
    """Ask a worker to deliver the message, on the queue of the task it runs: a webhook is
    delivered by the webhooks pool, an e-mail by the email pool (settings.CELERY_TASK_ROUTES)."""
    from community.celery import queue_for

    from . import tasks
    from .publish import publish

    if tasks.deliver.app.conf.task_always_eager:
        deliver(message_id)  # in-process, right after commit, as eager tasks ran
    else:
        publish(tasks.deliver, message_id, queue=queue_for(task_name) if task_name else None)


def backoff(attempts: int) -> dt.timedelta:
    """The wait after the `attempts`-th failure."""
    return min(dt.timedelta(seconds=BACKOFF_BASE_SECONDS * 2 ** min(attempts - 1, 20)), BACKOFF_CAP)


def lease_duration() -> dt.timedelta:
    return dt.timedelta(seconds=settings.SODAN_OUTBOX_LEASE_SECONDS)


def _claimable(now: dt.datetime) -> Q:
    return Q(done_at__isnull=True, failed_at__isnull=True) & (
        Q(claimed_until__isnull=True) | Q(claimed_until__lte=now)
    )


def _claim(message_id: int, now: dt.datetime, *, due_only: bool) -> dt.datetime | None:
    """Take the lease with one conditional UPDATE; the lease's end is the claim's token.
    A kick may deliver a fresh message before its grace is over, never one in backoff."""
    lease = now + lease_duration()
    due = Q(next_attempt_at__lte=now) if due_only else Q(attempts=0) | Q(next_attempt_at__lte=now)
    claimed = Message.objects.filter(_claimable(now) & due, pk=message_id).update(
        claimed_until=lease
    )
    return lease if claimed else None


def deliver(message_id: int, *, now: dt.datetime | None = None) -> str:
    """Deliver one message if it is free: "done", "retry", "failed" (given up) or
    "skipped" (done already, given up, held by another deliverer, or waiting its backoff)."""
    now = now or timezone.now()
    lease = _claim(message_id, now, due_only=False)
    if lease is None:
        return "skipped"
    return _run(Message.objects.get(pk=message_id), lease, now)


def _run(message: Message, lease: dt.datetime, now: dt.datetime) -> str:
    try:
        task_named(message.task)(*message.args)
    except Exception as error:
        return _failed(message, lease, now, error)
    Message.objects.filter(pk=message.pk, done_at__isnull=True).update(
        done_at=timezone.now(),
        claimed_until=None,
        **({"args": []} if message.secret else {}),
    )
    return "done"


def _failed(message: Message, lease: dt.datetime, now: dt.datetime, error: Exception) -> str:
    attempts = message.attempts + 1
    given_up = attempts >= settings.SODAN_OUTBOX_MAX_ATTEMPTS
    changes: dict[str, Any] = {
        "attempts": F("attempts") + 1,
        "last_error": f"{type(error).__name__}: {error}"[:2000],
        "claimed_until": None,
        "next_attempt_at": now + backoff(attempts),
    }
    if given_up:
        changes["failed_at"] = timezone.now()
        if message.secret:
            changes["args"] = []
    # Only the holder of the lease records the outcome (a deliverer that outlived its lease
    # leaves the message to the one that took it over).
    Message.objects.filter(pk=message.pk, claimed_until=lease, done_at__isnull=True).update(
        **changes
    )
    if given_up:
        logger.error(
            "Outbox message %s (%s) given up after %s attempts: %s",
            message.pk, message.task, attempts, changes["last_error"],
        )  # fmt: skip
        return "failed"
    logger.warning(
        "Outbox message %s (%s) failed (attempt %s); retried in %s",
        message.pk, message.task, attempts, backoff(attempts), exc_info=error,
    )  # fmt: skip
    return "retry"


@dataclass
class SweepResult:
    done: int = 0
    retried: int = 0
    failed: int = 0

    @property
    def delivered(self) -> int:
        return self.done


def _claim_batch(now: dt.datetime, limit: int, *, fresh: bool) -> list[tuple[Message, dt.datetime]]:
    """Pick and lease up to `limit` due messages. On PostgreSQL the pick skips rows another
    sweep is leasing at that moment (SELECT … FOR UPDATE SKIP LOCKED); everywhere the
    conditional UPDATE decides, so a message is held by one deliverer at a time."""
    due_now = Q(next_attempt_at__lte=now) | Q(attempts=0) if fresh else Q(next_attempt_at__lte=now)
    with transaction.atomic():
        due = Message.objects.filter(_claimable(now) & due_now)
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        candidates = list(due.order_by("next_attempt_at", "id")[:limit])
        claimed = []
        for message in candidates:
            lease = _claim(message.pk, now, due_only=not fresh)
            if lease is not None:
                claimed.append((message, lease))
    return claimed


def sweep(
    *, now: dt.datetime | None = None, fresh: bool = False, batch: int = SWEEP_BATCH
) -> SweepResult:
    """Deliver every due message, a batch at a time, until none is left or the sweep's
    time is up. `fresh`: also the messages written in the last few seconds, whose kick may
    still be on its way (an operator's sweep after an outage). `now` lets tests and
    operators look ahead past a backoff."""
    result = SweepResult()
    deadline = time.monotonic() + SWEEP_BUDGET_SECONDS
    while time.monotonic() < deadline:
        claimed = _claim_batch(now or timezone.now(), batch, fresh=fresh)
        if not claimed:
            break
        for message, lease in claimed:
            outcome = _run(message, lease, now or timezone.now())
            if outcome == "done":
                result.done += 1
            elif outcome == "retry":
                result.retried += 1
            else:
                result.failed += 1
    return result


def outbox_prune(*, older_than: dt.timedelta = PRUNE_AFTER) -> int:
    """Forget messages delivered more than `older_than` ago; given-up ones stay."""
    deleted, _ = Message.objects.filter(done_at__lt=timezone.now() - older_than).delete()
    return deleted
