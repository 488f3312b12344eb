"""The Japanese analyser in a process of its own, which the app server's workers share.

SudachiPy's dictionary makes up about half of a worker's resident memory. Loaded in the
master before the fork (gunicorn --preload), its pages are shared, but every worker that
touched them still counts them in its RSS. When `SODAN_ANALYSER_SOCKET` names a Unix
socket, the master starts this process instead (community/wsgi.py calls `start()`), before
it forks and without loading the dictionary itself, and the workers send it their texts:
only the tokenizer's calls cross (search.analysis.tokenize, once for all of a text's
Japanese, or of a page's snippets, or of a batch of threads being indexed); terms, forms
and the caches stay in the workers. Celery workers, management commands, tests and
`runserver` analyse in their own process unless the setting is given to them too.

- `start()`: in the app server's master. Starts `python -m search.analyser <socket>` and
  waits until it answers. The process stops with the master: at its exit, or within a
  fraction of a second when the master was killed.
- `tokenize()`: in a worker. None when there is no analyser or it did not answer: the
  caller then analyses in its own process, with the same result, so a search never fails
  because of it (a warning is logged once; the analyser is asked again after a pause).
- `python -m search.analyser <socket>`: a keeper, which holds a lock beside the socket and
  forks the server, and forks it again if it dies; the server loads the dictionary and
  answers each connection on a thread of its own (SudachiPy releases the GIL while it
  tokenizes, so workers are answered in parallel).
"""

from __future__ import annotations

import atexit
import contextlib
import fcntl
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from multiprocessing.connection import Client, Connection, Listener
from pathlib import Path

logger = logging.getLogger(__name__)

# Where the package lives: the keeper is started as `python -m search.analyser` from there.
ROOT = Path(__file__).resolve().parent.parent
# How long the master waits for the analyser to answer before it forks the workers.
READY_SECONDS = 15.0
# How long a worker waits for an analyser that does not accept its connection (the keeper
# starts a dead server again within half a second) before analysing in its own process.
CONNECT_WAIT_SECONDS = 1.0
# The longest a worker waits for an answer; a call carries at most MAX_CALL_CHARS of text
# (tens of milliseconds of work), so only a stuck analyser takes this long.
ANSWER_TIMEOUT_SECONDS = 5.0
MAX_CALL_CHARS = 200_000
# After the analyser failed to answer, a worker analyses in its own process for this long
# before it asks the analyser again.
DOWN_SECONDS = 10.0
# How often the keeper and the server look whether their parent is still there.
WATCH_SECONDS = 0.2
# A server that dies sooner than this after its start is started again after a pause
# (doubling up to RESTART_PAUSE_MAX_SECONDS), not in a tight loop.
RESTART_PAUSE_MAX_SECONDS = 30.0
QUICK_DEATH_SECONDS = 5.0


def socket_path() -> str:
    """The analyser's socket: the setting SODAN_ANALYSER_SOCKET, else the environment
    variable of that name; empty (the default) means analysing in this process."""
    from django.conf import settings  # here: the analyser process itself has no Django
    from django.core.exceptions import ImproperlyConfigured

    try:
        configured = getattr(settings, "SODAN_ANALYSER_SOCKET", None)
    except ImproperlyConfigured:  # analysis used outside a Django project
        configured = None
    if configured is None:
        configured = os.environ.get("SODAN_ANALYSER_SOCKET", "")
    return configured or ""


# --- The app server's master -------------------------------------------------------------


def start() -> subprocess.Popen | None:
    """Start the analyser process for this app server when SODAN_ANALYSER_SOCKET names a
    socket, and wait until it answers; None when there is none to start (texts are then
    analysed in each process). Called once, in the master, before the workers fork."""
    path = socket_path()
    if not path:
        return None
    keeper = subprocess.Popen(  # noqa: S603 - this interpreter and our own module
        [sys.executable, "-m", "search.analyser", path], cwd=ROOT, stdin=subprocess.DEVNULL
    )
    atexit.register(_stop_keeper, keeper, os.getpid())
    deadline = time.monotonic() + READY_SECONDS
    while not _answers(path):
        if keeper.poll() is not None or time.monotonic() > deadline:
            logger.warning(
                "The Japanese analyser process at %s did not start; each worker analyses "
                "in its own process",
                path,
            )
            break
        time.sleep(0.05)
    return keeper


