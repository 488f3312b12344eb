"""The Japanese dictionary is loaded once, before the app server forks, and shared: the
benchmark's server and the deployed one preload the application, the WSGI module warms the
analyser, and every thread's tokenizer reads the one dictionary. The benchmark reports each
worker's RSS, and PSS and USS where the kernel shows them."""

import configparser
import os
import subprocess
import sys
from pathlib import Path

from bench.server import Server, worker_memory

REPO = Path(__file__).resolve().parents[2]


def test_the_benchmark_server_preloads_the_application(tmp_path):
    server = Server({}, 8123, 2, tmp_path / "gunicorn.log")
    command = server.command()
    assert command[1] == "community.wsgi"
    assert "--preload" in command


def test_the_deployed_app_server_preloads_the_application():
    supervisord = configparser.ConfigParser(strict=False, interpolation=None)
    supervisord.read(REPO / "deploy" / "supervisord.conf")
    assert "--preload" in supervisord["program:sodan-web"]["command"].split()
    systemd = configparser.ConfigParser(strict=False, interpolation=None)
    systemd.optionxform = str
    systemd.read(REPO / "deploy" / "systemd" / "sodan-web.service")
    assert "--preload" in systemd["Service"]["ExecStart"].split()


def test_loading_the_wsgi_module_loads_the_dictionary_once_for_every_thread():
    """What the master does before forking: after `import community.wsgi` the dictionary is
    loaded, and a request thread's analysis reads that one rather than loading another."""
    script = (
        "import threading, community.wsgi\n"
        "from search import analysis\n"
        "loaded = analysis._dictionary.cache_info().currsize\n"
        "out = []\n"
        "t = threading.Thread(target=lambda: out.append(analysis.analyze('充電できない')))\n"
        "t.start(); t.join()\n"
        "print(loaded, analysis._dictionary.cache_info().misses, out[0])\n"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "community.settings"}
    env.pop("DATABASE_URL", None)
    completed = subprocess.run(  # noqa: S603 - this interpreter, a script of our own
        [sys.executable, "-c", script],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert completed.stdout.split() == ["1", "1", "['充電',", "'出来る']"]


def test_worker_memory_reads_rss_and_the_shared_share_of_it():
    figures = worker_memory(os.getpid())
    assert figures["pid"] == os.getpid()
    assert figures["rss_mib"] > 1
    if Path(f"/proc/{os.getpid()}/smaps_rollup").exists():
        assert 0 < figures["uss_mib"] <= figures["pss_mib"] <= figures["rss_mib"]


def test_a_process_that_is_gone_has_no_memory():
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    assert worker_memory(process.pid) is None
