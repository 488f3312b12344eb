"""The Japanese analyser in a process of its own (search/analyser.py): the app server's
workers send it their texts instead of each holding the dictionary. What a reader sees
must not depend on it: the same terms, the same index, the same results and snippets,
whether texts are analysed in process, by the analyser, or in process again because the
analyser died; and the analyser never outlives the master that started it."""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from search import analyser, analysis, highlight, services
from search.relevance import load_collection, load_into_database

ROOT = Path(__file__).resolve().parents[2]

# English, codes and mixed text beside the relevance collection's Japanese, and a text
# longer than the tokenizer takes at once (analysis.CHUNK_CHARS).
MORE_TEXTS = [
    "My EOS 5D shows E-203 after the firmware update; Wi-Fi (WPA3) keeps dropping.",
    "Batteries drain overnight, even with the screen off. iPhone 15 Pro, iOS 17.2.1.",
    "ＥＯＳ５Ｄで「Ｅ－２０３」が出る。濡れた後、ぬれる前と同じようにできない。",
    "充電器を替えても充電できません。バッテリーの交換は出来ますか？" * 300,
    "",
    "   \n\t ",
    "!!! ??? ---",
]


def _alive(pid: int) -> bool:
    """Running (a zombie, which a killed master leaves until someone reaps it, is not)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] not in {"Z", "X"}


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                stat = (entry / "stat").read_text()
                if int(stat.rsplit(")", 1)[1].split()[1]) == pid and _alive(int(entry.name)):
                    found.append(int(entry.name))
    return found


def _wait(condition, *, timeout: float = 10.0, what: str):
    deadline = time.monotonic() + timeout
    while not (value := condition()):
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.05)
    return value


def _forget() -> None:
    """What a worker remembers between calls: readings, snippets, its connection and
    whether the analyser failed lately."""
    analysis._reading_cache.clear()
    highlight._snippets.clear()
    analyser._disconnect()
    analyser._down_until = 0.0
    analyser._warned = False


@pytest.fixture
def socket_dir():
    # A short path: a Unix socket's path is limited to about 100 bytes.
    directory = tempfile.mkdtemp(prefix="sodan-an-")
    yield directory
    shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture
def analyser_process(settings, socket_dir):
    """The analyser, started as the app server's master starts it (this test process
    standing in for the master)."""
    _forget()
    settings.SODAN_ANALYSER_SOCKET = os.path.join(socket_dir, "analyser.sock")
    keeper = analyser.start()
    assert keeper is not None
    assert analyser._answers(settings.SODAN_ANALYSER_SOCKET)
    yield keeper
    keeper.terminate()
    keeper.wait(timeout=10)
    _forget()


def _refuse(chunks, fields):
    raise AssertionError(f"analysed in the worker, not by the analyser: {fields} {chunks[:1]}")


def _texts() -> list[str]:
    collection = load_collection()
    found = [text for t in collection.threads for text in (t.title, t.body, t.answer)]
    return found + [q.text for q in collection.queries] + MORE_TEXTS


def _analysed(texts: list[str]) -> dict[str, list]:
    return {
        "tokens_with_terms": analysis.tokens_with_terms_many(texts),
        "words": analysis.words_many(texts),
        "index_terms": [analysis.index_terms(t) for t in texts],
        "analyze_query": [analysis.analyze_query(t) for t in texts],
        "query_groups": [analysis.query_groups(t) for t in texts],
        "morphemes": [analysis.morphemes(t) for t in texts],
        "reading": [analysis.reading(form) for form in ("濡れる", "ぬれる", "充電", "Wi-Fi")],
    }


def test_nothing_is_started_unless_a_socket_is_configured(settings):
    settings.SODAN_ANALYSER_SOCKET = ""
    assert analyser.start() is None
    assert analyser.tokenize(["充電"], analysis.TERMS) is None


def test_the_analyser_process_analyses_as_this_process_does(settings, analyser_process):
    texts = _texts()
    settings.SODAN_ANALYSER_SOCKET, socket = "", settings.SODAN_ANALYSER_SOCKET
    here = _analysed(texts)
    assert analysis.analyze_query("充電できない") == ["充電", "出来る"]
    settings.SODAN_ANALYSER_SOCKET = socket
    _forget()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(analysis, "tokenize_here", _refuse)
        there = _analysed(texts)
    for name, expected in here.items():
        assert there[name] == expected, name


def _page(text: str) -> tuple:
    """A search page as a reader sees it: which threads, in which order, and the marked
    title, question and answer of each."""
    highlight._snippets.clear()
    page = services.threads_search(text=text)
    return page.total, [
        (
            item.thread.pk,
            str(item.title),
            str(item.snippet),
            item.answer_snippet and str(item.answer_snippet),
        )
        for item in page.items
    ]


@pytest.mark.django_db
def test_search_gives_the_same_page_through_the_analyser_and_after_it_died(
    settings, analyser_process, caplog
):
    socket = settings.SODAN_ANALYSER_SOCKET
    settings.SODAN_ANALYSER_SOCKET = ""
    load_into_database(load_collection())
    queries = [q.text for q in load_collection().queries][::3]
    queries += ["firmware update E-203", "充電できない", "バッテリー 交換"]
    here = [_page(q) for q in queries]
    assert sum(bool(items) for _total, items in here) > len(queries) // 2
    assert any("<mark>" in title for _total, items in here for _pk, title, *_ in items)

    settings.SODAN_ANALYSER_SOCKET = socket
    _forget()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(analysis, "tokenize_here", _refuse)
        services.reindex(resume=False)  # indexed through the analyser, too
        assert [_page(q) for q in queries] == here

    # The server is killed: its keeper starts another, and pages stay the same meanwhile.
    (server,) = _children(analyser_process.pid)
    os.kill(server, signal.SIGKILL)
    assert [_page(q) for q in queries] == here
    _wait(
        lambda: (
            [pid for pid in _children(analyser_process.pid) if pid != server]
            and analyser._answers(socket)
        ),
        what="the keeper to start the analyser again",
    )
    _forget()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(analysis, "tokenize_here", _refuse)
        assert [_page(q) for q in queries] == here

    # The whole analyser is gone: the worker analyses in its own process, and says so once.
    analyser_process.terminate()
    analyser_process.wait(timeout=10)
    caplog.set_level(logging.WARNING, logger="search.analyser")
    caplog.clear()
    assert [_page(q) for q in queries] == here
    warnings = [r for r in caplog.records if r.name == "search.analyser"]
    assert len(warnings) == 1
    assert socket in warnings[0].getMessage()


@pytest.mark.django_db
def test_a_page_of_results_asks_the_analyser_once_for_its_snippets(
    settings, analyser_process, monkeypatch
):
    from tests.qa.factories import AnswerFactory, ThreadFactory

    settings.SODAN_ANALYSER_SOCKET, socket = "", settings.SODAN_ANALYSER_SOCKET
    for n in range(20):  # indexed in process, as Celery does
        thread = ThreadFactory(
            title=f"バッテリーが充電できない {n}", body="充電器を替えても充電が出来ません"
        )
        AnswerFactory(thread=thread, body="ケーブルを替えると直りました")
        AnswerFactory(thread=thread, body="バッテリーの交換で充電できました")
    services.outbox_process()
    settings.SODAN_ANALYSER_SOCKET = socket
    monkeypatch.setattr(analysis, "tokenize_here", _refuse)
    _forget()
    services.threads_search(text="バッテリー")  # the query's readings are remembered

    calls: list[tuple] = []
    ask = analyser._ask
    monkeypatch.setattr(
        analyser, "_ask", lambda path, request: calls.append(request) or ask(path, request)
    )
    highlight._snippets.clear()
    page = services.threads_search(text="バッテリー")
    assert len(page.items) == 20
    assert all("<mark>バッテリー</mark>" in str(item.title) for item in page.items)
    assert all("<mark>バッテリー</mark>" in str(item.answer_snippet) for item in page.items)
    # The query's terms and its words, then the titles, questions and first answers
    # together, then the answers after a first that did not match: at most four calls,
    # where analysing text by text would make 2 + 20 × 3.
    assert len(calls) <= 4


def _master(socket: str, *, then: str) -> subprocess.Popen:
    """A stand-in for the app server's master: starts the analyser, says so, then `then`."""
    code = f"from search import analyser\nanalyser.start()\nprint('started', flush=True)\n{then}\n"
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    return subprocess.Popen(  # noqa: S603 - this interpreter, our code
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**env, "SODAN_ANALYSER_SOCKET": socket},
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )


