"""Reads from a real PostgreSQL streaming replica, writes to the primary (community/db_router.py).

The replica is made by the tests as an operator makes one (tests/servers.py:
pg_basebackup -R from the running primary, pg_ctl on a port of its own). To see where a
page was read, the replica's replay is paused: a row committed on the primary is then
missing on the replica only, so a page that shows it was read from the primary, and one
that answers 404 was read from the replica.
"""

from __future__ import annotations

import time

import psycopg
import pytest
from celery import shared_task
from django.db import connection, connections
from django.urls import reverse

from community import db_router, page_cache
from qa.models import Answer, Thread
from tests.community.factories import PASSWORD, UserFactory
from tests.qa.factories import AnswerFactory, ThreadFactory
from tests.servers import PG_BIN, PG_SKIP_REASON, PostgresReplica

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
    pytest.mark.skipif(PG_BIN is None, reason=PG_SKIP_REASON),
    pytest.mark.django_db(transaction=True, databases="__all__"),
]

ALIAS = "replica1"


class Replica:
    """The replica and a control connection to each server."""

    def __init__(self, server: PostgresReplica, primary: dict, name: str) -> None:
        self.server = server
        self.primary_dsn = (
            f"host={primary['HOST'] or '127.0.0.1'} port={primary['PORT'] or 5432} "
            f"user={primary['USER'] or 'postgres'} dbname={name}"
        )
        self.dsn = f"host=127.0.0.1 port={server.port} user=postgres dbname={name}"

    def value(self, dsn: str, sql: str):
        with psycopg.connect(dsn, autocommit=True, connect_timeout=5) as conn:
            return conn.execute(sql).fetchone()[0]

    def pause(self) -> None:
        """Stop replaying the primary's changes: from now on the replica stays behind."""
        self.caught_up()
        self.value(self.dsn, "SELECT pg_wal_replay_pause()")

    def resume(self) -> None:
        self.value(self.dsn, "SELECT pg_wal_replay_resume()")
        self.caught_up()

    def caught_up(self, timeout: float = 30.0) -> None:
        target = self.value(self.primary_dsn, "SELECT pg_current_wal_lsn()::text")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.value(self.dsn, f"SELECT pg_last_wal_replay_lsn() >= '{target}'::pg_lsn"):
                return
            time.sleep(0.05)
        raise TimeoutError("the replica did not catch up with the primary")

    def stop(self) -> None:
        connections[ALIAS].close()
        self.server.stop()

    def start(self) -> None:
        self.server.start()
        self.caught_up()


@pytest.fixture(scope="session")
def _replica_server(django_db_setup, django_db_blocker):
    """One streaming replica of the test database's cluster for the whole session, made
    once the test database exists (so the replica has it, and streams what follows)."""
    with django_db_blocker.unblock():
        primary = dict(connections["default"].settings_dict)
    server = PostgresReplica(
        primary_host=primary["HOST"] or "127.0.0.1",
        primary_port=int(primary["PORT"] or 5432),
        user=primary["USER"] or "postgres",
    )
    try:
        server.create().start()
    except RuntimeError as error:
        server.destroy()
        pytest.skip(f"{error} (`make services` lets 127.0.0.1 stream from the primary)")
    # The router's alias for it, as settings.py builds one from DATABASE_REPLICA_URLS.
    replica = dict(primary, HOST="127.0.0.1", PORT=str(server.port))
    replica["OPTIONS"] = {**primary.get("OPTIONS", {}), "connect_timeout": 2}
    replica["TEST"] = {**primary.get("TEST", {}), "MIRROR": "default"}
    connections.settings[ALIAS] = replica
    yield server, primary
    connections[ALIAS].close()
    del connections[ALIAS]
    del connections.settings[ALIAS]
    server.destroy()


@pytest.fixture
def replica(_replica_server, settings):
    server, primary = _replica_server
    settings.SODAN_REPLICA_DATABASES = [ALIAS]
    settings.SODAN_READ_PRIMARY_SECONDS = 2
    settings.SODAN_REPLICA_RETRY_SECONDS = 0.5
    settings.SODAN_PAGE_CACHE = False  # every page read from a database, not the cache
    db_router._down_until.clear()
    handle = Replica(server, primary, primary["NAME"])
    if not server.data.joinpath("postmaster.pid").exists():
        handle.start()
    handle.caught_up()
    yield handle
    db_router._down_until.clear()
    handle.value(handle.dsn, "SELECT pg_wal_replay_resume()")


def test_the_replica_is_a_real_standby(replica):
    assert replica.value(replica.dsn, "SELECT pg_is_in_recovery()") is True
    assert replica.value(replica.primary_dsn, "SELECT pg_is_in_recovery()") is False


def test_pages_are_read_from_the_replica(replica, client, customer, brand):
    """A visitor's page is read from the replica: a thread the replica has not replayed
    yet is not found; once it has, the page shows it."""
    replica.pause()
    thread = ThreadFactory(author=customer, brand=brand, title="Shutter sticks in the cold")
    assert client.get(thread.get_absolute_url()).status_code == 404
    replica.resume()
    response = client.get(thread.get_absolute_url())
    assert response.status_code == 200
    assert "Shutter sticks in the cold" in response.content.decode()


