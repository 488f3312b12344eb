"""Write the figures: JSON (everything), a short Markdown table, and an SVG bar chart of
each scenario's requests per second as a ratio of the floor (no plotting library)."""

from __future__ import annotations

import json
from html import escape
from pathlib import Path

# Ratios to the floor that the issue sets as targets (tier M, PostgreSQL).
RPS_TARGETS = {"thread_anon": 0.50, "thread_user": 0.25, "brand_list": 0.40}
P95_TARGETS_MS = {"search": 50.0, "post_answer": 100.0, "vote": 100.0}
QUERY_LIMITS = {"thread": 10, "list": 8}
MEMORY_GROWTH_LIMIT = 10.0


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
        "| scenario | req/s | × floor | p50 ms | p95 ms | p99 ms | p95 × floor | errors "
        "| queries/req | cache hits |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for s in result["scenarios"]:
        queries = s.get("queries")
        if s.get("queries_hot") is not None and s["queries_hot"] != queries:
            queries = f"{queries} ({s['queries_hot']} hot)"
        lines.append(
            f"| {s['label']} | {s['rps']:,.0f} | {s['ratio']:.2f} | {s['p50_ms']} "
            f"| {s['p95_ms']} | {s['p99_ms']} | {s['p95_ratio']:.1f} "
            f"| {s['errors']} ({s['error_rate']:.2%}) | {'' if queries is None else queries} "
            f"| {s.get('cache_hit_rate', 0):.0%} |"
        )
    for s in result.get("unavailable", []):
        lines.append(f"| {s['label']} | not available | | | | | | | | |")
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
    memory = result.get("memory")
    if memory:
        lines += [
            "",
            f"Worker memory (RSS per worker, {memory['workers']} workers, {memory['seconds']} s "
            f"of load): {memory['start_mib_per_worker']} → {memory['end_mib_per_worker']} MiB "
            f"({memory['growth_percent']:+.1f}%), peak {memory['peak_mib_per_worker']} MiB.",
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
        f"server: {result['floor']['rps']:,.0f} req/s; ticks mark targets</text>",
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
    return paths
