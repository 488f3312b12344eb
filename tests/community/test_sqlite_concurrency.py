"""`make demo` on SQLite: a handful of people answering at the same moment all get their
answer saved and the asker told of each, none a 500 "database is locked".

The in-memory test database, already migrated, is copied into a real SQLite file (SQLite's
backup API: migrating a file again would cost half a minute); Sodan serves that file with
`runserver` (a thread and a connection per request, as in `make demo`) and eight signed-in
customers post answers to one thread at once over HTTP.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import threading
from html.parser import HTMLParser
from pathlib import Path

import pytest
import requests
from django.conf import settings
from django.db import connection

from community.models import Notification
from qa.models import Answer
from tests.servers import free_port, wait_for_port

ROOT = Path(__file__).resolve().parents[2]
CLIENTS = 8
ANSWERS_EACH = 3

pytestmark = pytest.mark.skipif(
    not settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"),
    reason="SQLite's locking is what is tested; DATABASE_URL names another database",
)

# Run in `manage.py shell` against the file database: one brand, one thread and the
# customers, each signed in the way Django's test client does it (a session in the
# database; the server's cache is empty and reads it from there).
SETUP = f"""
import json
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.utils.module_loading import import_string
from tests.brands.factories import BrandFactory
from tests.community.factories import UserFactory
from tests.qa.factories import ThreadFactory

store = import_string(settings.SESSION_ENGINE + ".SessionStore")
brand = BrandFactory(name="Hoshino Camera", slug="hoshino")
thread = ThreadFactory(brand=brand, author=UserFactory(), title="Lens cap stuck after 2.1")
sessions = []
for n in range({CLIENTS}):
    user = UserFactory(username=f"writer{{n}}")
    session = store()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    sessions.append(session.session_key)
print(json.dumps({{"thread": thread.get_absolute_url(), "thread_id": thread.pk,
                  "asker": thread.author_id, "sessions": sessions}}))
"""


class _AnswerForm(HTMLParser):
    """The answer form's action and fields as the page renders them (CSRF token and any
    other hidden field included)."""

    def __init__(self) -> None:
        super().__init__()
        self.action: str | None = None
        self.fields: dict[str, str] = {}
        self._inside = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "form" and (attributes.get("action") or "").endswith("/-/answer/"):
            self.action = attributes["action"]
            self._inside = True
        elif tag == "input" and self._inside and attributes.get("name"):
            self.fields[attributes["name"]] = attributes.get("value") or ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._inside = False


@pytest.fixture
def sqlite_site(tmp_path, transactional_db):
    """Sodan served by `runserver` from a migrated SQLite file of its own. (Outside a test
    transaction: SQLite cannot copy a database its own connection is writing to.)"""
    database = tmp_path / "sodan.sqlite3"
    connection.ensure_connection()
    target = sqlite3.connect(database)
    connection.connection.backup(target)
    target.close()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database}",
        "DEBUG": "1",
        "CACHE_URL": "locmemcache://sqlite-concurrency",
        "CELERY_BROKER_URL": "",
        "ELASTICSEARCH_URL": "",
        "SODAN_RATE_LIMITS_ENABLED": "0",
        "PYTHONUNBUFFERED": "1",
    }

    def manage(*args: str) -> str:
        result = subprocess.run(  # noqa: S603 - our own manage.py
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout

    facts = json.loads(manage("shell", "-c", SETUP).strip().splitlines()[-1])
    port = free_port()
    log = tmp_path / "runserver.log"
    with log.open("w") as output:
        server = subprocess.Popen(  # noqa: S603 - our own manage.py
            [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_for_port(port, up=True, timeout=60)
        yield {**facts, "base": f"http://127.0.0.1:{port}", "database": database, "log": log}
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_concurrent_answers_on_sqlite_are_all_saved_without_a_500(sqlite_site):
    base = sqlite_site["base"]
    statuses: list[int] = []
    problems: list[str] = []
    start = threading.Barrier(CLIENTS)

    def customer(number: int, session_key: str) -> None:
        browser = requests.Session()
        browser.cookies.set(settings.SESSION_COOKIE_NAME, session_key, domain="127.0.0.1")
        start.wait(timeout=60)
        for round_ in range(ANSWERS_EACH):
            page = browser.get(base + sqlite_site["thread"], timeout=60)
            form = _AnswerForm()
            form.feed(page.text)
            if page.status_code != 200 or form.action is None:
                problems.append(f"customer {number}: thread page {page.status_code}")
                statuses.append(page.status_code)
                return
            posted = browser.post(
                base + form.action,
                data={
                    **form.fields,
                    "body": f"Customer {number}, answer {round_}: hold the release button "
                    "for ten seconds, then update the firmware again.",
                },
                headers={"Referer": base + sqlite_site["thread"]},
                allow_redirects=False,
                timeout=60,
            )
            statuses.append(posted.status_code)

    customers = [
        threading.Thread(target=customer, args=(number, key))
        for number, key in enumerate(sqlite_site["sessions"])
    ]
    for each in customers:
        each.start()
    for each in customers:
        each.join(timeout=120)

    log = sqlite_site["log"].read_text()
    assert not problems, problems
    assert 500 not in statuses, log[-3000:]
    assert statuses == [302] * (CLIENTS * ANSWERS_EACH), (statuses, log[-3000:])
    database = sqlite3.connect(sqlite_site["database"])
    (saved,) = database.execute(
        f"SELECT count(*) FROM {Answer._meta.db_table} WHERE thread_id = ?",  # noqa: S608
        (sqlite_site["thread_id"],),
    ).fetchone()
    # Each answer's notification is delivered after its commit, in the same request.
    (told,) = database.execute(
        f"SELECT count(*) FROM {Notification._meta.db_table}"  # noqa: S608
        " WHERE recipient_id = ? AND kind = ?",
        (sqlite_site["asker"], Notification.Kind.ANSWER_POSTED),
    ).fetchone()
    database.close()
    assert saved == CLIENTS * ANSWERS_EACH
    assert told == saved, log[-3000:]
    assert "database is locked" not in log, log[-3000:]
