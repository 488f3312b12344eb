"""The fault-injection harness: Sodan as it runs in production, started by the tests.

Each scenario gets a throwaway redis-server (cache and broker), a mail server
(tests/faults/peers.py), a database of its own copied from one migrated and seeded per
session, the app under gunicorn (DEBUG=0, two threads) and a Celery worker (prefork, two
processes), all real subprocesses on free ports. The tests break one of them and drive
Sodan over HTTP as people would, then count what reached the database and the mail server.

The periodic sweeps that beat would run are played with explicit `manage.py outbox_sweep`
calls (and the search outbox's sweep), so no test waits for a schedule.

Every wait is bounded, every subprocess is killed at teardown, and each one's output goes
to a log file that is printed when the test fails.
"""

from __future__ import annotations

import contextlib
import fcntl
import http.cookiejar
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path
from typing import Any

import pytest

from tests.faults.peers import MailServer
from tests.servers import REDIS_SERVER, SKIP_REASON, RedisServer, free_port, wait_for_port

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
SECRET_KEY = "faults-not-a-real-key-" + "x" * 40


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    if REDIS_SERVER is not None:
        return
    skip = pytest.mark.skip(reason=SKIP_REASON)
    for item in items:
        if "faults" in item.keywords:
            item.add_marker(skip)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Any:
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


def wait_until(
    condition: Callable[[], Any], *, timeout: float, what: str, every: float = 0.2
) -> Any:
    """Poll until `condition()` is truthy and return it; fail the test after `timeout` s."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout} s waiting for {what}")
        time.sleep(every)


# --- Databases -----------------------------------------------------------------------------


class Database:
    """One database the test, the app and the worker share: a SQLite file, or a PostgreSQL
    database created for it. `rows(sql)` reads it from the test (placeholders are %s)."""

    def __init__(self, url: str) -> None:
        self.url = url

    @property
    def is_postgres(self) -> bool:
        return self.url.startswith(("postgres://", "postgresql://"))

    def rows(self, sql: str, params: tuple = ()) -> list[tuple]:
        if self.is_postgres:
            import psycopg

            with psycopg.connect(self.url, autocommit=True) as connection:
                return connection.execute(sql, params).fetchall()
        path = self.url.removeprefix("sqlite:///")
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10)
        try:
            return connection.execute(sql.replace("%s", "?"), params).fetchall()
        finally:
            connection.close()

    def execute(self, sql: str, params: tuple = ()) -> None:
        if self.is_postgres:
            import psycopg

            with psycopg.connect(self.url, autocommit=True) as connection:
                connection.execute(sql, params)
            return
        connection = sqlite3.connect(self.url.removeprefix("sqlite:///"), timeout=10)
        try:
            with connection:
                connection.execute(sql.replace("%s", "?"), params)
        finally:
            connection.close()

    def value(self, sql: str, params: tuple = ()) -> Any:
        return self.rows(sql, params)[0][0]


def _admin_url(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit(parts._replace(path="/postgres"))


def _pg_execute(url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(_admin_url(url), autocommit=True) as connection:
        connection.execute(sql)


def _with_db_name(url: str, name: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))


def base_env(**extra: str) -> dict[str, str]:
    """The environment of every Sodan process the harness starts: production settings
    (DEBUG off) over plain HTTP on 127.0.0.1, no beat, no rate limits for new members."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "CELERY_", "PYTEST_", "SODAN_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="community.settings",
        PYTHONPATH=str(REPO),
        PYTHONUNBUFFERED="1",
        DEBUG="0",
        SECRET_KEY=SECRET_KEY,
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        SECURE_SSL_REDIRECT="0",
        SESSION_COOKIE_SECURE="0",
        CSRF_COOKIE_SECURE="0",
        SECURE_HSTS_SECONDS="0",
        STATICFILES_STORAGE="django.contrib.staticfiles.storage.StaticFilesStorage",
        EMAIL_URL="dummymail://",
        SODAN_NEW_MEMBER_DAYS="0",
        SODAN_POSTS_PER_HOUR="1000",
        LOG_LEVEL="INFO",
    )
    env.update(extra)
    return env


