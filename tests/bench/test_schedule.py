"""The floor is measured between the scenarios, and each scenario is judged against the
floor measured next to it: a machine that slows down midway must not spoil the others."""

import pytest

from bench.schedule import beside_floor, floor_summary, interleave


def _run(key: str, rps: float, p95: float = 10.0) -> dict:
    return {"key": key, "label": key, "rps": rps, "p50_ms": p95 / 2, "p95_ms": p95, "p99_ms": p95}


def test_the_floor_runs_before_between_and_after_the_scenarios():
    assert interleave(["thread_anon", "search", "realistic"]) == [
        "floor", "thread_anon", "floor", "search", "floor", "realistic", "floor",
    ]  # fmt: skip
    assert interleave([]) == ["floor"]


def test_each_scenario_is_divided_by_the_two_floors_beside_it():
    # The machine got twice as busy after the first scenario.
    runs = [
        _run("floor", 1000),
        _run("thread_anon", 600),
        _run("floor", 500),
        _run("search", 150, p95=20),
        _run("floor", 500),
    ]
    scenarios = {s["key"]: s for s in beside_floor(runs)}
    assert list(scenarios) == ["thread_anon", "search"]
    assert scenarios["thread_anon"]["floor_rps"] == 750
    assert scenarios["thread_anon"]["ratio"] == 0.8
    assert scenarios["search"]["floor_rps"] == 500
    assert scenarios["search"]["ratio"] == 0.3
    assert scenarios["search"]["p95_ratio"] == 2.0
    # Against the first and last floors only, as before, search looked worse than it is.
    assert scenarios["search"]["ratio_before_after"] == 0.2
    assert scenarios["thread_anon"]["floors_beside"] == [0, 2]


def test_the_floor_summary_keeps_every_run_and_the_old_before_and_after_mean():
    runs = [_run("floor", 1000), _run("thread_anon", 600), _run("floor", 800),
            _run("search", 100), _run("floor", 600)]  # fmt: skip
    floor = floor_summary(runs)
    assert floor["rps"] == 800
    assert floor["before_after_rps"] == 800
    assert floor["spread"] == pytest.approx(0.5)
    assert [f["rps"] for f in floor["runs"]] == [1000, 800, 600]


def test_no_floor_is_refused():
    with pytest.raises(ValueError, match="no floor"):
        beside_floor([_run("thread_anon", 600)])
