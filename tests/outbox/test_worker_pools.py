"""Celery pools: every task on a named queue, and two real search workers sharing one outbox.

The workers are real `celery worker` processes with a Redis of their own, on the test's
PostgreSQL database; each takes the search outbox rows no other holds (SELECT … FOR UPDATE
SKIP LOCKED) and holds each thread it refreshes, so no thread is indexed twice and no
worker meets a duplicate key.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from celery import Celery
from django.db import connection, connections
from django.utils import timezone

from community.celery import app, queue_for
from search.models import IndexOutbox, ThreadDocument
from tests.qa.factories import ThreadFactory

REPO = Path(__file__).resolve().parents[2]
QUEUES = {"email", "search", "webhooks", "default"}


def test_every_task_has_a_named_queue():
    """Each of Sodan's tasks is routed on purpose; moderation notices and alerts go with
    e-mail, webhook deliveries to their own pool, search to search."""
    app.loader.import_default_modules()
    names = [name for name in app.tasks if not name.startswith(("celery.", "tests."))]
    assert names
    for name in names:
        assert queue_for(name) in QUEUES, name
        routed = any(
            re.fullmatch(pattern.replace(".", r"\.").replace("*", ".*"), name)
            for pattern in app.conf.task_routes
        )
        assert routed or getattr(app.tasks[name], "queue", None), f"{name} has no route"
    assert queue_for("moderation.tasks.notify_moderation_action") == "email"
    assert queue_for("moderation.tasks.alert_crisis") == "email"
    assert queue_for("brands.feedback.tasks.deliver_webhook") == "webhooks"
    assert queue_for("search.tasks.process_outbox") == "search"
    assert queue_for("brands.tasks.response_targets_check") == "default"


def _worker(name: str, env: dict[str, str], log: Path) -> subprocess.Popen:
    argv = [
        str(Path(sys.executable).parent / "celery"), "-A", "community", "worker", "-Q", "search",
        "--pool=prefork", "-c", "2", "-l", "info", "-n", f"{name}@%h", "--without-heartbeat",
        "--without-mingle", "--without-gossip",
    ]  # fmt: skip
    return subprocess.Popen(  # noqa: S603 - our own worker and arguments
        argv, cwd=REPO, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_search_workers_share_one_outbox_without_duplicates(redis_server, tmp_path):
    threads = [ThreadFactory(title=f"Sensor dust after cleaning {n}") for n in range(60)]
    IndexOutbox.objects.all().delete()
    IndexOutbox.objects.bulk_create(
        IndexOutbox(thread_id=thread.pk) for thread in threads for _ in range(3)
    )
    database = connections["default"].settings_dict
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "CELERY_", "PYTEST_", "SODAN_", "DATABASE"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="community.settings",
        PYTHONPATH=str(REPO),
        DATABASE_URL=(
            f"postgres://{database['USER'] or 'postgres'}@{database['HOST'] or '127.0.0.1'}:"
            f"{database['PORT'] or 5432}/{database['NAME']}"
        ),
        CELERY_BROKER_URL=redis_server.url(0),
        CELERY_TASK_ALWAYS_EAGER="0",
        SEARCH_BACKEND="database",
    )
    logs = [tmp_path / "worker1.log", tmp_path / "worker2.log"]
    workers = [_worker(f"search{n + 1}", env, log) for n, log in enumerate(logs)]
    try:
        deadline = time.monotonic() + 90
        while not all(" ready." in log.read_text(errors="replace") for log in logs):
            assert all(w.poll() is None for w in workers), "a worker exited at start"
            assert time.monotonic() < deadline, "the workers did not start"
            time.sleep(0.2)
        publisher = Celery(broker=redis_server.url(0), set_as_current=False)
        for _ in range(12):  # what twelve commits' kicks publish, all at once
            publisher.send_task("search.tasks.process_outbox", queue="search")
        deadline = time.monotonic() + 90
        while IndexOutbox.objects.pending().exists():
            assert time.monotonic() < deadline, "the outbox was not worked off"
            time.sleep(0.2)
        time.sleep(1.0)  # the last tasks report
    finally:
        for worker in workers:
            os.killpg(worker.pid, signal.SIGTERM)
        for worker in workers:
            try:
                worker.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(worker.pid, signal.SIGKILL)
                worker.wait(timeout=10)
    output = "\n".join(log.read_text(errors="replace") for log in logs)
    succeeded = r"process_outbox\[[^\]]+\] succeeded in [^:]+: \((\d+), 0\)"
    refreshed = [int(count) for count in re.findall(succeeded, output)]
    assert len(refreshed) == 12, output[-3000:]
    assert "ERROR" not in output and "Traceback" not in output, output[-3000:]
    assert sum(refreshed) == len(threads)  # each thread indexed once, by one worker
    assert ThreadDocument.objects.count() == len(threads)
    assert not IndexOutbox.objects.filter(done_at__isnull=True).exists()
    assert IndexOutbox.objects.filter(done_at__lte=timezone.now()).count() == 3 * len(threads)