def _answers(path: str) -> bool:
    """Whether the analyser at `path` answers (on a connection of its own, closed after:
    the workers must not inherit it)."""
    try:
        with Client(path, family="AF_UNIX") as conn:
            conn.send(("terms", []))
            return conn.poll(1.0) and conn.recv() == ("ok", [])
    except (OSError, EOFError):
        return False


def _stop_keeper(keeper: subprocess.Popen, master: int) -> None:
    """At the master's exit (the workers, forked from it, run its exit handlers too)."""
    if os.getpid() != master or keeper.poll() is not None:
        return
    keeper.terminate()
    try:
        keeper.wait(timeout=5)
    except subprocess.TimeoutExpired:
        keeper.kill()


# --- A worker ----------------------------------------------------------------------------

_local = threading.local()  # each thread's connection (a connection is not thread-safe)
_down_until = 0.0
_warned = False


def tokenize(chunks: Sequence[str], fields: str) -> list[list] | None:
    """Each chunk's morphemes as the analyser reads them for `fields`
    (search.analysis.FIELDS), or None when there is no analyser or it did not answer."""
    if time.monotonic() < _down_until:
        return None
    path = socket_path()
    if not path:
        return None
    found: list[list] = []
    for batch in _batches(chunks):
        answer = _ask(path, (fields, batch))
        if answer is None:
            return None
        found.extend(answer)
    return found


def _batches(chunks: Sequence[str]) -> Iterator[list[str]]:
    batch: list[str] = []
    size = 0
    for chunk in chunks:
        if batch and size + len(chunk) > MAX_CALL_CHARS:
            yield batch
            batch, size = [], 0
        batch.append(chunk)
        size += len(chunk)
    if batch:
        yield batch


def _ask(path: str, request: tuple[str, list[str]]) -> list[list] | None:
    """The analyser's answer, on this thread's connection; a connection the analyser
    closed (it was started again) is replaced, for up to CONNECT_WAIT_SECONDS."""
    deadline = time.monotonic() + CONNECT_WAIT_SECONDS
    while True:
        try:
            conn = _connection(path)
            conn.send(request)
            if not conn.poll(ANSWER_TIMEOUT_SECONDS):
                raise TimeoutError(f"no answer in {ANSWER_TIMEOUT_SECONDS:.0f} s")
            status, value = conn.recv()
        except (OSError, EOFError) as error:
            _disconnect()
            if isinstance(error, TimeoutError) or time.monotonic() > deadline:
                _give_up(path, error)
                return None
            time.sleep(0.05)
            continue
        if status == "ok":
            return value
        _give_up(path, value)
        return None


def _connection(path: str) -> Connection:
    conn = getattr(_local, "conn", None)
    if conn is not None and _local.pid == os.getpid() and _local.path == path:
        return conn
    conn = Client(path, family="AF_UNIX")
    _local.conn, _local.pid, _local.path = conn, os.getpid(), path
    return conn


def _disconnect() -> None:
    conn = getattr(_local, "conn", None)
    _local.conn = None
    if conn is not None:
        with contextlib.suppress(OSError):
            conn.close()


def _give_up(path: str, error: object) -> None:
    global _down_until, _warned
    _down_until = time.monotonic() + DOWN_SECONDS
    if not _warned:
        _warned = True
        logger.warning(
            "The Japanese analyser process at %s did not answer (%s): this process "
            "analyses texts itself (its own dictionary loaded) and asks it again every "
            "%.0f s",
            path,
            error,
            DOWN_SECONDS,
        )


# --- The analyser process ----------------------------------------------------------------