@dataclass
class Template:
    """The session's migrated and seeded database, copied for each scenario."""

    url: str
    seed: dict
    dir: Path
    copies: list[str] = field(default_factory=list)

    def copy(self) -> Database:
        name = f"sodan_faults_{uuid.uuid4().hex[:10]}"
        if self.url.startswith("sqlite:///"):
            path = self.dir / f"{name}.sqlite3"
            shutil.copyfile(self.url.removeprefix("sqlite:///"), path)
            return Database(f"sqlite:///{path}")
        _pg_execute(self.url, f'CREATE DATABASE "{name}" TEMPLATE "{self._name}"')
        self.copies.append(name)
        return Database(_with_db_name(self.url, name))

    @property
    def _name(self) -> str:
        return urllib.parse.urlsplit(self.url).path.lstrip("/")

    def drop(self, database: Database) -> None:
        if database.is_postgres:
            name = urllib.parse.urlsplit(database.url).path.lstrip("/")
            _pg_execute(self.url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _migrate_and_seed(url: str, directory: Path) -> dict:
    env = base_env(DATABASE_URL=url, CELERY_TASK_ALWAYS_EAGER="1")
    log = directory / "migrate.log"
    with log.open("w") as out:
        migrate = subprocess.run(
            [sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"],
            cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT, timeout=400, check=False,
        )  # fmt: skip
    if migrate.returncode:
        pytest.fail("migrate failed:\n" + log.read_text()[-4000:])
    seeded = subprocess.run(
        [sys.executable, "-m", "tests.faults.seed"],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    if seeded.returncode:
        pytest.fail("seeding failed:\n" + seeded.stdout[-2000:] + seeded.stderr[-4000:])
    return json.loads(seeded.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="session")
def faults_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Template]:
    """Migrate and seed once per test run: about half a minute, shared by every scenario
    through cheap copies. On SQLite the test processes of a parallel run share one file
    (made under a lock by the first); on PostgreSQL each process makes its own template
    database and drops it at the end."""
    if REDIS_SERVER is None:
        pytest.skip(SKIP_REASON)
    wanted = os.environ.get("DATABASE_URL", "")
    if wanted.startswith(("postgres://", "postgresql://")):
        directory = tmp_path_factory.mktemp("faults-db")
        name = f"sodan_faults_tpl_{os.getpid()}_{uuid.uuid4().hex[:6]}"
        url = _with_db_name(wanted, name)
        _pg_execute(url, f'CREATE DATABASE "{name}"')
        template = Template(url=url, seed={}, dir=directory)
        try:
            template.seed = _migrate_and_seed(url, directory)
            yield template
        finally:
            for copy in template.copies:
                _pg_execute(url, f'DROP DATABASE IF EXISTS "{copy}" WITH (FORCE)')
            _pg_execute(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        return
    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent
    shared = root / "faults-template"
    shared.mkdir(exist_ok=True)
    url = f"sqlite:///{shared / 'template.sqlite3'}"
    with (shared / "lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        seed_file = shared / "seed.json"
        if not seed_file.exists():
            seed_file.write_text(json.dumps(_migrate_and_seed(url, shared)))
        seed = json.loads(seed_file.read_text())
    yield Template(url=url, seed=seed, dir=tmp_path_factory.mktemp("faults-db"))


# --- Processes -----------------------------------------------------------------------------


class Process:
    """A subprocess in its own process group, its output in a log file."""

    def __init__(self, name: str, argv: list[str], env: dict[str, str], log: Path) -> None:
        self.name, self.argv, self.env, self.log = name, argv, env, log
        self.popen: subprocess.Popen | None = None

    def start(self) -> Process:
        out = self.log.open("ab")
        out.write(f"\n=== {time.strftime('%H:%M:%S')} start {self.name}\n".encode())
        out.flush()
        self.popen = subprocess.Popen(  # noqa: S603 - our own binaries and arguments
            self.argv, cwd=REPO, env=self.env, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        out.close()
        return self

    @property
    def pid(self) -> int:
        assert self.popen is not None
        return self.popen.pid

    @property
    def alive(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def kill(self) -> None:
        """SIGKILL the whole group: the machine running it is gone, tasks in hand too."""
        if self.popen is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.popen.pid, signal.SIGKILL)
        self.popen.wait(timeout=10)

    def stop(self, grace: float = 5.0) -> None:
        if self.popen is None:
            return
        if self.popen.poll() is None:
            try:
                os.killpg(self.popen.pid, signal.SIGTERM)
                self.popen.wait(timeout=grace)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                pass
        self.kill()

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


# --- HTTP ----------------------------------------------------------------------------------


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


@dataclass
class Response:
    status: int
    body: str
    location: str = ""


HIDDEN_INPUT = re.compile(r"<input\b[^>]*>", re.I)
ATTRIBUTE = re.compile(r'([\w-]+)="([^"]*)"')


class Browser:
    """A person's browser: a cookie jar and no automatic redirects, so a post's 302 shows."""

    def __init__(self, base: str, session: str = "") -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect
        )
        if session:
            self._set_cookie("sessionid", session)

    def _set_cookie(self, name: str, value: str) -> None:
        self.jar.set_cookie(
            http.cookiejar.Cookie(
                0, name, value, None, False, "127.0.0.1", False, False, "/", True, False,
                None, False, None, None, {},
            )
        )  # fmt: skip

    def request(self, path: str, data: dict | None = None) -> Response:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body)  # noqa: S310 - http to 127.0.0.1
        try:
            with self.opener.open(request, timeout=30) as answer:
                return Response(answer.status, answer.read().decode(errors="replace"))
        except urllib.error.HTTPError as error:
            return Response(
                error.code, error.read().decode(errors="replace"), error.headers.get("Location", "")
            )

    def get(self, path: str) -> Response:
        return self.request(path)

    def form_fields(self, html: str, action_part: str) -> dict[str, str]:
        """The hidden fields of the form whose action contains `action_part` (CSRF token,
        the submission token, whatever the form carries)."""
        start = html.find(action_part)
        assert start != -1, f"no form posting to {action_part} on the page"
        end = html.find("</form>", start)
        fields = {}
        for tag in HIDDEN_INPUT.findall(html[start:end]):
            attributes = dict(ATTRIBUTE.findall(tag))
            if attributes.get("type") == "hidden" and "name" in attributes:
                fields[attributes["name"]] = unescape(attributes.get("value", ""))
        return fields


# --- The stack -----------------------------------------------------------------------------


class Sodan:
    """Sodan's production processes around one database, one Redis and one mail server."""

    def __init__(
        self, *, template: Template, directory: Path, redis: RedisServer,
        broker: RedisServer, mail: MailServer, env: dict[str, str],
    ) -> None:  # fmt: skip
        self.template = template
        self.seed = template.seed
        self.dir = directory
        self.redis = redis
        self.broker = broker
        self.mail = mail
        self.db = template.copy()
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = base_env(
            DATABASE_URL=self.db.url,
            CACHE_URL=redis.url(1),
            CELERY_BROKER_URL=broker.url(0),
            CELERY_TASK_ALWAYS_EAGER="0",
            EMAIL_URL=mail.url(),
            SITE_URL=self.base,
            **env,
        )
        self.processes: list[Process] = []
        self.app: Process | None = None
        self.workers: list[Process] = []

    # processes
    def _process(self, name: str, argv: list[str], env: dict[str, str] | None = None) -> Process:
        process = Process(name, argv, env or self.env, self.dir / f"{name}.log")
        self.processes.append(process)
        return process

    def start_app(self, **env: str) -> Process:
        self.app = self._process(
            "gunicorn",
            [str(BIN / "gunicorn"), "community.wsgi", "--bind", f"127.0.0.1:{self.port}",
             "--workers", "1", "--threads", "2", "--timeout", "60", "--graceful-timeout", "2",
             "--no-control-socket"],
            {**self.env, **env},
        ).start()  # fmt: skip
        wait_for_port(self.port, up=True, timeout=30)
        return self.app

    def worker_argv(self, name: str) -> list[str]:
        return [
            str(BIN / "celery"), "-A", "community", "worker", "-Q", "default,email,search,webhooks",
            "--pool=prefork", "-c", "2", "-l", "info", "-n", f"{name}@%h",
        ]  # fmt: skip

    def start_worker(self) -> Process:
        name = f"worker{len(self.workers) + 1}"
        worker = self._process(name, self.worker_argv(name)).start()
        self.workers.append(worker)
        wait_until(
            lambda: " ready." in worker.output() or not worker.alive,
            timeout=60, what=f"{name} to be ready",
        )  # fmt: skip
        assert worker.alive, f"{name} exited at start"
        return worker

    @property
    def worker(self) -> Process:
        return self.workers[-1]

    def sweep(self) -> str:
        """What beat's periodic sweeps do, once: the outbox's (`manage.py outbox_sweep`)
        and the search outbox's, in one process."""
        return self.python(
            "from django.core.management import call_command; call_command('outbox_sweep'); "
            "from search.tasks import outbox_sweep; print('search', outbox_sweep())"
        )

    def python(self, code: str, timeout: float = 120) -> str:
        """Run `code` in a Django process of its own against the stack's services."""
        script = f"import django; django.setup(); {code}"
        done = subprocess.run(  # noqa: S603
            [sys.executable, "-c", script], cwd=REPO, env=self.env,
            capture_output=True, text=True, timeout=timeout, check=False,
        )  # fmt: skip
        with (self.dir / "manage.log").open("a") as log:
            log.write(f"=== {time.strftime('%H:%M:%S')} {code} -> {done.returncode}\n")
            log.write(done.stdout + done.stderr)
        assert done.returncode == 0, done.stderr[-3000:]
        return done.stdout

    def send_task(self, name: str, task_id: str, queue: str) -> None:
        """Publish a task to the broker as the app does, from the test itself."""
        from celery import Celery

        app = Celery("faults", broker=self.broker.url(0), set_as_current=False)
        try:
            app.send_task(name, task_id=task_id, queue=queue)
        finally:
            app.close()

    def stop(self) -> None:
        """Kill everything at once: what a scenario leaves needs no graceful end."""
        for process in reversed(self.processes):
            process.kill()

    def logs(self) -> str:
        parts = []
        for path in sorted(self.dir.glob("*.log")):
            text = path.read_text(errors="replace")[-6000:]
            parts.append(f"----- {path.name} (last 6000 characters)\n{text}")
        parts.append("----- mail server\n" + "\n".join(self.mail.log))
        outbox = self.db.rows("SELECT * FROM outbox_message")
        notifications = self.db.rows(
            "SELECT recipient_id, dedupe_key, emailed_at FROM community_notification"
        )
        parts.append(f"----- outbox\n{outbox}\n----- notifications\n{notifications}")
        return "\n".join(parts)

    # people
    def browser(self, username: str = "") -> Browser:
        session = self.seed["people"][username]["session"] if username else ""
        return Browser(self.base, session)

    @property
    def thread_url(self) -> str:
        return self.seed["thread"]["url"]

    def post_answer(self, browser: Browser, body: str) -> Response:
        page = browser.get(self.thread_url)
        assert page.status == 200, f"thread page answered {page.status}"
        action = f"/t/{self.seed['thread']['id']}/-/answer/"
        fields = browser.form_fields(page.body, action)
        return browser.request(action, {**fields, "body": body})

    # what reached the database
    def answers(self, body_like: str) -> list[tuple[int, str]]:
        return self.db.rows(
            "SELECT id, body FROM qa_answer WHERE body LIKE %s ORDER BY id", (f"%{body_like}%",)
        )

    def notifications(self, dedupe_key: str) -> list[tuple[int]]:
        return self.db.rows(
            "SELECT recipient_id FROM community_notification WHERE dedupe_key = %s", (dedupe_key,)
        )

    def duplicate_notifications(self) -> list[tuple]:
        return self.db.rows(
            "SELECT recipient_id, dedupe_key, COUNT(*) FROM community_notification "
            "GROUP BY recipient_id, dedupe_key HAVING COUNT(*) > 1"
        )

    def outbox_counts(self) -> dict[str, int]:
        pending, done, failed = self.db.rows(
            "SELECT "
            "SUM(CASE WHEN done_at IS NULL AND failed_at IS NULL THEN 1 ELSE 0 END), "
            "SUM(CASE WHEN done_at IS NOT NULL THEN 1 ELSE 0 END), "
            "SUM(CASE WHEN failed_at IS NOT NULL THEN 1 ELSE 0 END) FROM outbox_message"
        )[0]
        return {"pending": pending or 0, "done": done or 0, "failed": failed or 0}

    def index_pending(self) -> int:
        return self.db.value("SELECT COUNT(*) FROM search_indexoutbox WHERE done_at IS NULL")

    def assert_delivered_once(self, answer_ids: list[int], *, emails: bool = True) -> None:
        """Every answer told the asker exactly once, in the app and (unless `emails` is
        False) by e-mail; nobody was told twice of anything; nothing waits in either
        outbox."""
        asker = self.seed["people"]["hana"]
        for answer_id in answer_ids:
            key = f"answer_posted:{answer_id}"
            recipients = [row[0] for row in self.notifications(key)]
            assert recipients.count(asker["id"]) == 1, (key, recipients)
        assert self.duplicate_notifications() == []
        mails = [mail for mail in self.mail.accepted if asker["email"] in mail.recipients]
        if emails:
            assert len(mails) == len(answer_ids), [mail.subject for mail in mails]
        else:
            assert len(mails) <= len(answer_ids), [mail.subject for mail in mails]
        assert self.outbox_counts()["pending"] == 0
        assert self.outbox_counts()["failed"] == 0
        assert self.index_pending() == 0

    def assert_worker_alive(self) -> None:
        """The worker's process runs and it completes a task sent now."""
        assert self.worker.alive, "the worker died"
        task_id = f"alive-{uuid.uuid4().hex}"
        self.send_task("search.tasks.process_outbox", task_id, "search")
        wait_until(
            lambda: f"{task_id}] succeeded" in self.worker.output(),
            timeout=30, what="the worker to complete a new task",
        )  # fmt: skip


@pytest.fixture
def sodan_factory(
    faults_template: Template, tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[Callable[..., Sodan]]:
    """Start Sodan's stack: `sodan_factory(separate_broker=False, mail_delay=0, **env)`."""
    stacks: list[Sodan] = []
    servers: list[Any] = []

    def build(*, separate_broker: bool = False, mail_delay: float = 0.0, app: bool = True,
              worker: bool = True, **env: str) -> Sodan:  # fmt: skip
        redis = RedisServer().start()
        servers.append(redis)
        broker = redis
        if separate_broker:
            broker = RedisServer().start()
            servers.append(broker)
        mail = MailServer(delay=mail_delay).start()
        servers.append(mail)
        stack = Sodan(
            template=faults_template, directory=tmp_path, redis=redis, broker=broker,
            mail=mail, env=env,
        )  # fmt: skip
        stacks.append(stack)
        if app:
            stack.start_app()
        if worker:
            stack.start_worker()
        return stack

    yield build
    failed = any(
        getattr(getattr(request.node, f"report_{when}", None), "failed", False)
        for when in ("setup", "call")
    )
    for stack in stacks:
        stack.stop()
        if failed:
            print(stack.logs())
        faults_template.drop(stack.db)
    for server in servers:
        if isinstance(server, RedisServer):
            server.__exit__()
        else:
            server.stop()
