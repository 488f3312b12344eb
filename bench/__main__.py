"""`python -m bench`: generate, serve, load, measure, report. See the README's Benchmark section.

DATABASE_URL=postgres://postgres@127.0.0.1:5432/sodan_bench python -m bench --tier S
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from . import server
from .server import HOST, BenchError

SCENARIOS = {
    "floor": "floor (bare view, same size)",
    "thread_anon": "thread page, anonymous",
    "thread_anon_render": "thread page, anonymous, not cached",
    "thread_anon_render_hot": "thread page, anonymous, not cached, hot thread",
    "thread_anon_first": "thread page, anonymous, first read (nothing of it cached)",
    "thread_user": "thread page, logged in",
    "brand_list": "brand thread list",
    "search": "search",
    "post_answer": "post an answer",
    "vote": "vote helpful (toggle)",
    "realistic": "realistic traffic, from an empty cache",
}
# Which single-request probe gives a scenario's queries (and the same page on a hot thread).
QUERY_PROBES = {
    "floor": ("floor", None),
    "thread_anon": ("thread_anon", "thread_anon_hot"),
    "thread_anon_render": ("thread_anon_render", None),
    "thread_anon_render_hot": ("thread_anon_render_hot", None),
    "thread_anon_first": ("thread_anon_render", None),
    "thread_user": ("thread_user", "thread_user_hot"),
    "brand_list": ("brand_list_render", "brand_list_small"),
    "search": ("search", None),
    "post_answer": ("post_answer", None),
    "vote": ("vote", None),
    "realistic": (None, None),
}
# Scenarios whose target is a latency: measured with as many connections as there are
# cores, so p95 is the request's own time rather than time queued behind the others (the
# read scenarios saturate the workers: their target is throughput).
LATENCY_SCENARIOS = {"search", "post_answer", "vote"}
LOGGED_IN_MEMBERS = 20  # allauth allows 30 logins a minute from one address
WARMUP_SECONDS = 5
FLOOR_WARMUP_SECONDS = 2  # the floor between scenarios: the workers are warm already
# The realistic scenario's plan must outlast the run (fresh draws, never going round):
# requests per second it is sized for, above what 2 cores serve.
REALISTIC_PLAN_RATE = 1500
REALISTIC_INTERVAL = 10  # seconds per point of the hit rate over time
# Pages served from the page cache: before they are measured, every distinct page of the
# plan is read once, so the cache holds what it holds on a site that has been up a while
# (every page read since it last changed; pages stay a day unless they change). Signed-in
# readers' pages are assembled from the same shared renderings. The hit rate is reported,
# and "thread page, anonymous, not cached" measures a render every time.
CACHED_SCENARIOS = {"thread_anon", "thread_user", "brand_list"}


class GeneratedOnly(Exception):
    """--generate-only: the data is written, nothing is measured."""


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Sodan's speed benchmark: figures as ratios to a floor measured in the "
        "same run. Needs DATABASE_URL naming a PostgreSQL database whose name contains "
        "'bench' (it is dropped and filled), and wrk.",
    )
    parser.add_argument(
        "--tier", choices=["XS", "S", "M"], default="S", help="data set size (XS: a quick check)"
    )
    parser.add_argument(
        "--duration", type=int, default=20, help="seconds of measured load per scenario"
    )
    parser.add_argument(
        "--reuse-data",
        action="store_true",
        help="skip generation when the database already holds the tier",
    )
    parser.add_argument(
        "--generate-only",
        action="store_true",
        help="generate the tier and stop (a later run measures it with --reuse-data)",
    )
    parser.add_argument("--out", type=Path, default=Path("bench-results"))
    parser.add_argument(
        "--soak", type=int, default=0, metavar="SECONDS", help="then a mixed-traffic memory soak"
    )
    parser.add_argument("--workers", type=int, default=server.default_workers())
    parser.add_argument(
        "--connections", type=int, default=0, help="wrk connections (default: 2 × workers)"
    )
    parser.add_argument(
        "--only", default="", help="comma-separated scenarios to run (the floor always runs)"
    )
    parser.add_argument(
        "--floor-duration",
        type=int,
        default=10,
        help="seconds of each floor run (the floor runs between scenarios; at most --duration)",
    )
    parser.add_argument(
        "--realistic-ramp",
        type=int,
        default=120,
        metavar="SECONDS",
        help="realistic scenario: seconds from the empty page cache before the steady state",
    )
    parser.add_argument(
        "--realistic-steady",
        type=int,
        default=60,
        metavar="SECONDS",
        help="realistic scenario: seconds of steady state measured after the ramp",
    )
    parser.add_argument("--seed", type=int, default=2026)
    return parser.parse_args(argv)


def _say(message: str) -> None:
    print(f"[bench {datetime.now(UTC):%H:%M:%S}] {message}", flush=True)


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    wall = time.perf_counter()
    database_url = server.require_postgres(os.environ.get("DATABASE_URL"))
    from .load import ensure_wrk

    ensure_wrk()
    cache_url = server.redis_url(server.REDIS_CACHE_DB)
    broker_url = server.redis_url(server.REDIS_BROKER_DB) if cache_url else None
    static_root = tempfile.mkdtemp(prefix="sodan-bench-static-")
    port = server.free_port()
    env = server.environment(
        database_url=database_url,
        cache_url=cache_url,
        broker_url=broker_url,
        port=port,
        static_root=static_root,
        floor_bytes=30_000,
    )
    # This process uses the same settings, plus the test client's host for the probes.
    os.environ.update({**env, "ALLOWED_HOSTS": f"{HOST},testserver"})
    timings: dict[str, float] = {}
    try:
        result = _run(args, env, database_url, cache_url, broker_url, port, timings, wall)
    except GeneratedOnly:
        _say(f"generated; measure with --reuse-data ({timings})")
        return 0
    finally:
        shutil.rmtree(static_root, ignore_errors=True)
        server.redis_flush(cache_url)
        server.redis_flush(broker_url)
    from . import report

    paths = report.write(result, args.out)
    print()
    print(report.markdown(result))
    _say(f"wrote {', '.join(str(p) for p in paths.values())}")
    return 0


def _run(args, env, database_url, cache_url, broker_url, port, timings, wall) -> dict:
    import django

    django.setup()
    from .generate import TIERS

    tier = TIERS[args.tier]
    if args.reuse_data:
        if not server.database_exists(database_url):
            raise BenchError("--reuse-data: the benchmark database does not exist yet")
    else:
        _say("creating the benchmark database")
        server.database_recreate(database_url)

    from django.core.management import call_command
    from django.db import connection

    from . import generate, load, probe, report, schedule

    started = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    timings["migrate_s"] = round(time.perf_counter() - started, 1)
    generation: dict = {}
    if args.reuse_data:
        if not generate.holds_tier(tier):
            raise BenchError(f"--reuse-data: the database does not hold tier {tier.name}")
        _say(f"reusing the tier {tier.name} data already in the database")
        generate.vacuum_analyze()  # earlier runs' writes, and any index a migration added
    else:
        _say(f"generating tier {tier.name}")
        started = time.perf_counter()
        generation = generate.generate(tier, seed=args.seed)
        timings["rows_s"] = generation.pop("rows_seconds")
        timings["search_index_s"] = round(generate.index_for_search(), 1)
        generate.vacuum_analyze()
        timings["generate_s"] = round(time.perf_counter() - started, 1)
        _say(f"generated in {timings['generate_s']} s: {generation}")
    server.redis_flush(cache_url)
    server.redis_flush(broker_url)
    if args.generate_only:
        raise GeneratedOnly(timings)

    # The probes render pages too, and production storage needs the static manifest.
    timings["collectstatic_s"] = round(server.collectstatic(env), 1)
    server.reload_static_manifest()
    from django.test import Client

    population = load.Population.load(args.seed)
    search_available = Client().get("/search/", {"q": "battery"}).status_code != 404
    floor_bytes = probe.typical_thread_bytes(population)
    env["SODAN_BENCH_FLOOR_BYTES"] = str(floor_bytes)
    os.environ["SODAN_BENCH_FLOOR_BYTES"] = str(floor_bytes)

    members, member_ids = _members(args.seed)
    vote_answer = _answer_not_by(member_ids[0])
    _say("counting queries per request and taking EXPLAIN plans")
    probes = probe.query_counts(
        population, user=members[0], answer_for_vote=vote_answer, search_available=search_available
    )
    for p in probes:
        if p.status >= 400:
            raise BenchError(f"probe {p.name} {p.method} {p.path} answered {p.status}")
    explained, slowest = probe.explain(
        probes,
        {"thread_anon_render_hot", "thread_user_hot", "brand_list_render", "brand_list_me_too",
         "post_answer", "vote", "search"},
    )  # fmt: skip
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / f"explain-{tier.name}.txt").write_text(explained)

    workers = args.workers
    connections = args.connections or 2 * workers
    srv = server.Server(env, port, workers, args.out / f"gunicorn-{tier.name}.log")
    _say(f"starting gunicorn: {workers} workers on {srv.base_url}")
    srv.start()
    sampler = server.MemorySampler(srv)
    sampler.start()
    runs: list[dict] = []
    memory_after_search: list[dict] = []
    soak: dict = {}
    try:
        sessions = [load.login(srv.base_url, m.username, generate.PASSWORD) for m in members]
        rng = random.Random(args.seed)  # noqa: S311
        wanted = set(filter(None, args.only.split(","))) or set(SCENARIOS)
        plans = _plans(load, population, rng, sessions, members, search_available)
        if "realistic" in wanted:
            size = (args.realistic_ramp + args.realistic_steady) * REALISTIC_PLAN_RATE
            plans["realistic"] = (
                load.plan_realistic(
                    population,
                    rng,
                    size=max(load.PLAN_SIZE, size),
                    sessions=sessions,
                    others=_realistic_others(load, population, rng, sessions, members, plans),
                ),
                frozenset({200, 302}),
            )
        order = [k for k in SCENARIOS if k != "floor" and k in wanted and k in plans]

        def measure_realistic() -> dict:
            """From an empty page cache: a ramp, then the steady state that is measured."""
            plan, expected = plans["realistic"]
            server.redis_flush(cache_url)  # the pages, their versions, and nothing else
            sampler.phase = "realistic"
            ramp = load.run_wrk(
                srv.base_url, plan, seconds=args.realistic_ramp, connections=connections
            )
            raw = load.run_wrk(
                srv.base_url,
                plan,
                seconds=args.realistic_steady,
                connections=connections,
                offset=ramp["requests"],
            )
            figures = load.figures(raw, expected)
            ramp_figures = load.figures(ramp, expected)
            points = load.hit_rate_over_time([ramp, raw], REALISTIC_INTERVAL)
            figures.update(
                connections=connections,
                errors=figures["errors"] + ramp_figures["errors"],
                hit_rate=figures["cache_hit_rate"],
                hit_rate_over_time=points,
                steady=load.steady(points),
                ramp={
                    k: ramp_figures[k]
                    for k in ("seconds", "requests", "rps", "errors", "cache_hit_rate")
                },
                plan_requests=len(plan),
                plan_went_round=ramp["requests"] + raw["requests"] > len(plan),
                cache_emptied=bool(cache_url),
            )
            _say(
                f"{SCENARIOS['realistic']}: ramp {ramp_figures['rps']:,.0f} req/s "
                f"({ramp_figures['cache_hit_rate']:.0%} hits), then {figures['rps']:,.0f} req/s, "
                f"p95 {figures['p95_ms']} ms, {figures['errors']} errors, "
                f"cache hits {figures['hit_rate']:.0%}"
                + ("" if figures["steady"] else " (hit rate still climbing)")
            )
            return {"key": "realistic", "label": SCENARIOS["realistic"], **figures}

        def measure(key: str, *, first_floor: bool = False) -> dict:
            if key == "realistic":
                return measure_realistic()
            plan, expected = plans[key]
            seconds = min(args.floor_duration, args.duration) if key == "floor" else args.duration
            warmup = FLOOR_WARMUP_SECONDS if key == "floor" and not first_floor else WARMUP_SECONDS
            conns = (
                min(connections, os.cpu_count() or 1) if key in LATENCY_SCENARIOS else connections
            )
            if plan and plan[0][0] == "POST":
                status, location = load.first_response(srv.base_url, plan[0])
                if status not in expected:
                    raise BenchError(f"{key}: the first request answered {status} {location}")
            sampler.phase = f"{key}-warmup"
            warmed = None
            if key == "thread_anon_first":
                server.redis_flush(cache_url)  # no page and no answer block of theirs kept
            if key in CACHED_SCENARIOS:
                warmed = load.warm(srv.base_url, plan, connections=conns, label=SCENARIOS[key])
                _say(f"{SCENARIOS[key]}: read {warmed['pages']:,} pages in {warmed['seconds']} s")
            warm_run = load.run_wrk(srv.base_url, plan, seconds=warmup, connections=conns)
            sampler.phase = key
            rows_before = _answer_rows() if key == "post_answer" else 0
            # First reads go on past the pages the warm-up read (each thread read once).
            offset = warm_run["requests"] if key == "thread_anon_first" else 0
            raw = load.run_wrk(
                srv.base_url, plan, seconds=seconds, connections=conns, offset=offset
            )
            figures = load.figures(raw, expected)
            figures["connections"] = conns
            if warmed:
                figures["warmed"] = warmed
            if key == "post_answer":
                figures["answers_written"] = _answer_rows() - rows_before
            _say(
                f"{SCENARIOS[key]}: {figures['rps']:,.0f} req/s, p95 {figures['p95_ms']} ms, "
                f"{figures['errors']} errors, cache hits {figures['cache_hit_rate']:.0%}"
            )
            if key == "thread_anon_render_hot":
                figures["answers"] = population_hot_answers
            return {"key": key, "label": SCENARIOS[key], **figures}

        population_hot_answers = _answer_count(population.hot[0]) if population.hot else 0
        # The floor between scenarios: each one is judged against the machine it met.
        for position, key in enumerate(schedule.interleave(order)):
            runs.append(measure(key, first_floor=position == 0))
            if key == "search":
                memory_after_search = [m for m in map(server.worker_memory, srv.worker_pids()) if m]
        if args.soak:
            _say(f"soak: {args.soak} s of mixed traffic")
            mixed = load.plan_mixed(
                [
                    (80, plans["thread_anon"][0]),
                    (8, plans["thread_user"][0]),
                    (7, plans["brand_list"][0]),
                    *([(3, plans["search"][0])] if "search" in plans else []),
                    (1, plans["post_answer"][0]),
                    (1, plans["vote"][0]),
                ],
                rng,
            )
            sampler.phase = "soak"
            raw = load.run_wrk(srv.base_url, mixed, seconds=args.soak, connections=connections)
            soak = {
                "seconds": args.soak,
                "figures": load.figures(raw, frozenset({200, 302})),
            }
    finally:
        sampler.finish()
        srv.stop()
    if soak:
        soak["memory"] = server.memory_summary(sampler.samples, {"soak"})
    memory = server.memory_summary(sampler.samples, {"floor", *SCENARIOS})
    if memory_after_search:
        memory["after_search"] = {
            "workers": memory_after_search,
            "max_rss_mib": max(m["rss_mib"] for m in memory_after_search),
            **(
                {"max_pss_mib": max(m["pss_mib"] for m in memory_after_search)}
                if all("pss_mib" in m for m in memory_after_search)
                else {}
            ),
        }
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0].split()[0]
    queries = {p.name: p.queries for p in probes}
    floor = {**schedule.floor_summary(runs), "bytes": floor_bytes}
    floor_row = {
        **floor["runs"][0],
        **{k: floor[k] for k in ("rps", "p50_ms", "p95_ms", "p99_ms")},
        "ratio": 1.0,
        "ratio_before_after": 1.0,
        "floor_rps": floor["rps"],
        **{f"{p}_ratio": 1.0 for p in schedule.PERCENTILES},
    }
    scenarios = [floor_row, *schedule.beside_floor(runs)]
    for s in scenarios:
        main_probe, other_probe = QUERY_PROBES[s["key"]]
        s["queries"] = queries.get(main_probe)
        s["queries_hot"] = queries.get(other_probe) if other_probe else None
    timings["total_s"] = round(time.perf_counter() - wall, 1)
    counts = generation or _counts()
    result = {
        "meta": {
            "tier": tier.name,
            "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "cores": os.cpu_count(),
            "memory_gib": _memory_gib(),
            "python": platform.python_version(),
            "postgres": postgres,
            "workers": workers,
            "connections": connections,
            "duration": args.duration,
            "floor_duration": min(args.floor_duration, args.duration),
            "realistic_seconds": [args.realistic_ramp, args.realistic_steady],
            "cache": "Redis" if cache_url else "local memory (no Redis answered)",
            "celery": "Redis broker, not drained during the run" if broker_url else "eager",
            "commit": _commit(),
            "search": "available" if search_available else "not available",
            **counts,
        },
        "timings": timings,
        "floor": floor,
        "scenarios": scenarios,
        "unavailable": []
        if search_available
        else [{"key": "search", "label": SCENARIOS["search"]}],
        "queries": queries,
        "memory": memory,
        "memory_samples": sampler.samples,
        "slowest_queries": [{k: v for k, v in s.items() if k != "sql"} for s in slowest[:15]],
    }
    if soak:
        result["soak"] = soak
    result["targets"] = report.targets(result)
    result["realistic_budget"] = report.realistic_budget(result)
    _say(f"whole run: {timings['total_s']} s")
    return result


def _members(seed: int) -> tuple[list, list[int]]:
    """Members who log in: customers (no brand role), verified, picked with the seed."""
    from brands.models import Membership
    from community.models import User

    from .generate import EMAIL_DOMAIN

    reps = Membership.objects.values("user_id")
    pool = list(
        User.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}")
        .exclude(pk__in=reps)
        .order_by("pk")
        .values_list("pk", flat=True)[:2000]
    )
    chosen = random.Random(seed).sample(pool, k=min(LOGGED_IN_MEMBERS, len(pool)))  # noqa: S311
    members = list(User.objects.filter(pk__in=chosen).order_by("pk"))
    return members, [m.pk for m in members]


def _answer_not_by(user_id: int) -> int:
    from qa.models import Answer

    return (
        Answer.objects.visible()
        .exclude(author_id=user_id)
        .filter(thread__answer_count__gte=3)
        .order_by("pk")
        .values_list("pk", flat=True)
        .first()
    )


def _answer_rows() -> int:
    from qa.models import Answer

    return Answer.objects.count()


def _counts() -> dict:
    from brands.models import Brand
    from community.models import User
    from qa.models import Answer, HelpfulVote, Thread

    return {
        "brands": Brand.objects.count(),
        "threads": Thread.objects.count(),
        "answers": Answer.objects.count(),
        "helpful_votes": HelpfulVote.objects.count(),
        "users": User.objects.count(),
    }


def _plans(load, population, rng, sessions, members, search_available) -> dict:
    member_ids = [m.pk for m in members]
    plans = {
        "floor": (load.plan_floor(), frozenset({200})),
        "thread_anon": (load.plan_threads(population, rng), frozenset({200})),
        "thread_anon_render": (
            load.plan_threads(population, rng, suffix="?nocache=1", ordinary=True),
            frozenset({200}),
        ),
        "thread_user": (load.plan_threads(population, rng, sessions), frozenset({200})),
        "brand_list": (load.plan_brand_lists(population, rng), frozenset({200})),
        "post_answer": (load.plan_post_answers(population, rng, sessions), frozenset({302})),
        "vote": (load.plan_votes(population, rng, sessions, member_ids), frozenset({200})),
    }
    if population.hot:
        plans["thread_anon_render_hot"] = (load.plan_hot_thread(population), frozenset({200}))
    # Threads none of the scenarios before it reads, each once: no page and no answer block
    # of theirs is in the cache (the cheaper miss above is a page after a change).
    # Its own generator, so the plans drawn after it stay those of earlier runs.
    read = {
        path.split("?")[0]
        for key in ("thread_anon", "thread_anon_render", "thread_user")
        for _, path, _, _ in plans[key][0]
    }
    first = random.Random(len(population.threads))  # noqa: S311 - a repeatable plan
    plans["thread_anon_first"] = (
        load.plan_first_reads(population, first, read=read),
        frozenset({200}),
    )
    if search_available:
        plans["search"] = (load.plan_search(population, rng), frozenset({200}))
    return plans


def _realistic_others(load, population, rng, sessions, members, plans) -> dict:
    """The writes and other reads mixed into the realistic scenario's thread pages."""
    from qa.models import Thread

    member_ids = [m.pk for m in members]
    authors = dict(Thread.objects.values_list("pk", "author_id"))
    profiles = [
        {"display_name": m.display_name, "bio": m.bio, "language": m.language} for m in members
    ]
    others = {
        key: plans[key][0]
        for key in ("brand_list", "search", "post_answer", "vote")
        if key in plans
    }
    others["me_too"] = load.plan_me_too(population, rng, sessions, member_ids, authors)
    others["profile"] = load.plan_profile_saves(sessions, profiles)
    return others


def _answer_count(thread_id: int) -> int:
    from qa.models import Thread

    return Thread.objects.filter(pk=thread_id).values_list("answer_count", flat=True).first() or 0


def _memory_gib() -> float:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return 0.0


def _commit() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607 - read-only
            capture_output=True,
            text=True,
            check=False,
            cwd=server.ROOT,
        ).stdout.strip()
    except OSError:
        return ""


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BenchError as refusal:
        print(refusal.args[0], file=sys.stderr)
        sys.exit(2)