def serve(path: str, keeper: int) -> None:
    """The server: load the dictionary, listen on `path`, answer every connection on a
    thread of its own, and leave when the keeper is gone."""
    from . import analysis

    analysis.tokenize_here(["辞書"], analysis.TERMS)  # the dictionary, before listening
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)  # left by a server that was killed (the keeper's lock says so)
    umask = os.umask(0o177)  # the socket is for this user alone
    try:
        listener = Listener(path, family="AF_UNIX", backlog=128)
    finally:
        os.umask(umask)
    threading.Thread(target=_watch, args=(keeper, path), daemon=True).start()
    logger.info("Japanese analyser answering at %s", path)
    while True:
        try:
            conn = listener.accept()
        except OSError:
            continue
        threading.Thread(target=_answer, args=(conn, analysis.tokenize_here), daemon=True).start()


def _answer(conn: Connection, tokenize_here: Callable[[Sequence[str], str], list]) -> None:
    with conn:
        while True:
            try:
                request = conn.recv()
            except (OSError, EOFError):
                return
            try:
                fields, chunks = request
                reply = ("ok", tokenize_here(chunks, fields))
            except Exception as error:  # a bad request is answered, not fatal
                reply = ("error", f"{type(error).__name__}: {error}")
            try:
                conn.send(reply)
            except OSError:
                return


def _watch(parent: int, path: str) -> None:
    """The server leaves when its keeper is gone (killed: it could not stop the server)."""
    while os.getppid() == parent:
        time.sleep(WATCH_SECONDS)
    with contextlib.suppress(OSError):
        os.unlink(path)
    os._exit(0)


def keep(path: str) -> None:
    """The keeper: hold the socket's lock, run the server in a child and start it again
    when it dies; leave (stopping the server) when the app server's master is gone."""
    master = os.getppid()
    with open(f"{path}.lock", "a") as lock:
        # A master started while its predecessor's analyser is still there (a restart)
        # waits for that one to leave: one server per socket.
        while True:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if os.getppid() != master:
                    return
                time.sleep(WATCH_SECONDS)
        server, started, pause = 0, 0.0, 1.0
        try:
            while os.getppid() == master:
                if not server:
                    started = time.monotonic()
                    server = os.fork()
                    if server == 0:
                        _serve_in_child(path)
                pid, status = os.waitpid(server, os.WNOHANG)
                if pid:
                    server = 0
                    logger.warning(
                        "The Japanese analyser stopped (%s); starting it again", _ended(status)
                    )
                    if time.monotonic() - started < QUICK_DEATH_SECONDS:
                        time.sleep(pause)
                        pause = min(pause * 2, RESTART_PAUSE_MAX_SECONDS)
                    else:
                        pause = 1.0
                    continue
                time.sleep(WATCH_SECONDS)
        finally:
            if server:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(server, signal.SIGTERM)
                os.waitpid(server, 0)
                with contextlib.suppress(OSError):
                    os.unlink(path)


def _serve_in_child(path: str) -> None:
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    try:
        serve(path, keeper=os.getppid())
    except BaseException:
        logger.exception("The Japanese analyser failed")
    finally:
        os._exit(1)


def _ended(status: int) -> str:
    if os.WIFSIGNALED(status):
        return f"signal {signal.Signals(os.WTERMSIG(status)).name}"
    return f"exit status {os.WEXITSTATUS(status)}"


def main(argv: Sequence[str]) -> None:
    if len(argv) != 1:
        sys.exit("usage: python -m search.analyser <unix socket path>")
    logging.basicConfig(
        level=logging.INFO, format="[%(asctime)s] [%(process)d] [analyser] %(message)s"
    )
    # Ctrl-C in a terminal reaches the whole process group: the master handles it, and
    # this process follows its master. A SIGTERM of its own stops it (and the server).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, lambda _signal, _frame: sys.exit(0))
    keep(argv[0])


if __name__ == "__main__":
    main(sys.argv[1:])
