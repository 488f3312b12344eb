"""Real services started by the tests themselves: a throwaway redis-server on a free port,
and a PostgreSQL streaming replica of the running primary.

Tests that need to see Sodan survive Redis going away stop, start and restart this server
(nothing is faked: the client talks to a real Redis over TCP and meets real connection
errors). `make services` installs redis-server; without it these tests skip and say why.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

REDIS_SERVER = shutil.which("redis-server")
SKIP_REASON = "redis-server is not installed (`make services` installs it)"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, *, up: bool, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                if up:
                    return
        except OSError:
            if not up:
                return
        time.sleep(0.05)
    raise TimeoutError(f"port {port} did not go {'up' if up else 'down'} in {timeout} s")


class RedisServer:
    """One redis-server on 127.0.0.1 and a port of its own, without persistence.

    `stop()` kills it (clients see refused connections), `start()` brings it back on the
    same port, empty: exactly what a restart without persistence does to queued tasks and
    cached pages."""

    def __init__(self, port: int | None = None) -> None:
        if REDIS_SERVER is None:
            raise RuntimeError(SKIP_REASON)
        self.port = port or free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="sodan-redis-"))
        self.process: subprocess.Popen | None = None

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def start(self) -> RedisServer:
        if self.running:
            return self
        command = [REDIS_SERVER, "--bind", "127.0.0.1", "--port", str(self.port)]
        command += ["--save", "", "--appendonly", "no", "--dir", str(self.dir)]
        self.process = subprocess.Popen(  # noqa: S603 - a fixed binary and our own arguments
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        wait_for_port(self.port, up=True)
        return self

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=10)
            self.process = None
        wait_for_port(self.port, up=False)

    def restart(self) -> None:
        """Stop and start again: everything it held is gone."""
        self.stop()
        self.start()

    def __enter__(self) -> RedisServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


# --- PostgreSQL streaming replica ----------------------------------------------------------


def postgres_bin() -> Path | None:
    """The newest PostgreSQL's server binaries (Debian keeps each major version apart)."""
    found = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/pg_basebackup"),
        key=lambda path: int(path.parent.parent.name) if path.parent.parent.name.isdigit() else 0,
    )
    for binary in reversed(found):
        if (binary.parent / "pg_ctl").exists():
            return binary.parent
    directory = shutil.which("pg_basebackup")
    if directory and shutil.which("pg_ctl"):
        return Path(directory).parent
    return None


PG_BIN = postgres_bin()
PG_SKIP_REASON = "PostgreSQL's pg_basebackup and pg_ctl are not installed (`make services`)"


class PostgresReplica:
    """A streaming replica of a running primary, on this machine and a port of its own.

    Made as an operator makes one: `pg_basebackup -R` copies the primary's data directory
    and writes the standby settings, `pg_ctl` starts it in hot standby and it streams the
    primary's WAL from then on. The primary must allow replication connections from
    127.0.0.1 (`make services` sets it up). PostgreSQL refuses to run as root: when the
    tests run as root, the replica runs as the `postgres` user."""

    def __init__(self, *, primary_host: str, primary_port: int, user: str = "postgres") -> None:
        if PG_BIN is None:
            raise RuntimeError(PG_SKIP_REASON)
        self.primary_host, self.primary_port, self.user = primary_host, primary_port, user
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="sodan-replica-"))
        self.data = self.dir / "data"
        self.run_as = "postgres" if os.geteuid() == 0 else None
        if self.run_as:
            shutil.chown(self.dir, user=self.run_as)

    def _run(self, *argv: str, timeout: float = 120) -> subprocess.CompletedProcess:
        return subprocess.run(  # noqa: S603 - PostgreSQL's own binaries, our arguments
            [str(PG_BIN / argv[0]), *argv[1:]],
            capture_output=True, text=True, timeout=timeout, check=False, user=self.run_as,
        )  # fmt: skip

    def create(self) -> PostgresReplica:
        """Copy the primary (a base backup, WAL streamed alongside) and configure a standby."""
        done = self._run(
            "pg_basebackup", "-h", self.primary_host, "-p", str(self.primary_port),
            "-U", self.user, "-D", str(self.data), "-R", "-X", "stream", "-c", "fast",
        )  # fmt: skip
        if done.returncode != 0:
            raise RuntimeError(f"pg_basebackup failed: {done.stderr.strip()}")
        # Debian keeps the primary's configuration outside its data directory: the copy
        # gets a short one of its own (later lines win where the copy brought one along).
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.write(
                "\nlisten_addresses = '127.0.0.1'\nhot_standby = on\n"
                "hot_standby_feedback = on\nshared_buffers = 16MB\n"
            )
        (self.data / "pg_hba.conf").write_text("host all all 127.0.0.1/32 trust\n")
        if self.run_as:
            for name in ("postgresql.conf", "pg_hba.conf"):
                shutil.chown(self.data / name, user=self.run_as)
        return self

    def start(self) -> PostgresReplica:
        options = f"-p {self.port} -k {self.dir}"
        done = self._run(
            "pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.dir / "log"), "-w",
            "-t", "60", "start",
        )  # fmt: skip
        if done.returncode != 0:
            log = (self.dir / "log").read_text(errors="replace")[-2000:]
            raise RuntimeError(f"the replica did not start: {done.stdout}{done.stderr}{log}")
        wait_for_port(self.port, up=True)
        return self

    def stop(self) -> None:
        """Stop it at once, as a crashed or unplugged replica stops."""
        self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        wait_for_port(self.port, up=False)

    def destroy(self) -> None:
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)
