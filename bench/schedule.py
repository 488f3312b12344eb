"""The order of the runs, and each scenario's ratio to the floor measured next to it.

On a shared machine the load from elsewhere changes while the benchmark runs: a floor
measured only before and after every scenario (once sixteen minutes apart) says little
about the machine a scenario in the middle met. So the floor runs between scenarios,
interleaved (floor, scenario, floor, scenario, ..., floor), and each scenario is divided by
the mean of the two floors beside it. The ratio to the mean of the first and the last floor
is kept too (`ratio_before_after`), for comparison with earlier reports.
"""

from __future__ import annotations

FLOOR = "floor"
PERCENTILES = ("p50", "p95", "p99")


def interleave(order: list[str]) -> list[str]:
    """floor, first scenario, floor, second scenario, ..., last scenario, floor."""
    sequence = [FLOOR]
    for key in order:
        sequence += [key, FLOOR]
    return sequence


def beside_floor(runs: list[dict]) -> list[dict]:
    """The scenarios of `runs` (measured in `interleave` order: dicts with `key`, `rps` and
    `p50_ms`/`p95_ms`/`p99_ms`) with their ratios to the floors measured just before and
    just after them, and to the first and last floors."""
    floors = [n for n, run in enumerate(runs) if run["key"] == FLOOR]
    if not floors:
        raise ValueError("no floor was measured")
    outer = [runs[floors[0]], runs[floors[-1]]]
    scenarios = []
    for n, run in enumerate(runs):
        if run["key"] == FLOOR:
            continue
        before = max((f for f in floors if f < n), default=None)
        after = min((f for f in floors if f > n), default=None)
        beside = [runs[f] for f in (before, after) if f is not None]
        floor = _mean(beside)
        scenario = {**run, "floor_rps": floor["rps"], "floors_beside": [before, after]}
        scenario["ratio"] = _ratio(run["rps"], floor["rps"], 3)
        scenario["ratio_before_after"] = _ratio(run["rps"], _mean(outer)["rps"], 3)
        for p in PERCENTILES:
            scenario[f"{p}_ratio"] = _ratio(run[f"{p}_ms"], floor[f"{p}_ms"], 2)
        scenarios.append(scenario)
    return scenarios


def floor_summary(runs: list[dict]) -> dict:
    """Every floor run, their mean, and the mean of the first and last (the old floor)."""
    floors = [run for run in runs if run["key"] == FLOOR]
    mean = _mean(floors)
    return {
        **{k: round(v, 2) for k, v in mean.items()},
        "before_after_rps": round(_mean([floors[0], floors[-1]])["rps"], 1),
        "spread": round(
            (max(f["rps"] for f in floors) - min(f["rps"] for f in floors)) / mean["rps"], 3
        )
        if mean["rps"]
        else 0.0,
        "runs": floors,
    }


def _mean(runs: list[dict]) -> dict:
    keys = ("rps", *(f"{p}_ms" for p in PERCENTILES))
    return {k: sum(run[k] for run in runs) / len(runs) for k in keys}


def _ratio(value: float, floor: float, digits: int) -> float:
    return round(value / floor, digits) if floor else 0.0
