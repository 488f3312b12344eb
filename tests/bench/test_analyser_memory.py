"""The benchmark serves as production does, with the Japanese analyser in a process of its
own (search/analyser.py), and reports its memory beside the workers': the workers' RSS
target is only honest with the dictionary's new home and the total shown next to it."""

import copy
import os
import tempfile
from pathlib import Path

import pytest

from bench import report, server


def _scenario(key: str, label: str, rps: float) -> dict:
    return {
        "key": key, "label": label, "rps": rps, "ratio": rps / 1000,
        "ratio_before_after": rps / 1000, "floor_rps": 1000.0, "p50_ms": 5.0,
        "p95_ms": 20.0, "p99_ms": 40.0, "p50_ratio": 1.0,
        "p95_ratio": 2.0, "p99_ratio": 2.0, "errors": 0, "error_rate": 0.0,
        "cache_hit_rate": 0.0, "queries": 6, "queries_hot": None,
    }  # fmt: skip


def _result(analyser: list[dict] | None) -> dict:
    sample = {"t": 30.0, "phase": "search", "workers": {"1": 150000, "2": 151000}}
    if analyser is not None:
        sample["analyser"] = analyser
    return {
        "meta": {
            "tier": "XS",
            "measured_at": "2026-12-04T16:00:00+00:00",
            "threads": 400,
            "answers": 1500,
            "helpful_votes": 15000,
            "users": 300,
            "cores": 2,
            "workers": 2,
            "connections": 10,
            "duration": 20,
            "postgres": "15.8",
            "cache": "Redis",
        },
        "floor": {"rps": 1000.0, "before_after_rps": 1000.0, "spread": 0.0, "runs": []},
        "scenarios": [
            _scenario("floor", "floor (bare view, same size)", 1000.0),
            _scenario("search", "search", 300.0),
        ],
        "queries": {},
        "memory": {
            "workers": 2,
            "seconds": 100,
            "start_mib_per_worker": 140.0,
            "end_mib_per_worker": 150.0,
            "growth_percent": 7.1,
            "peak_mib_per_worker": 151.0,
            "after_search": {
                "workers": [
                    {"pid": 1, "rss_mib": 150.0, "pss_mib": 100.0, "uss_mib": 90.0},
                    {"pid": 2, "rss_mib": 151.0, "pss_mib": 101.0, "uss_mib": 91.0},
                ],
                "max_rss_mib": 151.0,
                "max_pss_mib": 101.0,
            },
        },
        "memory_samples": [
            {"t": 10.0, "phase": "floor", "workers": {"1": 140000, "2": 141000}},
            sample,
            {"t": 40.0, "phase": "vote", "workers": {"1": 152000, "2": 153000}},
        ],
    }


ANALYSER = [
    {"pid": 3, "rss_mib": 14.6, "pss_mib": 7.2, "uss_mib": 5.9},
    {"pid": 4, "rss_mib": 159.2, "pss_mib": 152.0, "uss_mib": 150.2},
]


def test_the_report_shows_the_analyser_and_the_total_beside_the_workers():
    result = _result(ANALYSER)
    row = next(r for r in report.targets(result) if r["target"].startswith("worker RSS"))
    assert row["value"] == (
        "151.0 MiB (PSS 101.0 MiB); analyser 173.8 MiB; workers and analyser 474.8 MiB"
    )
    assert row["met"]  # the target is the workers'; the analyser is shown beside it
    text = report.markdown({**result, "targets": report.targets(result)})
    assert "MiB RSS: 14.6 (PSS 7.2), 159.2 (PSS 152.0)." in text
    assert "together: 301.0 + 173.8 = 474.8 MiB RSS, 360.2 MiB PSS." in text


def test_the_report_says_when_each_worker_analysed_in_its_own_process():
    result = _result([])
    row = next(r for r in report.targets(result) if r["target"].startswith("worker RSS"))
    assert row["value"] == "151.0 MiB (PSS 101.0 MiB)"
    assert "no analyser process" in report.markdown({**result, "targets": []})
    old = copy.deepcopy(result)
    del old["memory_samples"]  # a result from before the analyser: nothing said of it
    assert "analyser" not in report.markdown({**old, "targets": []})


@pytest.mark.parametrize("analyser", [True, False])
def test_the_benchmark_server_starts_the_analyser_and_tells_it_from_the_workers(analyser):
    static_root = tempfile.mkdtemp(prefix="sodan-bench-test-static-")
    port = server.free_port()
    env = server.environment(
        database_url=f"sqlite:///{static_root}/unused.sqlite3",
        cache_url=None,
        broker_url=None,
        port=port,
        static_root=static_root,
        floor_bytes=1000,
    )
    srv = server.Server(env, port, 2, Path(static_root) / "gunicorn.log", analyser=analyser)
    try:
        srv.start()
        workers, analysers = srv.worker_pids(), srv.analyser_pids()
        assert len(workers) == 2
        assert len(analysers) == (2 if analyser else 0)  # the keeper and its server
        sampler = server.MemorySampler(srv)
        record = sampler.sample()
        assert set(record["workers"]) == {str(pid) for pid in workers}
        assert [m["pid"] for m in record.get("analyser", [])] == analysers
        socket = srv.analyser_socket
        assert bool(socket) == analyser
    finally:
        srv.stop()
        log = (Path(static_root) / "gunicorn.log").read_text()
        for name in os.listdir(static_root):
            os.unlink(os.path.join(static_root, name))
        os.rmdir(static_root)
    assert not [pid for pid in analysers if Path(f"/proc/{pid}").exists()], log
    if socket:
        assert not os.path.exists(os.path.dirname(socket))
