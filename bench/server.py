"""Serve the benchmark's database as production would: gunicorn, DEBUG off, PostgreSQL.

Also owns the benchmark database itself (created, or dropped and created again, only when
its name says it is a benchmark database), the Redis databases it borrows for the cache and
the Celery broker, collectstatic into a temporary folder, and the sampling of the workers'
memory from /proc while the load runs.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"  # the load only ever targets this machine's loopback
POSTGRES_SCHEMES = {"postgres", "postgresql", "pgsql", "postgis"}
# Redis databases the benchmark borrows (and empties): the cache and the Celery broker.
REDIS_CACHE_DB = int(os.environ.get("BENCH_REDIS_DB", "13"))
REDIS_BROKER_DB = REDIS_CACHE_DB + 1


class BenchError(SystemExit):
    """A refusal with a sentence that says what to do; ends the run with status 2."""

    def __init__(self, message: str) -> None:
        super().__init__(f"bench: {message}")
        self.code = 2


def require_postgres(url: str | None) -> str:
    """The benchmark measures PostgreSQL, on a database of its own."""
    if not url:
        raise BenchError(
            "DATABASE_URL is not set. The benchmark needs a PostgreSQL database of its own, "
            "e.g. DATABASE_URL=postgres://postgres@127.0.0.1:5432/sodan_bench"
        )
    parts = urlsplit(url)
    if parts.scheme not in POSTGRES_SCHEMES:
        raise BenchError(
            f"DATABASE_URL uses {parts.scheme or 'no scheme'}; the benchmark runs on PostgreSQL "
            "only (the targets are PostgreSQL's), e.g. postgres://postgres@127.0.0.1/sodan_bench"
        )
    name = parts.path.lstrip("/")
    if "bench" not in name:
        raise BenchError(
            f"the database {name!r} does not look like a benchmark database: the benchmark "
            "drops and fills it, so its name must contain 'bench' (e.g. sodan_bench)"
        )
    return url


def _maintenance(url: str):
    import psycopg

    parts = urlsplit(url)
    admin = urlunsplit(parts._replace(path="/postgres", query=""))
    return psycopg.connect(admin, autocommit=True), parts.path.lstrip("/")


def database_exists(url: str) -> bool:
    conn, name = _maintenance(url)
    with conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()


def database_recreate(url: str) -> None:
    """Drop the benchmark database (its name contains 'bench') and create it empty."""
    from psycopg import sql

    require_postgres(url)
    conn, name = _maintenance(url)
    with conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def redis_url(db: int) -> str | None:
    """redis://127.0.0.1:6379/<db> if a Redis answers there, else None."""
    try:
        with socket.create_connection((HOST, 6379), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            if not sock.recv(16).startswith(b"+PONG"):
                return None
    except OSError:
        return None
    return f"redis://{HOST}:6379/{db}"


def redis_flush(url: str | None) -> None:
    """Empty one of the Redis databases the benchmark borrowed."""
    if not url:
        return
    import redis

    redis.Redis.from_url(url).flushdb()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def default_workers() -> int:
    """gunicorn's rule of thumb, 2 × cores + 1 (5 on a 2-core machine)."""
    return 2 * (os.cpu_count() or 1) + 1


def environment(
    *,
    database_url: str,
    cache_url: str | None,
    broker_url: str | None,
    port: int,
    static_root: str,
    floor_bytes: int,
) -> dict[str, str]:
    """Production settings, on loopback and plain HTTP."""
    env = {
        "DJANGO_SETTINGS_MODULE": "community.settings",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": HOST,
        "SITE_URL": f"http://{HOST}:{port}",
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "SECURE_HSTS_SECONDS": "0",
        "DATABASE_URL": database_url,
        "STATIC_ROOT": static_root,
        "LOG_LEVEL": "WARNING",
        "SODAN_BENCH_FLOOR": "1",
        "SODAN_BENCH_FLOOR_BYTES": str(floor_bytes),
        # A few dozen benchmark accounts post, vote and search at machine speed from one
        # address: the limits still count every request (their cost is measured), they just
        # never refuse one.
        "SODAN_POSTS_PER_HOUR": "100000000",
        "SODAN_VOTES_PER_HOUR": "100000000",
        "SODAN_ME_TOOS_PER_HOUR": "100000000",
        "SODAN_SEARCHES_PER_MINUTE": "100000000",
        # Words alone: embedding every generated thread on the CPU would take hours at tier
        # M. The semantic stage's cost per query is measured by `search_bench --semantic`
        # and reported separately (search/README.md).
        "SODAN_SEMANTIC_SEARCH": "0",
    }
    if cache_url:
        env["CACHE_URL"] = cache_url
    if broker_url:
        # Notifications and indexing go to the queue, as in production; no worker drains
        # it during the run (it would compete for the same two cores), and it is emptied
        # afterwards.
        env["CELERY_BROKER_URL"] = broker_url
    return env


ANALYSER_DIR_PREFIX = "sodan-bench-analyser-"
# The analyser process's command line (search/analyser.py): `python -m search.analyser`.
ANALYSER_MODULE = "search.analyser"


def collectstatic(env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v", "0"],
        cwd=ROOT,
        env={**os.environ, **env},
        check=True,
    )
    return time.perf_counter() - started


def reload_static_manifest() -> None:
    """This process may have read the (then missing) manifest before collectstatic wrote it."""
    from django.contrib.staticfiles.storage import staticfiles_storage

    if hasattr(staticfiles_storage, "load_manifest"):
        staticfiles_storage.hashed_files, staticfiles_storage.manifest_hash = (
            staticfiles_storage.load_manifest()
        )


@dataclass
class Server:
    env: dict[str, str]
    port: int
    workers: int
    log_path: Path
    # As deployed (deploy/): the Japanese analyser in a process of its own, started by
    # gunicorn's master, the workers sending it their texts (search/analyser.py); its
    # socket in a private directory, removed when the server stops. False: each worker
    # analyses in its own process, the dictionary loaded in the master before the fork.
    analyser: bool = True
    process: subprocess.Popen | None = None
    analyser_socket: str = ""

    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def command(self) -> list[str]:
        gunicorn = Path(sys.executable).with_name("gunicorn")
        return [
            str(gunicorn) if gunicorn.exists() else "gunicorn",
            "community.wsgi",
            "--workers",
            str(self.workers),
            "--bind",
            f"{HOST}:{self.port}",
            "--timeout",
            "60",
            "--log-level",
            "warning",
            # As deployed: the application (and the Japanese dictionary, warmed by
            # community/wsgi.py) is loaded once in the master, and the workers share its pages.
            "--preload",
        ]

    def start(self) -> None:
        command = self.command()
        env = {**os.environ, **self.env, "SODAN_ANALYSER_SOCKET": ""}
        if self.analyser:
            directory = tempfile.mkdtemp(prefix=ANALYSER_DIR_PREFIX)
            self.analyser_socket = env["SODAN_ANALYSER_SOCKET"] = f"{directory}/analyser.sock"
        self.log = self.log_path.open("w")
        self.process = subprocess.Popen(  # noqa: S603 - gunicorn from our own environment
            command, cwd=ROOT, env=env, stdout=self.log, stderr=self.log
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise BenchError(f"gunicorn stopped at start; see {self.log_path}")
            try:
                with urllib.request.urlopen(f"{self.base_url}/_bench/floor/", timeout=2):  # noqa: S310
                    pass
                if len(self.worker_pids()) >= self.workers:
                    return
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.3)
        raise BenchError(f"gunicorn did not answer within a minute; see {self.log_path}")

    def worker_pids(self) -> list[int]:
        """The workers are the master's children (read from /proc), but for the analyser."""
        if self.process is None:
            return []
        return [pid for pid in children(self.process.pid) if not is_analyser(pid)]

    def analyser_pids(self) -> list[int]:
        """The analyser's keeper (a child of the master) and its server (the keeper's child,
        which holds the Japanese dictionary)."""
        if self.process is None:
            return []
        keepers = [pid for pid in children(self.process.pid) if is_analyser(pid)]
        return sorted(keepers + [pid for keeper in keepers for pid in children(keeper)])

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()
        if self.analyser_socket:
            # The analyser leaves with its master (within a fraction of a second); then its
            # directory, where its lock file stays behind, goes.
            deadline = time.monotonic() + 5
            while self.analyser_left() and time.monotonic() < deadline:
                time.sleep(0.1)
            shutil.rmtree(os.path.dirname(self.analyser_socket), ignore_errors=True)

    def analyser_left(self) -> list[int]:
        """The analyser processes of this server's socket still running (by command line:
        their master is gone)."""
        found = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    cmdline = (entry / "cmdline").read_bytes().split(b"\0")
                except OSError:
                    continue
                if self.analyser_socket.encode() in cmdline and is_analyser(int(entry.name)):
                    found.append(int(entry.name))
        return found


def children(parent: int) -> list[int]:
    """A process's children, read from /proc."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == parent:
            found.append(int(entry.name))
    return sorted(found)


def is_analyser(pid: int) -> bool:
    """Whether a child of gunicorn's master is the analyser's keeper, not a worker."""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return False
    return ANALYSER_MODULE.encode() in cmdline


def rss_kib(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


SMAPS_FIELDS = {"Rss:": "rss", "Pss:": "pss", "Private_Clean:": "uss", "Private_Dirty:": "uss"}


def worker_memory(pid: int) -> dict | None:
    """A worker's resident memory in MiB: RSS (counts every page it maps, shared or not)
    and, when /proc/<pid>/smaps_rollup is readable, PSS (shared pages divided among the
    processes sharing them) and USS (its own pages only), which show sharing honestly."""
    rss = rss_kib(pid)
    if rss is None:
        return None
    figures = {"pid": pid, "rss_mib": round(rss / 1024, 1)}
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return figures
    kib = {"pss": 0, "uss": 0}
    for line in text.splitlines():
        parts = line.split()
        if len(parts) >= 2 and parts[0] in SMAPS_FIELDS and SMAPS_FIELDS[parts[0]] in kib:
            kib[SMAPS_FIELDS[parts[0]]] += int(parts[1])
    figures.update({f"{k}_mib": round(v / 1024, 1) for k, v in kib.items()})
    return figures


class MemorySampler(threading.Thread):
    """Samples every worker's resident memory every `interval` seconds, labelled by phase."""

    def __init__(self, server: Server, interval: float = 2.0) -> None:
        super().__init__(daemon=True)
        self.server = server
        self.interval = interval
        self.samples: list[dict] = []
        self._phase = "start"
        self._done = threading.Event()
        self._started_at = time.monotonic()

    @property
    def phase(self) -> str:
        return self._phase

    @phase.setter
    def phase(self, phase: str) -> None:
        """A phase's last sample is taken as it ends (the analyser's memory after the search
        scenario is read from it)."""
        if phase != self._phase and self.is_alive():
            self.sample()
        self._phase = phase

    def run(self) -> None:
        while not self._done.is_set():
            self.sample()
            self._done.wait(self.interval)

    def sample(self) -> dict:
        workers = {pid: rss_kib(pid) for pid in self.server.worker_pids()}
        workers = {pid: kib for pid, kib in workers.items() if kib}
        record = {
            "t": round(time.monotonic() - self._started_at, 1),
            "phase": self.phase,
            "workers": {str(pid): kib for pid, kib in workers.items()},
            "total_kib": sum(workers.values()),
        }
        # The Japanese analyser's processes (keeper and server), which the workers share:
        # RSS, PSS and USS in MiB, as worker_memory reads them.
        analyser = [m for m in map(worker_memory, self.server.analyser_pids()) if m]
        if analyser:
            record["analyser"] = analyser
        self.samples.append(record)
        return record

    def finish(self) -> None:
        self._done.set()
        self.join(timeout=5)
        self.sample()


def memory_summary(samples: list[dict], phases: set[str] | None = None) -> dict:
    """Per-worker RSS at the first and the last sample of the phases; growth in percent."""
    chosen = [s for s in samples if s["total_kib"] and (phases is None or s["phase"] in phases)]
    if len(chosen) < 2:
        return {}
    first, last = chosen[0], chosen[-1]
    workers = len(last["workers"])
    start_mib = first["total_kib"] / len(first["workers"]) / 1024
    end_mib = last["total_kib"] / workers / 1024
    same_workers = set(first["workers"]) == set(last["workers"])
    return {
        "workers": workers,
        "start_mib_per_worker": round(start_mib, 1),
        "end_mib_per_worker": round(end_mib, 1),
        "peak_mib_per_worker": round(max(max(s["workers"].values()) for s in chosen) / 1024, 1),
        "growth_percent": round((end_mib - start_mib) / start_mib * 100, 1),
        "seconds": round(last["t"] - first["t"]),
        "workers_restarted": not same_workers,
    }