def test_a_write_goes_to_the_primary_and_the_writer_reads_it_back(
    replica, client, customer, other_customer, brand
):
    """An answer posted while the replica lags is saved (on the primary: the replica is
    read-only), and its writer sees it at once; another visitor, reading from the
    replica, does not yet; after SODAN_READ_PRIMARY_SECONDS the writer reads from the
    replica again."""
    thread = ThreadFactory(author=customer, brand=brand, title="Battery drains overnight")
    client.force_login(other_customer)
    replica.pause()
    response = client.post(
        reverse("qa:answer_create", args=[thread.pk]),
        {"body": "Turn off the Wi-Fi standby in Settings → Network."},
        follow=True,
    )
    assert response.status_code == 200
    assert "Wi-Fi standby" in response.content.decode()
    answer = Answer.objects.get(thread=thread)
    assert replica.value(replica.primary_dsn, "SELECT pg_is_in_recovery()") is False

    from django.test import Client

    assert Client().get(f"/a/{answer.pk}/").status_code == 404  # another visitor: replica
    assert client.get(f"/a/{answer.pk}/").status_code == 302  # the writer: primary
    time.sleep(2.2)  # the read-your-own-writes window is over
    assert client.get(f"/a/{answer.pk}/").status_code == 404
    replica.resume()
    assert client.get(f"/a/{answer.pk}/").status_code == 302


def test_signing_in_works_and_the_member_sees_their_pages(replica, client, brand):
    """Signing in writes the session: it goes to the primary, and the signed-in pages
    that follow are read from it (the replica has not replayed the session yet)."""
    UserFactory(username="mio", display_name="Mio")
    replica.pause()
    response = client.post(reverse("account_login"), {"login": "mio", "password": PASSWORD})
    assert response.status_code == 302
    page = client.get(reverse("qa:brand", args=[brand.slug]))
    assert page.status_code == 200
    assert page.wsgi_request.user.username == "mio"


@shared_task
def _thread_title(thread_id: int) -> str:
    return Thread.objects.get(pk=thread_id).title


def test_a_celery_task_reads_from_the_primary(replica, customer, brand):
    """A task reads the row written a moment ago even where requests would read from a
    lagging replica (an eager task inside a request, or any task in a worker)."""
    replica.pause()
    thread = ThreadFactory(author=customer, brand=brand, title="Autofocus hunts at dusk")
    with db_router.reads_from_replica():
        assert not Thread.objects.filter(pk=thread.pk).exists()  # the request's reads: replica
        result = _thread_title.apply(args=[thread.pk])
    assert result.successful(), result.traceback
    assert result.get() == "Autofocus hunts at dusk"


def test_a_cached_page_is_rendered_from_the_primary(replica, client, customer, brand, settings):
    """A page stored in the page cache under the thread's new version is rendered from
    rows at least that new: a replica that has not replayed the change would otherwise
    leave the old page in the cache for everyone, for as long as the thread stays unchanged."""
    settings.SODAN_PAGE_CACHE = True
    thread = ThreadFactory(author=customer, brand=brand, title="Strap lug squeaks")
    replica.caught_up()
    assert "Strap lug squeaks" in client.get(thread.get_absolute_url()).content.decode()
    replica.pause()
    Thread.objects.filter(pk=thread.pk).update(title="Strap lug creaks in the cold")
    page_cache.thread_changed(thread.pk, brand_id=brand.pk)
    assert "creaks in the cold" in client.get(thread.get_absolute_url()).content.decode()
    replica.resume()
    assert "creaks in the cold" in client.get(thread.get_absolute_url()).content.decode()


def test_migrations_are_not_run_on_a_replica(replica):
    router = db_router.ReplicaRouter()
    assert router.allow_migrate(ALIAS, "qa") is False
    assert router.allow_migrate("default", "qa") is None


def test_pages_still_serve_when_the_replica_is_down(replica, client, customer, brand, caplog):
    """The replica stops (crashed, unplugged): visitors' pages are read from the primary,
    no error reaches them, and the replica is used again once it is back."""
    thread = ThreadFactory(author=customer, brand=brand, title="Flash will not fire")
    assert client.get(thread.get_absolute_url()).status_code == 200  # a kept connection
    replica.stop()
    try:
        for _ in range(3):
            response = client.get(thread.get_absolute_url())
            assert response.status_code == 200
            assert "Flash will not fire" in response.content.decode()
        assert any("Replica replica1 unreachable" in r.getMessage() for r in caplog.records)
    finally:
        replica.start()
    time.sleep(0.6)  # SODAN_REPLICA_RETRY_SECONDS
    replica.pause()
    later = ThreadFactory(author=customer, brand=brand, title="Lens fogs up")
    assert client.get(later.get_absolute_url()).status_code == 404  # the replica again


def test_without_replicas_everything_is_read_from_the_primary(client, customer, brand, settings):
    settings.SODAN_REPLICA_DATABASES = []
    thread = ThreadFactory(author=customer, brand=brand)
    AnswerFactory(thread=thread)
    response = client.get(thread.get_absolute_url())
    assert response.status_code == 200
    assert "sodan_rw" not in response.cookies
    with db_router.reads_from_replica():
        assert db_router.ReplicaRouter().db_for_read(Thread) is None
