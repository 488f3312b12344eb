"""Workers are supervised: deploy/supervisord.conf starts gunicorn, a Celery worker pool per
queue and beat, and starts a worker again when it is killed; the new worker delivers new
messages.

The systemd units in deploy/systemd/ say the same to systemd (Restart=always); they are
checked here for that, since no test can run systemd itself.
"""

from __future__ import annotations

import configparser
import contextlib
import os
import signal
import subprocess
import uuid

import pytest

from tests.faults.conftest import BIN, REPO, Process, wait_until

CONF = REPO / "deploy" / "supervisord.conf"
# One worker pool per queue (settings.CELERY_TASK_ROUTES); the email pool delivers the
# answer notifications these tests watch.
QUEUES = ("email", "search", "webhooks", "default")
POOLS = tuple(f"sodan-workers:sodan-worker-{queue}" for queue in QUEUES)
EMAIL_POOL = POOLS[0]


def _ctl(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(  # noqa: S603 - our own binary and arguments
        [str(BIN / "supervisorctl"), "-c", str(CONF), *args],
        env=env, capture_output=True, text=True, timeout=30, check=False,
    )  # fmt: skip
    return done.stdout.strip()


def _pid(env: dict[str, str], program: str) -> int:
    text = _ctl(env, "pid", program)
    return int(text) if text.isdigit() else 0


@pytest.fixture
def supervised(sodan_factory, tmp_path):
    """Sodan's processes under supervisord, around the harness's Redis, database and mail
    server; supervisord and everything it started are gone after the test."""
    if not (BIN / "supervisord").exists():
        pytest.skip("supervisor is not installed (`make install` installs the dev extra)")
    sodan = sodan_factory(app=False, worker=False, SODAN_OUTBOX_BROKER_BACKOFF_SECONDS="2")
    run = tmp_path / "run"
    run.mkdir()
    env = {
        **sodan.env,
        "SODAN_RUN_DIR": str(run),
        "SODAN_BIND": f"127.0.0.1:{sodan.port}",
        "GUNICORN_CMD_ARGS": "--workers 1 --threads 2 --no-control-socket",
    }
    supervisord = Process("supervisord", [str(BIN / "supervisord"), "-c", str(CONF)], env,
                          run / "supervisord.out").start()  # fmt: skip
    sodan.processes.append(supervisord)
    sodan.run_dir, sodan.ctl_env = run, env
    try:
        yield sodan
    finally:
        children = [_pid(env, name) for name in ("sodan-web", *POOLS, "sodan-beat")]
        supervisord.stop(grace=30)
        for pid in filter(None, children):
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(pid, signal.SIGKILL)
        for log in sorted(run.glob("*.log")):
            (tmp_path / f"supervised-{log.name}").write_text(log.read_text(errors="replace"))


def _ready_count(sodan) -> int:
    log = sodan.run_dir / "sodan-worker-email.log"
    return log.read_text(errors="replace").count(" ready.") if log.exists() else 0


def _notified(sodan, marker: str) -> bool:
    rows = sodan.answers(marker)
    return bool(rows) and bool(sodan.notifications(f"answer_posted:{rows[0][0]}"))


@pytest.mark.faults
def test_supervisord_restarts_a_killed_worker_which_then_delivers(supervised):
    sodan, env = supervised, supervised.ctl_env
    wait_until(lambda: _ready_count(sodan) >= 1, timeout=90, what="the supervised worker")
    wait_until(lambda: "RUNNING" in _ctl(env, "status", "sodan-beat"), timeout=30,
               what="beat to run")  # fmt: skip
    wait_until(lambda: "RUNNING" in _ctl(env, "status", "sodan-web"), timeout=30,
               what="gunicorn to run")  # fmt: skip
    first = _pid(env, EMAIL_POOL)
    assert first

    marker = f"supervised-{uuid.uuid4().hex[:8]}"
    assert sodan.post_answer(sodan.browser("ken"), marker).status == 302
    wait_until(lambda: _notified(sodan, marker), timeout=60, what="the first worker's delivery")

    os.kill(first, signal.SIGKILL)
    wait_until(
        lambda: _pid(env, EMAIL_POOL) not in (0, first) and _ready_count(sodan) >= 2,
        timeout=90, what="supervisord to start a new worker",
    )  # fmt: skip

    marker = f"after-kill-{uuid.uuid4().hex[:8]}"
    assert sodan.post_answer(sodan.browser("aki"), marker).status == 302
    wait_until(lambda: _notified(sodan, marker), timeout=60, what="the new worker's delivery")
    assert "RUNNING" in _ctl(env, "status", EMAIL_POOL)


@pytest.mark.parametrize("unit", ["sodan-web", "sodan-worker@", "sodan-beat"])
def test_systemd_units_restart_their_process_for_ever(unit):
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str
    parser.read(REPO / "deploy" / "systemd" / f"{unit}.service")
    assert parser["Service"]["Restart"] == "always"
    assert parser["Unit"]["StartLimitIntervalSec"] == "0"
    assert parser["Service"]["EnvironmentFile"] == "/etc/sodan/sodan.env"
    program = {"sodan-web": "gunicorn community.wsgi", "sodan-worker@": "community worker -Q %i",
               "sodan-beat": "community beat"}[unit]  # fmt: skip
    assert program in parser["Service"]["ExecStart"]


def test_one_worker_pool_per_queue():
    """supervisord runs a pool for each queue a task is routed to, each taking its queue only."""
    from django.conf import settings

    routed = {route["queue"] for route in settings.CELERY_TASK_ROUTES.values()}
    assert routed | {settings.CELERY_TASK_DEFAULT_QUEUE} == set(QUEUES)
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.read(CONF)
    for queue in QUEUES:
        command = parser[f"program:sodan-worker-{queue}"]["command"]
        assert f"worker -Q {queue} " in command
    assert parser["group:sodan-workers"]["programs"].split(",") == [
        f"sodan-worker-{queue}" for queue in QUEUES
    ]
