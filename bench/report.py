"""Write the figures: JSON (everything), a short Markdown table, an SVG bar chart of each
scenario's requests per second as a ratio of the floor measured beside it, and the
realistic scenario's hit rate over time, as text and as SVG (no plotting library)."""

from __future__ import annotations

import json
from html import escape
from pathlib import Path

from .load import REALISTIC_MIX

# Ratios to the floor that the issue sets as targets (tier M, PostgreSQL).
RPS_TARGETS = {
    "thread_anon": 0.50,
    "thread_user": 0.25,
    "brand_list": 0.40,
    # A miss costs under 7 floors, for an ordinary thread and for a 300-answer one.
    "thread_anon_render": 0.15,
    "thread_anon_render_hot": 0.15,
    # The steady state of traffic over every thread, from an empty page cache, with writes.
    "realistic": 0.30,
}
P95_TARGETS_MS = {"search": 50.0, "post_answer": 100.0, "vote": 100.0}
QUERY_LIMITS = {"thread": 10, "list": 8}
MEMORY_GROWTH_LIMIT = 10.0
# Each worker's resident memory after the search scenario (the Japanese dictionary
# loaded once before the fork and shared).
WORKER_RSS_LIMIT_MIB = 170.0


def analyser_after_search(result: dict) -> list[dict] | None:
    """The Japanese analyser's processes (keeper and server, search/analyser.py) as the
    search scenario ended: its last memory sample. [] when the workers analysed in their own
    processes; None when not measured."""
    samples = [s for s in result.get("memory_samples") or [] if s.get("phase") == "search"]
    if not samples:
        return None
    return samples[-1].get("analyser") or []


def memory_together(result: dict) -> dict | None:
    """After the search scenario: the workers, the analyser, and both together, in MiB of
    RSS (and PSS, which counts a shared page once, when every process has it)."""
    after_search = (result.get("memory") or {}).get("after_search")
    analyser = analyser_after_search(result)
    if not after_search or analyser is None:
        return None
    processes = after_search["workers"] + analyser
    together = {
        "analyser": analyser,
        "analyser_rss_mib": round(sum(m["rss_mib"] for m in analyser), 1),
        "workers_rss_mib": round(sum(m["rss_mib"] for m in after_search["workers"]), 1),
        "rss_mib": round(sum(m["rss_mib"] for m in processes), 1),
    }
    if all("pss_mib" in m for m in processes):
        together["pss_mib"] = round(sum(m["pss_mib"] for m in processes), 1)
        together["analyser_pss_mib"] = round(sum(m["pss_mib"] for m in analyser), 1)
    return together


# What each kind of request of the realistic mix costs, priced by this run's own scenarios:
# pages by their throughput (10 connections keep the machine busy), searches and writes by
# their mean latency (2 connections measure latency, not capacity). Me-toos are priced as
# votes and profile saves as answers posted: writes of the same kind, not measured alone.
_PAGE_COSTS = {"thread_anon": "thread_anon", "thread_user": "thread_user",
               "brand_list": "brand_list"}  # fmt: skip
_LATENCY_COSTS = {"search": "search", "post_answer": "post_answer", "vote": "vote",
                  "me_too": "vote", "profile": "post_answer"}  # fmt: skip
_WRITES = ("post_answer", "vote", "me_too", "profile")