@pytest.mark.parametrize("how", ["killed", "exits"])
def test_the_analyser_stops_with_its_master(socket_dir, how):
    socket = os.path.join(socket_dir, "analyser.sock")
    master = _master(socket, then="import sys; sys.stdin.read()")  # until its input ends
    try:
        assert master.stdout.readline().strip() == "started"
        (keeper,) = _wait(lambda: _children(master.pid), what="the keeper")
        (server,) = _wait(lambda: _children(keeper), what="the server")
        assert analyser._answers(socket)
        if how == "killed":
            master.kill()
        else:
            master.stdin.close()
            assert master.wait(timeout=10) == 0
        _wait(lambda: not _alive(keeper) and not _alive(server), what="the analyser to stop")
        assert not os.path.exists(socket)
    finally:
        master.kill()
        master.wait()


def test_an_app_server_worker_analyses_without_a_dictionary_of_its_own(socket_dir):
    """What gunicorn --preload does: the master imports community.wsgi, which starts the
    analyser without loading the dictionary; a worker forked from it analyses through the
    analyser, and the dictionary's file is mapped in neither."""
    script = (
        "import os, community.wsgi\n"
        "from search import analysis\n"
        "def mapped(): return 'system.dic' in open('/proc/self/maps').read()\n"
        "print('master', analysis._dictionary.cache_info().currsize, mapped(), flush=True)\n"
        "pid = os.fork()\n"
        "if pid == 0:\n"
        "    terms = analysis.analyze_query('充電できない')\n"
        "    print('worker', analysis._dictionary.cache_info().currsize, mapped(), terms,\n"
        "          flush=True)\n"
        "    os._exit(0)\n"
        "os.waitpid(pid, 0)\n"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "community.settings"}
    env["SODAN_ANALYSER_SOCKET"] = os.path.join(socket_dir, "analyser.sock")
    env.pop("DATABASE_URL", None)
    completed = subprocess.run(  # noqa: S603 - this interpreter, a script of our own
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert completed.stdout.splitlines() == [
        "master 0 False",
        "worker 0 False ['充電', '出来る']",
    ]


def test_the_deployed_app_server_runs_the_analyser_and_the_celery_workers_do_not():
    import configparser

    systemd = {}
    for unit in ("sodan-web", "sodan-worker@", "sodan-beat"):
        parser = configparser.ConfigParser(strict=False, interpolation=None)
        parser.optionxform = str
        parser.read(ROOT / "deploy" / "systemd" / f"{unit}.service")
        systemd[unit] = parser["Service"]
    web = systemd.pop("sodan-web")
    assert web["Environment"] == "SODAN_ANALYSER_SOCKET=/run/sodan-web/analyser.sock"
    assert web["RuntimeDirectory"] == "sodan-web"
    assert web["RuntimeDirectoryMode"] == "0700"
    assert all("SODAN_ANALYSER_SOCKET" not in str(dict(s)) for s in systemd.values())

    supervisord = configparser.ConfigParser(strict=False, interpolation=None)
    supervisord.read(ROOT / "deploy" / "supervisord.conf")
    programs = {name: supervisord[name] for name in supervisord.sections() if "program:" in name}
    web = programs.pop("program:sodan-web")
    assert web["environment"] == 'SODAN_ANALYSER_SOCKET="%(ENV_SODAN_RUN_DIR)s/analyser.sock"'
    assert all("SODAN_ANALYSER_SOCKET" not in str(dict(p)) for p in programs.values())
