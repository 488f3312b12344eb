"""Measurements taken one request at a time, outside the load, with Django's test client.

- SQL queries per request, for every scenario, on a small and on a hot thread (the count
  must not depend on the number of answers);
- the size of a typical thread page, which the floor view then serves;
- EXPLAIN (ANALYZE, BUFFERS) of every query the key pages and writes run, written to a
  text file, slowest first, so a missing index shows at once.

Writes (posting an answer, voting) run inside a transaction that is rolled back: the probe
leaves the benchmark's data as it found it.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass

from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings

from .load import Population


@dataclass
class Probe:
    name: str
    method: str
    path: str
    status: int
    queries: int
    sql: list[str]
    bytes: int


class _Rollback(Exception):
    pass


def _fetch(
    client: Client, name: str, method: str, path: str, data: dict | None = None, **extra
) -> Probe:
    """One request, after a first one (per-person facts are memoised after a page)."""
    if method == "GET":
        client.get(path, **extra)
    with CaptureQueriesContext(connection) as ctx:
        if method == "GET":
            response = client.get(path, **extra)
        else:
            response = client.post(path, data or {}, **extra)
    return Probe(
        name,
        method,
        path,
        response.status_code,
        len(ctx.captured_queries),
        [q["sql"] for q in ctx.captured_queries],
        len(response.content),
    )


def _in_rollback(callable_):
    result = None
    try:
        with transaction.atomic():
            result = callable_()
            raise _Rollback
    except _Rollback:
        pass
    return result


def typical_thread_bytes(population: Population, sample: int = 60) -> int:
    """Mean size of the anonymous thread pages readers get (drawn as the load draws them)."""
    import random

    from .load import zipf_sampler

    rng = random.Random(7)  # noqa: S311
    draw = zipf_sampler(len(population.threads), rng)
    client = Client()
    sizes = [
        len(client.get(population.threads[draw()][1] + "?probe=1").content) for _ in range(sample)
    ]
    return round(statistics.mean(sizes))


def query_counts(
    population: Population, *, user, answer_for_vote, search_available: bool
) -> list[Probe]:
    """Queries per request for every page and write the load drives."""
    from qa.models import Thread

    small = (
        Thread.objects.listed()
        .filter(answer_count__gte=2, answer_count__lte=4)
        .exclude(author=user)
        .order_by("pk")
        .first()
    )
    hot = Thread.objects.listed().order_by("-answer_count", "pk").first()
    big_brand = population.brands[0][0]
    anonymous = Client()
    member = Client()
    member.force_login(user)
    probes = [
        _fetch(anonymous, "floor", "GET", "/_bench/floor/")
        if _floor_mounted()
        else Probe("floor", "GET", "/_bench/floor/", 0, 0, [], 0),
        _fetch(anonymous, "thread_anon", "GET", small.get_absolute_url()),
        _fetch(anonymous, "thread_anon_hot", "GET", hot.get_absolute_url()),
        _fetch(anonymous, "thread_anon_render", "GET", small.get_absolute_url() + "?probe=1"),
        _fetch(anonymous, "thread_anon_render_hot", "GET", hot.get_absolute_url() + "?probe=1"),
        _fetch(member, "thread_user", "GET", small.get_absolute_url()),
        _fetch(member, "thread_user_hot", "GET", hot.get_absolute_url()),
        _fetch(anonymous, "brand_list", "GET", f"/b/{big_brand}/"),
    ]
    # The lists' rendering, past the anonymous page cache (a first visit, or a change).
    with override_settings(SODAN_PAGE_CACHE=False):
        probes += [
            _fetch(anonymous, "brand_list_render", "GET", f"/b/{big_brand}/"),
            _fetch(anonymous, "brand_list_small", "GET", f"/b/{population.brands[-1][0]}/"),
            _fetch(anonymous, "brand_list_me_too", "GET", f"/b/{big_brand}/?sort=me_too"),
        ]
    probes += [
        _fetch(member, "brand_list_user", "GET", f"/b/{big_brand}/"),
    ]
    if search_available:
        probes.append(_fetch(anonymous, "search", "GET", "/search/?q=battery"))
    probes.append(
        _in_rollback(
            lambda: _fetch(
                member,
                "post_answer",
                "POST",
                f"/t/{small.pk}/-/answer/",
                {"body": "Holding Reset for ten seconds fixed it for me."},
            )
        )
    )
    probes.append(
        _in_rollback(
            lambda: _fetch(
                member, "vote", "POST", f"/a/{answer_for_vote}/vote/", HTTP_HX_REQUEST="true"
            )
        )
    )
    return probes


def _floor_mounted() -> bool:
    from django.conf import settings

    return settings.SODAN_BENCH_FLOOR


_EXPLAINABLE = re.compile(r"^\s*(SELECT|INSERT|UPDATE|DELETE|WITH)\b", re.IGNORECASE)


def explain(probes: list[Probe], names: set[str]) -> tuple[str, list[dict]]:
    """EXPLAIN (ANALYZE, BUFFERS) every query of the named probes, in a rolled-back
    transaction; return the text and a summary (probe, ms, plan's first line), slowest first."""
    if connection.vendor != "postgresql":
        return "EXPLAIN needs PostgreSQL.\n", []
    sections, summary = [], []

    def run() -> None:
        with connection.cursor() as cursor:
            for probe in probes:
                if probe.name not in names:
                    continue
                for sql in probe.sql:
                    if not _EXPLAINABLE.match(sql):
                        continue
                    cursor.execute("SAVEPOINT bench_explain")
                    try:
                        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
                        plan = [row[0] for row in cursor.fetchall()]
                    except Exception as error:  # a plan we can't take is noted, not fatal
                        cursor.execute("ROLLBACK TO SAVEPOINT bench_explain")
                        plan = [f"(not explained: {error})"]
                    ms = _execution_ms(plan)
                    summary.append({"probe": probe.name, "ms": ms, "plan": plan[0], "sql": sql})
                    sections.append(f"-- {probe.name} ({ms} ms)\n{sql}\n" + "\n".join(plan) + "\n")

    _in_rollback(run)
    summary.sort(key=lambda item: -(item["ms"] or 0))
    head = "\n".join(
        f"{item['ms']:>9} ms  {item['probe']:<24} {item['sql'][:110]}" for item in summary
    )
    return "Slowest first:\n" + head + "\n\n" + "\n".join(sections), summary


def _execution_ms(plan: list[str]) -> float | None:
    for line in reversed(plan):
        match = re.search(r"Execution Time: ([\d.]+) ms", line)
        if match:
            return float(match.group(1))
    return None