def realistic_budget(result: dict) -> dict | None:
    """The realistic mix priced in floors per request by the other scenarios of the run
    (one floor: the machine's time for one request of the floor), and what it allows: the
    ratio to the floor if every page read were a cache hit (`ceiling`), and at the measured
    hit rate with every miss costing a first read (`at_hit_rate`). None when a scenario
    it needs was not measured."""
    scenarios = {s["key"]: s for s in result["scenarios"]}
    cores = (result.get("meta") or {}).get("cores") or 0
    needed = {*_PAGE_COSTS.values(), *_LATENCY_COSTS.values(), "thread_anon_first", "realistic"}
    if not cores or not needed <= scenarios.keys():
        return None
    if any(scenarios[key]["ratio"] <= 0 for key in (*_PAGE_COSTS.values(), "thread_anon_first")):
        return None
    costs = {kind: 1 / scenarios[key]["ratio"] for kind, key in _PAGE_COSTS.items()}
    for kind, key in _LATENCY_COSTS.items():
        s = scenarios[key]
        costs[kind] = s.get("mean_ms", s["p50_ms"]) / 1000 * s["floor_rps"] / cores
    weight = sum(REALISTIC_MIX.values())
    spent = {kind: REALISTIC_MIX[kind] * costs[kind] for kind in REALISTIC_MIX}
    at_ceiling = sum(spent.values())
    # The measured hit rate counts every response; only page reads can hit.
    reads = sum(REALISTIC_MIX[kind] for kind in _PAGE_COSTS) / weight
    page_hits = min(1.0, scenarios["realistic"]["hit_rate"] / reads)
    first_read = 1 / scenarios["thread_anon_first"]["ratio"]
    missing = REALISTIC_MIX["thread_anon"] * (1 - page_hits) * (first_read - costs["thread_anon"])
    return {
        "costs": {kind: round(cost, 1) for kind, cost in costs.items()},
        "first_read": round(first_read, 1),
        "ceiling": round(weight / at_ceiling, 3),
        "page_hit_rate": round(page_hits, 3),
        "at_hit_rate": round(weight / (at_ceiling + missing), 3),
        "search_share": round(spent["search"] / at_ceiling, 3),
        "writes_share": round(sum(spent[kind] for kind in _WRITES) / at_ceiling, 3),
    }


def targets(result: dict) -> list[dict]:
    """Each target of the issue with the measured value and whether it is met."""
    rows: list[dict] = []
    scenarios = {s["key"]: s for s in result["scenarios"]}
    for key, limit in RPS_TARGETS.items():
        if key in scenarios:
            ratio = scenarios[key]["ratio"]
            rows.append(_row(f"{scenarios[key]['label']}: req/s ≥ {limit:.0%} of floor",
                             f"{ratio:.0%}", ratio >= limit))  # fmt: skip
    for key in RPS_TARGETS:
        if key in scenarios:
            errors = scenarios[key]["errors"]
            rows.append(_row(f"{scenarios[key]['label']}: no errors", str(errors), errors == 0))
    q = result["queries"]
    for name, limit_key in (
        ("thread_anon_render", "thread"),
        ("thread_user", "thread"),
        ("brand_list_render", "list"),
        ("brand_list_me_too", "list"),
        ("brand_list_user", "list"),
    ):
        if name in q:
            limit = QUERY_LIMITS[limit_key]
            rows.append(_row(f"queries: {name} ≤ {limit}", str(q[name]), q[name] <= limit))
    for small, hot in (
        ("thread_anon_render", "thread_anon_render_hot"),
        ("thread_user", "thread_user_hot"),
    ):
        if small in q and hot in q:
            rows.append(
                _row(
                    f"queries: {small} the same with 100+ answers",
                    f"{q[small]} / {q[hot]}",
                    q[small] == q[hot],
                )
            )
    for key, limit in P95_TARGETS_MS.items():
        if key in scenarios:
            p95 = scenarios[key]["p95_ms"]
            rows.append(_row(f"{scenarios[key]['label']}: p95 < {limit:.0f} ms", f"{p95} ms",
                             p95 < limit))  # fmt: skip
    after_search = (result.get("memory") or {}).get("after_search")
    if not after_search:
        rows.append(_row(f"worker RSS after search ≤ {WORKER_RSS_LIMIT_MIB:.0f} MiB",
                         "not measured", False))  # fmt: skip
    else:
        rss = after_search["max_rss_mib"]
        value = f"{rss} MiB"
        if "max_pss_mib" in after_search:
            value += f" (PSS {after_search['max_pss_mib']} MiB)"
        together = memory_together(result)
        if together and together["analyser"]:
            # The dictionary moved, not vanished: the analyser and the total beside it.
            value += (
                f"; analyser {together['analyser_rss_mib']} MiB; workers and analyser "
                f"{together['rss_mib']} MiB"
            )
        rows.append(_row(f"worker RSS after search ≤ {WORKER_RSS_LIMIT_MIB:.0f} MiB (largest)",
                         value, rss <= WORKER_RSS_LIMIT_MIB))  # fmt: skip
    # Growth over the scenario runs mostly measures warm-up (each scenario loads new code
    # and, for search, the Japanese dictionary); the target is judged on the soak, which
    # starts with warm workers.
    memory = result.get("soak", {}).get("memory") or {}
    if not memory:
        rows.append(_row("worker memory growth < 10%", "not measured (--soak 600)", False))
    else:
        growth = memory["growth_percent"]
        seconds = memory["seconds"]
        rows.append(
            _row(
                f"worker memory growth < {MEMORY_GROWTH_LIMIT:.0f}% (over {seconds} s)",
                f"{growth:+.1f}%",
                growth < MEMORY_GROWTH_LIMIT,
            )
        )
    return rows


