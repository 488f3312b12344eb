"""The report shows what a reader of the README looks for: the realistic scenario with its
hit rate over time, the not-cached pages, the worker memory after search, and each target
of the issue met or not."""

import xml.etree.ElementTree as ET

import pytest

from bench import load, report


def _scenario(key: str, label: str, rps: float, floor_rps: float = 1000.0, **extra) -> dict:
    return {
        "key": key, "label": label, "rps": rps, "ratio": round(rps / floor_rps, 3),
        "ratio_before_after": round(rps / 900, 3), "floor_rps": floor_rps,
        "p50_ms": 5.0, "p95_ms": 20.0, "p99_ms": 40.0, "p50_ratio": 1.0, "p95_ratio": 2.0,
        "p99_ratio": 2.0, "errors": 0, "error_rate": 0.0, "cache_hit_rate": 0.0,
        "queries": 6, "queries_hot": None, **extra,
    }  # fmt: skip


@pytest.fixture
def result() -> dict:
    points = [
        {"t": 10, "requests": 2000, "hit_rate": 0.12, "rps": 200.0},
        {"t": 20, "requests": 3000, "hit_rate": 0.45, "rps": 300.0},
        {"t": 30, "requests": 3500, "hit_rate": 0.61, "rps": 350.0},
        {"t": 40, "requests": 3600, "hit_rate": 0.63, "rps": 360.0},
    ]
    scenarios = [
        _scenario("floor", "floor (bare view, same size)", 1000.0),
        _scenario("thread_anon", "thread page, anonymous", 620.0, cache_hit_rate=1.0),
        _scenario("thread_anon_render", "thread page, anonymous, not cached", 160.0),
        _scenario(
            "thread_anon_render_hot",
            "thread page, anonymous, not cached, hot thread",
            40.0,
            answers=300,
        ),
        _scenario(
            "realistic",
            "realistic traffic, from an empty cache",
            355.0,
            floor_rps=1100.0,
            cache_hit_rate=0.62,
            hit_rate=0.62,
            hit_rate_over_time=points,
            steady=True,
            seconds=20.0,
            ramp={
                "seconds": 20.0,
                "requests": 5000,
                "rps": 250.0,
                "errors": 0,
                "cache_hit_rate": 0.3,
            },
            plan_went_round=False,
        ),
    ]
    result = {
        "meta": {
            "tier": "XS",
            "measured_at": "2026-12-03T16:00:00+00:00",
            "threads": 400,
            "answers": 1500,
            "helpful_votes": 15000,
            "users": 300,
            "cores": 2,
            "workers": 5,
            "connections": 10,
            "duration": 20,
            "postgres": "17.2",
            "cache": "Redis",
        },
        "floor": {
            "rps": 1000.0,
            "before_after_rps": 950.0,
            "spread": 0.2,
            "runs": [{"rps": 900.0}, {"rps": 1100.0}, {"rps": 1000.0}, {"rps": 1000.0}],
        },
        "scenarios": scenarios,
        "queries": {"thread_anon_render": 6, "thread_anon_render_hot": 6},
        "memory": {
            "workers": 2,
            "seconds": 100,
            "start_mib_per_worker": 90.0,
            "end_mib_per_worker": 110.0,
            "growth_percent": 22.2,
            "peak_mib_per_worker": 120.0,
            "after_search": {
                "workers": [
                    {"pid": 1, "rss_mib": 150.2, "pss_mib": 70.1, "uss_mib": 40.0},
                    {"pid": 2, "rss_mib": 181.0, "pss_mib": 80.5, "uss_mib": 44.0},
                ],
                "max_rss_mib": 181.0,
                "max_pss_mib": 80.5,
            },
        },
    }
    result["targets"] = report.targets(result)
    return result


def _target(result: dict, starting: str) -> dict:
    return next(row for row in result["targets"] if row["target"].startswith(starting))


def test_the_targets_of_the_issue_are_shown_met_or_not(result):
    realistic = _target(result, "realistic traffic, from an empty cache: req/s ≥ 30%")
    assert realistic == {"target": realistic["target"], "value": "32%", "met": True}
    assert _target(result, "realistic traffic, from an empty cache: no errors")["met"]
    assert _target(result, "thread page, anonymous, not cached: req/s ≥ 15%")["met"]
    hot = _target(result, "thread page, anonymous, not cached, hot thread: req/s ≥ 15%")
    assert hot["value"] == "4%"
    assert not hot["met"]
    memory = _target(result, "worker RSS after search ≤ 170 MiB")
    assert memory["value"] == "181.0 MiB (PSS 80.5 MiB)"
    assert not memory["met"]
    # The targets there were before are kept.
    assert _target(result, "thread page, anonymous: req/s ≥ 50%")["met"]


