"""The realistic scenario's plan and its hit rate over time: traffic over every thread of the
tier, fresh draws that do not go round, and the page cache's hits counted per interval
(by wrk itself, against a real HTTP server)."""

import http.server
import random
import shutil
import threading
from collections import Counter

import pytest

from bench import load
from bench.generate import TIERS, _answer_counts
from bench.load import Population, Session


def _rng(seed: int) -> random.Random:
    return random.Random(seed)  # noqa: S311 - repeatable plans, not secrets


def _population(threads: int = 300, hot: int = 2) -> Population:
    paths = [(pk, f"/t/{pk}/thread-{pk}/") for pk in range(1, threads + 1)]
    return Population(threads=paths, hot=[pk for pk, _ in paths[:hot]], brands=[("acme", [])])


def _thread_reads(plan):
    return [path for method, path, headers, _ in plan if method == "GET" and path.startswith("/t/")]


def test_the_realistic_plan_reads_every_thread_of_the_tier_not_only_the_popular_ones():
    population = _population(threads=300)
    plan = load.plan_realistic(population, _rng(1), size=40_000)
    read = set(_thread_reads(plan))
    assert read == {path for _, path in population.threads}


def test_the_realistic_plan_draws_afresh_instead_of_replaying_a_short_plan():
    """The soak replays a plan of PLAN_SIZE; the realistic one is as long as the run, and
    its thread pages are drawn for it: no stretch of it repeats an earlier one."""
    population = _population(threads=5_000)
    size = 3 * load.PLAN_SIZE
    plan = load.plan_realistic(population, _rng(2), size=size)
    assert len(plan) == size
    reads = _thread_reads(plan)
    assert reads[: load.PLAN_SIZE // 2] != reads[load.PLAN_SIZE : load.PLAN_SIZE * 3 // 2]
    # Zipf over the tier: the most popular thread is read most, and most threads are read.
    counts = Counter(reads)
    assert counts.most_common(1)[0][0] == population.threads[0][1]
    assert len(counts) > 0.9 * len(population.threads)


def test_the_realistic_plan_mixes_in_the_writes_by_weight():
    population = _population()
    session = Session("ann", "sessionid=s; csrftoken=c", "c")
    writes = {
        "post_answer": [("POST", "/t/1/-/answer/", {}, "body=x")],
        "vote": [("POST", "/a/1/vote/", {}, "")],
        "me_too": [("POST", "/t/2/-/me-too/", {}, "")],
        "profile": [("POST", "/settings/profile/", {}, "")],
        "brand_list": [("GET", "/b/acme/", {}, "")],
    }
    plan = load.plan_realistic(population, _rng(3), size=100_000, sessions=[session], others=writes)
    paths = Counter(path for _, path, _, _ in plan)
    total = sum(load.REALISTIC_MIX[k] for k in ("thread_anon", "thread_user", *writes))
    assert paths["/t/1/-/answer/"] == pytest.approx(100_000 / total, rel=0.15)
    assert paths["/t/2/-/me-too/"] == pytest.approx(100_000 * 0.5 / total, rel=0.2)
    assert 0 < paths["/settings/profile/"] < paths["/t/2/-/me-too/"]
    signed_in = [r for r in plan if r[0] == "GET" and r[2].get("Cookie") == session.cookie]
    assert len(signed_in) == pytest.approx(100_000 * 8 / total, rel=0.1)


def test_profile_saves_switch_the_email_toggle_and_the_name_and_come_back():
    session = Session("ann", "sessionid=s; csrftoken=c", "c")
    plan = load.plan_profile_saves([session], [{"display_name": "Ann B.", "language": "ja"}])
    bodies = [body for _, _, _, body in plan]
    assert "email_notifications=on" in bodies[0]
    assert "display_name=Ann+B.+2" in bodies[1]
    assert "display_name=Ann+B.&" in bodies[2]
    assert "email_notifications" not in bodies[2]


def test_me_too_is_never_pressed_on_ones_own_thread():
    population = _population(threads=50)
    sessions = [Session("ann", "c1", "t1"), Session("bob", "c2", "t2")]
    authors = {pk: 100 if pk % 2 else 200 for pk, _ in population.threads}
    plan = load.plan_me_too(population, _rng(4), sessions, [100, 200], authors)
    assert plan
    for _, path, headers, _ in plan:
        pk = int(path.split("/")[2])
        user = 100 if headers["Cookie"] == "c1" else 200
        assert authors[pk] != user


def test_the_ordinary_not_cached_page_leaves_out_the_hot_threads_and_the_hot_one_is_measured():
    population = _population(threads=200, hot=3)
    plan = load.plan_threads(population, _rng(5), suffix="?nocache=1", ordinary=True)
    hot_paths = {path for pk, path in population.threads if pk in population.hot}
    assert not {path.removesuffix("?nocache=1") for _, path, _, _ in plan} & hot_paths
    assert load.plan_hot_thread(population) == [("GET", "/t/1/thread-1/?nocache=1", {}, "")]


def test_first_reads_are_ordinary_threads_each_once_those_no_other_scenario_reads_first():
    population = _population(threads=200, hot=3)
    read = {path for _, path in population.threads[3:50]}
    plan = load.plan_first_reads(population, _rng(6), read=read)
    paths = [path for _, path, _, _ in plan]
    hot_paths = {path for pk, path in population.threads if pk in population.hot}
    assert len(paths) == len(set(paths)) == 200 - 3
    assert not set(paths) & hot_paths
    assert not set(paths[: 200 - 50]) & read  # the unread first, then the others once
    assert paths != sorted(paths, key=lambda p: int(p.split("/")[2]))  # not in popularity order


@pytest.mark.parametrize("tier", sorted(TIERS))
def test_every_tier_has_a_thread_with_300_answers(tier):
    counts = _answer_counts(_rng(2026), TIERS[tier])
    assert max(counts) == 300
    assert sum(counts) == TIERS[tier].answers


def test_hit_rate_over_time_from_wrk_timelines_of_consecutive_runs():
    ramp = {"timeline": [[1000, 100, 0], [1001, 100, 20], [1002, 100, 40]]}
    steady = {"timeline": [[1003, 200, 120], [1004, 200, 160]]}
    points = load.hit_rate_over_time([ramp, steady], interval=2)
    assert points == [
        {"t": 2, "requests": 200, "hit_rate": 0.1, "rps": 100.0},
        {"t": 4, "requests": 300, "hit_rate": 0.533, "rps": 150.0},
        {"t": 5, "requests": 200, "hit_rate": 0.8, "rps": 200.0},
    ]
    assert load.hit_rate_over_time([{"timeline": []}]) == []


def test_a_hit_rate_still_climbing_is_not_a_steady_state():
    def points(*rates):
        return [{"t": n, "requests": 1, "hit_rate": r, "rps": 1.0} for n, r in enumerate(rates)]

    assert not load.steady(points(0.2, 0.4, 0.6, 0.7))
    assert load.steady(points(0.2, 0.6, 0.62, 0.3))  # the last, partial interval is left out
    assert not load.steady(points(0.6))


class _CacheMarkingHandler(http.server.BaseHTTPRequestHandler):
    """Answers like the page cache: `X-Sodan-Cache: hit` for /hit/..., miss otherwise."""

    seen: list[str]

    def do_GET(self):
        self.seen.append(self.path)
        body = b"ok"
        self.send_response(200)
        self.send_header("X-Sodan-Cache", "hit" if self.path.startswith("/hit/") else "miss")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def marking_server():
    handler = type("Handler", (_CacheMarkingHandler,), {"seen": [], "protocol_version": "HTTP/1.1"})
    server_class = type("Server", (http.server.ThreadingHTTPServer,), {"daemon_threads": True})
    server = server_class(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", handler.seen
    server.shutdown()
    server.server_close()


@pytest.mark.skipif(not shutil.which("wrk"), reason="wrk is not installed (apt-get install wrk)")
def test_wrk_counts_cache_hits_per_second_and_continues_the_plan_where_asked(marking_server):
    base_url, seen = marking_server
    plan = [("GET", f"/{'hit' if n % 4 else 'miss'}/{n}", {}, "") for n in range(400)]
    raw = load.run_wrk(base_url, plan, seconds=2, connections=1, offset=7)
    assert seen[0] == "/hit/7"  # the eighth request of the plan, where the offset said
    assert raw["requests"] > 20
    # Every response is in the timeline (the last request may be cut off by the stop).
    responses = sum(responses for _, responses, _ in raw["timeline"])
    assert responses == raw["requests"]
    assert len(seen) - 1 <= responses <= len(seen)
    assert sum(hits for _, _, hits in raw["timeline"]) == raw["cache_hits"]
    hits_served = sum(1 for path in seen if path.startswith("/hit/"))
    assert hits_served - 1 <= raw["cache_hits"] <= hits_served
    points = load.hit_rate_over_time([raw], interval=1)
    assert 2 <= len(points) <= 4
    assert sum(p["requests"] for p in points) == raw["requests"]
    for point in points:
        if point["requests"] >= 100:  # a part of a second at either end may hold only a few
            assert point["hit_rate"] == pytest.approx(0.75, abs=0.05)