def _row(target: str, value: str, met: bool) -> dict:
    return {"target": target, "value": value, "met": met}


def markdown(result: dict) -> str:
    meta = result["meta"]
    lines = [
        f"### Tier {meta['tier']} — {meta['measured_at'][:16].replace('T', ' ')} UTC",
        "",
        f"{meta['threads']:,} threads, {meta['answers']:,} answers, "
        f"{meta['helpful_votes']:,} helpful votes, {meta['users']:,} members; "
        f"{meta['cores']} cores, gunicorn {meta['workers']} sync workers, "
        f"wrk {meta['connections']} connections ({meta['cores']} for search, posting and "
        f"voting, whose targets are latencies), {meta['duration']} s per scenario; "
        f"PostgreSQL {meta['postgres']}; cache: {meta['cache']}.",
        "",
        "| scenario | req/s | × floor | × floor before/after | p50 ms | p95 ms | p99 ms "
        "| p95 × floor | errors | queries/req | cache hits |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for s in result["scenarios"]:
        queries = s.get("queries")
        if s.get("queries_hot") is not None and s["queries_hot"] != queries:
            queries = f"{queries} ({s['queries_hot']} hot)"
        before_after = s.get("ratio_before_after")
        lines.append(
            f"| {s['label']} | {s['rps']:,.0f} | {s['ratio']:.2f} "
            f"| {'' if before_after is None else f'{before_after:.2f}'} | {s['p50_ms']} "
            f"| {s['p95_ms']} | {s['p99_ms']} | {s['p95_ratio']:.1f} "
            f"| {s['errors']} ({s['error_rate']:.2%}) | {'' if queries is None else queries} "
            f"| {s.get('cache_hit_rate', 0):.0%} |"
        )
    for s in result.get("unavailable", []):
        lines.append(f"| {s['label']} | not available | | | | | | | | | |")
    warmed = [s for s in result["scenarios"] if s.get("warmed")]
    if warmed:
        parts = ", ".join(
            f"{s['label']} {s['warmed']['pages']:,} pages in {s['warmed']['seconds']} s"
            for s in warmed
        )
        lines += [
            "",
            "Cached scenarios start from a warm page cache, as on a site that has been up a "
            f"while: every distinct page of the plan was read once before measuring ({parts}).",
        ]
    floor = result.get("floor") or {}
    if len(floor.get("runs", [])) > 2:
        rates = [f["rps"] for f in floor["runs"]]
        lines += [
            "",
            f"The floor was measured {len(rates)} times, between the scenarios: "
            f"{min(rates):,.0f}–{max(rates):,.0f} req/s (spread {floor['spread']:.0%}). Each "
            "scenario's × floor is against the two floors measured beside it; "
            f"before/after is against the mean of the first and the last "
            f"({floor['before_after_rps']:,.0f} req/s), as earlier reports were.",
        ]
    hot = next((s for s in result["scenarios"] if s["key"] == "thread_anon_render_hot"), None)
    if hot and hot.get("answers"):
        lines += ["", f"The hot thread measured not cached has {hot['answers']} answers."]
    memory = result.get("memory")
    if memory:
        lines += [
            "",
            f"Worker memory (RSS per worker, {memory['workers']} workers, {memory['seconds']} s "
            f"of load): {memory['start_mib_per_worker']} → {memory['end_mib_per_worker']} MiB "
            f"({memory['growth_percent']:+.1f}%), peak {memory['peak_mib_per_worker']} MiB.",
        ]
    after_search = (memory or {}).get("after_search")
    if after_search:
        per_worker = ", ".join(
            f"{m['rss_mib']}"
            + (f" (PSS {m['pss_mib']}, USS {m['uss_mib']})" if "pss_mib" in m else "")
            for m in after_search["workers"]
        )
        lines += ["", f"Worker memory after the search scenario, MiB RSS: {per_worker}."]
    together = memory_together(result)
    if together and together["analyser"]:
        processes = ", ".join(
            f"{m['rss_mib']}" + (f" (PSS {m['pss_mib']})" if "pss_mib" in m else "")
            for m in together["analyser"]
        )
        lines += [
            "",
            "The Japanese analyser, a process the workers share (its keeper and the server "
            f"holding the dictionary), after the search scenario, MiB RSS: {processes}. "
            f"Workers and analyser together: {together['workers_rss_mib']} + "
            f"{together['analyser_rss_mib']} = {together['rss_mib']} MiB RSS"
            + (f", {together['pss_mib']} MiB PSS" if "pss_mib" in together else "")
            + ".",
        ]
    elif together:
        lines += ["", "Each worker analysed Japanese in its own process (no analyser process)."]
    realistic = next((s for s in result["scenarios"] if s["key"] == "realistic"), None)
    if realistic:
        ramp = realistic["ramp"]
        lines += [
            "",
            f"Realistic traffic, from an empty page cache: {ramp['seconds']} s of ramp "
            f"({ramp['rps']:,.0f} req/s, {ramp['cache_hit_rate']:.0%} hits), then "
            f"{realistic['seconds']} s measured: {realistic['rps']:,.0f} req/s, "
            f"{realistic['ratio']:.0%} of the floor beside it, {realistic['hit_rate']:.0%} hits, "
            f"{realistic['errors']} errors"
            + ("" if realistic.get("steady") else "; the hit rate was still climbing")
            + (
                ""
                if realistic.get("cache_emptied", True)
                else "; the page cache could not be emptied first (no Redis)"
            )
            + (
                "; the plan went round (pages were read again)"
                if realistic.get("plan_went_round")
                else ""
            )
            + ".",
            "",
            "```",
            *text_hit_rate(realistic),
            "```",
        ]
        budget = realistic_budget(result)
        if budget:
            costs = budget["costs"]
            lines += [
                "",
                "The realistic mix priced by this run's other scenarios, in floors per request:"
                f" a cached thread page {costs['thread_anon']}, a first read "
                f"{budget['first_read']}, a signed-in page {costs['thread_user']}, a list "
                f"{costs['brand_list']}, a search {costs['search']}, an answer posted "
                f"{costs['post_answer']}, a vote {costs['vote']}. If every page read were a "
                f"cache hit, the mix could reach at most {budget['ceiling']:.0%} of the floor "
                f"(searches {budget['search_share']:.0%} of its cost, writes "
                f"{budget['writes_share']:.0%}); with {budget['page_hit_rate']:.0%} of page "
                f"reads hits and every miss a first read, {budget['at_hit_rate']:.0%} "
                f"(measured: {realistic['ratio']:.0%}).",
            ]
    soak = result.get("soak")
    if soak:
        m = soak["memory"]
        lines += [
            "",
            f"Soak ({soak['seconds']} s of mixed traffic, {soak['figures']['rps']:,.0f} req/s, "
            f"{soak['figures']['errors']} errors): worker memory {m['start_mib_per_worker']} → "
            f"{m['end_mib_per_worker']} MiB ({m['growth_percent']:+.1f}%).",
        ]
    lines += ["", "```", *text_chart(result), "```"]
    lines += ["", "| target | measured | met |", "|---|---:|:---:|"]
    for row in result["targets"]:
        lines.append(f"| {row['target']} | {row['value']} | {'yes' if row['met'] else 'no'} |")
    return "\n".join(lines) + "\n"


def text_chart(result: dict, width: int = 40) -> list[str]:
    """The SVG chart's bars as text, for the Markdown table: req/s as a share of the floor,
    `|` marking the target."""
    rows = [s for s in result["scenarios"] if s["key"] != "floor"]
    label_width = max(len(s["label"]) for s in rows)
    lines = [f"{'req/s ÷ floor':<{label_width}}  0%{' ' * (width - 6)}100%"]
    for s in rows:
        filled = min(width, round(s["ratio"] * width))
        bar = ["█"] * filled + ["·"] * (width - filled)
        target = RPS_TARGETS.get(s["key"])
        if target is not None:
            bar[min(width - 1, round(target * width))] = "|"
        note = f" (target {target:.0%})" if target is not None else ""
        lines.append(f"{s['label']:<{label_width}}  {''.join(bar)} {s['ratio']:.1%}{note}")
    return lines


def text_hit_rate(scenario: dict, width: int = 40) -> list[str]:
    """The realistic scenario's hit rate over time as text bars, with req/s beside."""
    points = scenario.get("hit_rate_over_time") or []
    lines = [f"{'t (s)':>6}  hit rate{' ' * (width - 3)}req/s"]
    for point in points:
        filled = min(width, round(point["hit_rate"] * width))
        bar = "█" * filled + "·" * (width - filled)
        lines.append(f"{point['t']:>6}  {bar} {point['hit_rate']:>4.0%} {point['rps']:>8,.0f}")
    return lines


def svg_hit_rate(result: dict) -> str:
    """The realistic scenario: page-cache hit rate (bars) and req/s ÷ floor (line) over time."""
    scenario = next(s for s in result["scenarios"] if s["key"] == "realistic")
    points = scenario.get("hit_rate_over_time") or []
    width, height, left, right, top, bottom = 760, 310, 60, 60, 60, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    floor = scenario.get("floor_rps") or result["floor"]["rps"] or 1.0
    span = max([1] + [p["t"] for p in points])
    step = plot_w / max(1, len(points))
    ramp_end = scenario.get("ramp", {}).get("seconds", 0)

    def y(share: float) -> float:
        return top + plot_h * (1 - min(1.0, share))

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="13">',
        f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
        f'<text x="{left}" y="20" font-size="15" font-weight="bold">Realistic traffic from an '
        f"empty page cache — tier {escape(str(result['meta']['tier']))}</text>",
        f'<text x="{left}" y="38" fill="#555">bars: page-cache hit rate; line: req/s ÷ floor '
        f"({floor:,.0f} req/s); target {RPS_TARGETS['realistic']:.0%} dashed</text>",
    ]
    for tick in (0.0, 0.25, 0.5, 0.75, 1.0):
        parts.append(
            f'<line x1="{left}" y1="{y(tick):.1f}" x2="{width - right}" y2="{y(tick):.1f}" '
            f'stroke="#ddd"/><text x="{left - 6}" y="{y(tick) + 4:.1f}" text-anchor="end" '
            f'fill="#555">{tick:.0%}</text>'
        )
    line = []
    for n, point in enumerate(points):
        x, bar_top = left + n * step, y(point["hit_rate"])
        parts.append(
            f'<rect x="{x + 1:.1f}" y="{bar_top:.1f}" width="{max(1.0, step - 2):.1f}" '
            f'height="{top + plot_h - bar_top:.1f}" fill="#93c5fd"/>'
        )
        line.append(f"{x + step / 2:.1f},{y(point['rps'] / floor):.1f}")
    if line:
        parts.append(
            f'<polyline points="{" ".join(line)}" fill="none" stroke="#1d4ed8" stroke-width="2"/>'
        )
    target = y(RPS_TARGETS["realistic"])
    parts.append(
        f'<line x1="{left}" y1="{target:.1f}" x2="{width - right}" y2="{target:.1f}" '
        f'stroke="#111" stroke-dasharray="6 4"/>'
    )
    if points and 0 < ramp_end < span:
        x = left + plot_w * ramp_end / span
        parts.append(
            f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{top + plot_h}" stroke="#555"/>'
            f'<text x="{x + 4:.1f}" y="{top + 12}" fill="#555">steady state measured</text>'
        )
    parts.append(
        f'<text x="{left + plot_w / 2:.1f}" y="{height - 10}" text-anchor="middle" '
        f'fill="#555">seconds from the empty cache (0–{span})</text>'
    )
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def svg_chart(result: dict) -> str:
    """Horizontal bars: req/s ÷ floor per scenario, with the target as a tick."""
    rows = [s for s in result["scenarios"] if s["key"] != "floor"]
    width, left, right, bar, gap, top = 760, 250, 70, 22, 10, 46
    height = top + len(rows) * (bar + gap) + 34
    scale_max = max([1.0] + [s["ratio"] for s in rows])
    plot = width - left - right

    def x(value: float) -> float:
        return left + plot * value / scale_max

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="13">',
        f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
        f'<text x="{left}" y="20" font-size="15" font-weight="bold">'
        f"Requests per second as a share of the floor — tier {result['meta']['tier']}</text>",
        f'<text x="{left}" y="37" fill="#555">floor = bare Django view, same size, same '
        f"server, measured beside each scenario: {result['floor']['rps']:,.0f} req/s on "
        "average; ticks mark targets</text>",
    ]
    for tick in (0.25, 0.5, 0.75, 1.0):
        if tick <= scale_max:
            parts.append(
                f'<line x1="{x(tick):.1f}" y1="{top - 4}" x2="{x(tick):.1f}" '
                f'y2="{height - 28}" stroke="#ddd"/>'
                f'<text x="{x(tick):.1f}" y="{height - 12}" text-anchor="middle" '
                f'fill="#555">{tick:.0%}</text>'
            )
    for n, s in enumerate(rows):
        y = top + n * (bar + gap)
        target = RPS_TARGETS.get(s["key"])
        colour = "#2563eb" if target is None else ("#16a34a" if s["ratio"] >= target else "#dc2626")
        parts.append(
            f'<text x="{left - 8}" y="{y + bar * 0.7:.1f}" text-anchor="end">'
            f"{escape(s['label'])}</text>"
            f'<rect x="{left}" y="{y}" width="{max(1.0, x(s["ratio"]) - left):.1f}" '
            f'height="{bar}" fill="{colour}"/>'
            f'<text x="{x(s["ratio"]) + 6:.1f}" y="{y + bar * 0.7:.1f}">{s["ratio"]:.0%}</text>'
        )
        if target is not None:
            parts.append(
                f'<line x1="{x(target):.1f}" y1="{y - 3}" x2="{x(target):.1f}" '
                f'y2="{y + bar + 3}" stroke="#111" stroke-width="2"/>'
            )
    parts.append(f'<line x1="{left}" y1="{top - 4}" x2="{left}" y2="{height - 28}" stroke="#333"/>')
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def write(result: dict, out: Path) -> dict[str, Path]:
    out.mkdir(parents=True, exist_ok=True)
    tier = result["meta"]["tier"]
    paths = {
        "json": out / f"bench-{tier}.json",
        "markdown": out / f"bench-{tier}.md",
        "chart": out / f"bench-{tier}.svg",
    }
    paths["json"].write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    paths["markdown"].write_text(markdown(result))
    paths["chart"].write_text(svg_chart(result))
    if any(s["key"] == "realistic" for s in result["scenarios"]):
        paths["hit_rate_chart"] = out / f"bench-{tier}-realistic.svg"
        paths["hit_rate_chart"].write_text(svg_hit_rate(result))
    return paths