def test_an_unmeasured_target_is_not_met(result):
    del result["memory"]["after_search"]
    result["scenarios"] = [s for s in result["scenarios"] if s["key"] != "realistic"]
    targets = report.targets(result)
    assert {"target": "worker RSS after search ≤ 170 MiB", "value": "not measured",
            "met": False} in targets  # fmt: skip
    assert not any(row["target"].startswith("realistic") for row in targets)


def test_the_markdown_shows_the_realistic_scenario_with_its_hit_rate_chart(result):
    text = report.markdown(result)
    row = next(line for line in text.splitlines() if line.startswith("| realistic"))
    assert "| 355 | 0.32 | 0.39 |" in row  # × the floor beside it, × the old floor
    assert "| 62% |" in row
    assert "62% hits" in text
    chart = [line for line in text.splitlines() if "█" in line and line.strip()[:2].isdigit()]
    assert len(chart) == 4
    assert chart[0].split()[0] == "10"
    assert chart[0].count("█") == round(0.12 * 40)
    assert "45%" in chart[1]
    assert "measured 4 times, between the scenarios: 900–1,100 req/s" in text
    assert "has 300 answers" in text
    assert "181.0 (PSS 80.5, USS 44.0)" in text
    assert "| realistic traffic, from an empty cache: req/s ≥ 30% of floor | 32% | yes |" in text


def test_a_hit_rate_still_climbing_is_said(result):
    realistic = result["scenarios"][-1]
    assert "still climbing" not in report.markdown(result)
    realistic["steady"] = False
    assert "the hit rate was still climbing" in report.markdown(result)


def test_a_cache_that_could_not_be_emptied_is_said(result):
    realistic = result["scenarios"][-1]
    realistic["cache_emptied"] = False
    assert "could not be emptied first" in report.markdown(result)


def test_the_report_writes_the_hit_rate_chart_as_svg(result, tmp_path):
    paths = report.write(result, tmp_path)
    assert paths["hit_rate_chart"].name == "bench-XS-realistic.svg"
    svg = ET.fromstring(paths["hit_rate_chart"].read_text())  # noqa: S314 - our own output
    ns = "{http://www.w3.org/2000/svg}"
    bars = [r for r in svg.iter(f"{ns}rect") if r.get("fill") == "#93c5fd"]
    assert len(bars) == 4
    heights = [float(b.get("height")) for b in bars]
    assert heights == sorted(heights)  # the hit rate climbs, and so do the bars
    assert svg.find(f"{ns}polyline") is not None
    ET.fromstring(paths["chart"].read_text())  # noqa: S314 - the bar chart still parses


def test_without_the_realistic_scenario_no_hit_rate_chart_is_written(result, tmp_path):
    result["scenarios"] = [s for s in result["scenarios"] if s["key"] != "realistic"]
    assert "hit_rate_chart" not in report.write(result, tmp_path)


def _priced(result: dict, search_mean_ms: float) -> dict:
    """Every page costing one floor, every write one floor, a search what its mean says."""
    for key in ("thread_anon", "thread_user", "brand_list", "thread_anon_first"):
        result["scenarios"] = [s for s in result["scenarios"] if s["key"] != key]
        result["scenarios"].append(_scenario(key, key, 1000.0))
    # 2 cores, a floor of 1,000 req/s: one floor is 2 ms of one core.
    for key, mean in (("search", search_mean_ms), ("post_answer", 2.0), ("vote", 2.0)):
        result["scenarios"].append(_scenario(key, key, 50.0, mean_ms=mean))
    return result


def test_the_realistic_mix_is_priced_by_the_other_scenarios(result):
    budget = report.realistic_budget(_priced(result, search_mean_ms=2.0))
    assert budget["ceiling"] == 1.0
    assert budget["costs"]["search"] == 1.0


def test_a_costly_search_bounds_what_the_realistic_mix_can_reach(result):
    budget = report.realistic_budget(_priced(result, search_mean_ms=102.0))
    weight = sum(load.REALISTIC_MIX.values())
    searches = load.REALISTIC_MIX["search"]
    # 51 floors a search, one for everything else.
    assert budget["ceiling"] == round(weight / (weight - searches + searches * 51), 3)
    assert budget["search_share"] == round(searches * 51 / (weight - searches + searches * 51), 3)
    lines = report.markdown(result)
    assert f"could reach at most {budget['ceiling']:.0%} of the floor" in lines


def test_misses_priced_as_first_reads_lower_what_the_mix_reaches(result):
    priced = _priced(result, search_mean_ms=2.0)
    first = next(s for s in priced["scenarios"] if s["key"] == "thread_anon_first")
    first["ratio"] = 0.1  # a first read costs ten floors
    budget = report.realistic_budget(priced)
    assert budget["ceiling"] == 1.0
    assert budget["at_hit_rate"] < 0.7


def test_without_the_scenarios_to_price_it_the_mix_is_not_priced(result):
    assert report.realistic_budget(result) is None
    assert "priced by this run" not in report.markdown(result)
