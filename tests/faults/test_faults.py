"""Nothing lost, nothing down: Sodan keeps serving and keeps every message when Redis, the
broker or a worker fails.

Each scenario runs the production processes (tests/faults/conftest.py), breaks one real
part, and checks what people notice: no 500, every post saved once, every notification
delivered exactly once after recovery (in the app and by e-mail), every search update
applied, and the worker alive and working afterwards.
"""

from __future__ import annotations

import re
import time
import uuid

import pytest

from tests.faults.conftest import wait_until

pytestmark = pytest.mark.faults

# Short enough for a test, the same mechanisms as production's defaults.
QUICK_RECOVERY = {"SODAN_OUTBOX_BROKER_BACKOFF_SECONDS": "2"}


def _marker(label: str) -> str:
    return f"{label}-{uuid.uuid4().hex[:8]}"


def _answer_ids(sodan, markers: list[str]) -> list[int]:
    ids = []
    for marker in markers:
        rows = sodan.answers(marker)
        assert len(rows) == 1, f"answer {marker} saved {len(rows)} times"
        ids.append(rows[0][0])
    return ids


def _delivered(sodan, answer_ids: list[int], *, emails: bool = True) -> bool:
    """The asker has a notification of each answer (and as many e-mails, if `emails`)."""
    asker = sodan.seed["people"]["hana"]
    notified = all(
        asker["id"] in [row[0] for row in sodan.notifications(f"answer_posted:{pk}")]
        for pk in answer_ids
    )
    return notified and (not emails or sodan.mail.count(asker["email"]) >= len(answer_ids))


def _sweep_until_delivered(
    sodan, answer_ids: list[int], timeout: float = 60, *, emails: bool = True
) -> None:
    def swept() -> bool:
        sodan.sweep()
        return _delivered(sodan, answer_ids, emails=emails) and not sodan.outbox_counts()["pending"]

    wait_until(swept, timeout=timeout, what="the sweep to deliver every message", every=1)


def test_redis_stopped_while_people_read_and_post(sodan_factory):
    """Redis (cache and broker) goes away for a while: pages keep answering 200 from the
    database, posts are saved, and every notification arrives once after Redis is back."""
    sodan = sodan_factory(**QUICK_RECOVERY)
    visitor, reader = sodan.browser(), sodan.browser("mio")
    markers = [_marker("before")]
    assert sodan.post_answer(sodan.browser("ken"), markers[0]).status == 302
    wait_until(
        lambda: _delivered(sodan, _answer_ids(sodan, markers)) and not sodan.index_pending(),
        timeout=30, what="the first answer's notification and search update",
    )  # fmt: skip
    # Redis stops while the worker is idle: it acknowledges a task just after the task's
    # work commits, and a stop at that instant is the busy worker's scenario, not this one.
    time.sleep(1)
    sodan.redis.stop()
    statuses = []
    for poster in ("aki", "sora", "ken"):
        for path in (sodan.thread_url, "/search/?q=lens", "/"):
            statuses.append((path, visitor.get(path).status))
        statuses.append(("signed-in page", reader.get(sodan.thread_url).status))
        markers.append(_marker(f"outage-{poster}"))
        statuses.append(("post", sodan.post_answer(sodan.browser(poster), markers[-1]).status))
    assert all(status == (302 if what == "post" else 200) for what, status in statuses), statuses
    answer_ids = _answer_ids(sodan, markers)

    sodan.redis.start()
    time.sleep(3)  # past the app's broker backoff: the next post is kicked again
    markers.append(_marker("after"))
    assert sodan.post_answer(sodan.browser("aki"), markers[-1]).status == 302
    wait_until(
        lambda: _delivered(sodan, _answer_ids(sodan, markers[-1:])),
        timeout=40, what="the worker to deliver a post made after Redis came back",
    )  # fmt: skip
    _sweep_until_delivered(sodan, _answer_ids(sodan, markers))
    sodan.assert_delivered_once(_answer_ids(sodan, markers))
    assert answer_ids == _answer_ids(sodan, markers[:-1])
    sodan.assert_worker_alive()


def test_broker_unreachable_posts_succeed_and_the_sweep_delivers(sodan_factory):
    """The broker is down while the cache is up: answers are saved at once, and the
    notifications wait in the outbox until the broker is back and the sweep runs."""
    sodan = sodan_factory(separate_broker=True, **QUICK_RECOVERY)
    sodan.broker.stop()
    markers = [_marker(f"nobroker-{name}") for name in ("ken", "aki", "sora")]
    for name, marker in zip(("ken", "aki", "sora"), markers, strict=True):
        assert sodan.post_answer(sodan.browser(name), marker).status == 302
    assert sodan.browser().get(sodan.thread_url).status == 200
    answer_ids = _answer_ids(sodan, markers)
    assert not _delivered(sodan, answer_ids[:1])
    assert sodan.outbox_counts()["pending"] >= len(answer_ids)

    sodan.broker.start()
    _sweep_until_delivered(sodan, answer_ids)
    sodan.assert_delivered_once(answer_ids)
    sodan.assert_worker_alive()


def test_worker_killed_holding_a_task_its_message_is_delivered_once(sodan_factory):
    """A worker is SIGKILLed while it sends an e-mail (the mail server is slow). Redis hands
    the task it held to the next worker once the visibility timeout has passed, and the
    outbox sweep delivers the message once its lease has run out: one notification, and
    the e-mail the dead worker was sending is sent, once."""
    sodan = sodan_factory(
        mail_delay=30, SODAN_OUTBOX_LEASE_SECONDS="5", SODAN_TASK_VISIBILITY_TIMEOUT="5",
        **QUICK_RECOVERY,
    )  # fmt: skip
    marker = _marker("held")
    assert sodan.post_answer(sodan.browser("ken"), marker).status == 302
    wait_until(lambda: sodan.mail.in_progress, timeout=30, what="the worker to hold the e-mail")
    sodan.worker.kill()
    sodan.mail.delay = 0
    assert sodan.mail.accepted == []
    answer_ids = _answer_ids(sodan, [marker])
    assert sodan.outbox_counts()["pending"] == 1

    time.sleep(6)  # the visibility timeout passes while no worker runs
    sodan.start_worker()
    # The new worker takes back the dead worker's unacknowledged task when it starts.
    wait_until(
        lambda: re.search(r"outbox\.tasks\.deliver\[[^]]+\] succeeded", sodan.worker.output()),
        timeout=30, what="the dead worker's task to come back and run",
    )  # fmt: skip
    _sweep_until_delivered(sodan, answer_ids, emails=False)
    sodan.assert_delivered_once(answer_ids, emails=False)
    sodan.assert_worker_alive()
    assert sodan.mail.count(sodan.seed["people"]["hana"]["email"]) == 1


def test_redis_restarted_without_persistence_the_sweep_delivers_what_waited(sodan_factory):
    """Tasks wait in Redis (no worker runs) when Redis restarts empty: they are gone from
    the broker, and the outbox sweep delivers each message once."""
    sodan = sodan_factory(worker=False, **QUICK_RECOVERY)
    markers = [_marker(f"queued-{name}") for name in ("ken", "aki")]
    for name, marker in zip(("ken", "aki"), markers, strict=True):
        assert sodan.post_answer(sodan.browser(name), marker).status == 302
    answer_ids = _answer_ids(sodan, markers)
    assert sodan.redis.running
    sodan.redis.restart()

    sodan.start_worker()
    time.sleep(2)
    assert not _delivered(sodan, answer_ids[:1]), "the queued tasks survived the restart"
    _sweep_until_delivered(sodan, answer_ids)
    sodan.assert_delivered_once(answer_ids)
    sodan.assert_worker_alive()


def test_busy_worker_survives_a_five_second_redis_outage(sodan_factory):
    """Redis goes away for five seconds while the worker is inside tasks: the worker
    reconnects and goes on delivering (kombu/celery/redis-py pins in pyproject.toml)."""
    sodan = sodan_factory(mail_delay=1, **QUICK_RECOVERY)
    markers = [_marker(f"busy-{name}") for name in ("ken", "aki", "sora", "mio")]
    for name, marker in zip(("ken", "aki", "sora", "mio"), markers, strict=True):
        assert sodan.post_answer(sodan.browser(name), marker).status == 302
    wait_until(lambda: sodan.mail.in_progress, timeout=30, what="the worker to be busy")

    sodan.redis.stop()
    time.sleep(5)
    sodan.redis.start()
    time.sleep(5)
    assert sodan.worker.alive, "the worker died on the Redis outage"

    markers.append(_marker("after-outage"))
    assert sodan.post_answer(sodan.browser("ken"), markers[-1]).status == 302
    wait_until(
        lambda: _delivered(sodan, _answer_ids(sodan, markers[-1:])),
        timeout=60, what="the worker to deliver a message after the outage",
    )  # fmt: skip
    _sweep_until_delivered(sodan, _answer_ids(sodan, markers))
    sodan.assert_delivered_once(_answer_ids(sodan, markers))
    sodan.assert_worker_alive()
