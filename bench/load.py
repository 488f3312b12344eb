"""Real HTTP load from a second process: wrk, replaying plans of prepared requests.

A plan is a list of requests drawn here, in Python, with a fixed seed: thread pages by a
Zipf law over a popularity ranking (a few threads get most of the readers, hot threads with
100+ answers among the popular ones), brand lists mostly on their first page, searches
from the words customers type, answers posted and helpful votes toggled by members who
logged in through allauth's form. wrk (C, one thread, a few connections) replays it
against the server on 127.0.0.1 for a bounded time and stops by itself; bench/load.lua
reports latency percentiles, status codes and socket errors.
"""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import subprocess
import tempfile
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from http.cookiejar import CookieJar
from itertools import accumulate
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit

from .server import HOST, BenchError

LUA = Path(__file__).with_name("load.lua")
PLAN_SIZE = 60_000
ZIPF_S = 1.0
SEP = "\x1f"

Request = tuple[str, str, dict[str, str], str]


@dataclass(frozen=True)
class Session:
    username: str
    cookie: str
    csrf: str


@dataclass
class Scenario:
    key: str
    label: str
    plan: list[Request]
    expected: frozenset[int] = frozenset({200})
    note: str = ""
    result: dict = field(default_factory=dict)


def wrk_path() -> str:
    found = shutil.which("wrk")
    if not found:
        raise BenchError(
            "wrk is not installed: `make bench` installs it (Debian: apt-get install wrk)."
        )
    return found


def ensure_wrk() -> str:
    """Install wrk from the Debian archive when it is missing (as root, or through sudo).

    A fresh machine of this project has apt but not wrk; `apt-get install` is the one
    step the benchmark needs outside the virtual environment.
    """
    if shutil.which("wrk"):
        return wrk_path()
    apt = shutil.which("apt-get")
    if not apt:
        return wrk_path()  # refuses with a sentence that says what to install
    prefix = [] if os.geteuid() == 0 else ([shutil.which("sudo")] if shutil.which("sudo") else [])
    if os.geteuid() != 0 and not prefix:
        return wrk_path()
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    print("bench: installing wrk with apt-get", flush=True)
    install = [*prefix, apt, "install", "-y", "-q", "wrk"]
    if subprocess.run(install, env=env, check=False).returncode != 0:  # noqa: S603
        # A fresh machine may have no package lists yet.
        subprocess.run([*prefix, apt, "update", "-q"], env=env, check=False)  # noqa: S603
        subprocess.run(install, env=env, check=False)  # noqa: S603
    return wrk_path()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _local(base_url: str) -> str:
    if urlsplit(base_url).hostname != HOST:
        raise BenchError(f"load goes only to the server started here on {HOST}")
    return base_url


def login(base_url: str, username: str, password: str) -> Session:
    """Log in through allauth's form, as a browser does: GET the form, POST it with CSRF."""
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), _NoRedirect)
    url = f"{_local(base_url)}/accounts/login/"
    html = opener.open(url, timeout=30).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    if not token:
        raise BenchError("the login page has no CSRF token")
    data = urlencode(
        {"login": username, "password": password, "csrfmiddlewaretoken": token.group(1)}
    ).encode()
    try:
        request = urllib.request.Request(url, data=data)  # noqa: S310 - our server, loopback
        opener.open(request, timeout=30)
        status = 200
    except urllib.error.HTTPError as error:
        status = error.code
    cookies = {cookie.name: cookie.value for cookie in jar}
    if status != 302 or "sessionid" not in cookies:
        raise BenchError(f"logging in as {username} failed (HTTP {status})")
    return Session(
        username,
        f"sessionid={cookies['sessionid']}; csrftoken={cookies['csrftoken']}",
        cookies["csrftoken"],
    )


def first_response(base_url: str, request: Request) -> tuple[int, str]:
    """Send one request of a plan and return (status, Location), without following."""
    method, path, headers, body = request
    opener = urllib.request.build_opener(_NoRedirect)
    req = urllib.request.Request(  # noqa: S310 - http to our own server on loopback
        f"{_local(base_url)}{path}", data=body.encode() if body else None, method=method
    )
    for name, value in headers.items():
        req.add_header(name, value)
    try:
        with opener.open(req, timeout=30) as response:
            return response.status, response.headers.get("Location", "")
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Location", "")


def run_wrk(
    base_url: str,
    plan: list[Request],
    *,
    seconds: int,
    connections: int,
    threads: int = 1,
    offset: int = 0,
) -> dict:
    """Replay `plan` for `seconds` and return wrk's figures (bounded, stops by itself).

    `offset` starts at that request of the plan: a run that continues where the previous
    one stopped (the realistic scenario's phases) reads fresh pages, not the same ones."""
    _local(base_url)
    with tempfile.TemporaryDirectory(prefix="sodan-bench-") as folder:
        plan_path = Path(folder) / "plan.txt"
        with plan_path.open("w") as out:
            for method, path, headers, body in plan:
                line = "\t".join(
                    (method, path, SEP.join(f"{k}: {v}" for k, v in headers.items()), body)
                )
                if not line.isascii() or "\n" in line:
                    raise ValueError(f"a request must be one line of ASCII: {line[:80]!r}")
                out.write(line + "\n")
        command = [
            wrk_path(),
            f"-t{threads}",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout",
            "10s",
            "-s",
            str(LUA),
            base_url,
        ]
        completed = subprocess.run(  # noqa: S603 - wrk, against our own server on loopback
            command,
            env={**os.environ, "BENCH_PLAN": str(plan_path), "BENCH_OFFSET": str(offset)},
            capture_output=True,
            text=True,
            timeout=seconds + 120,
            check=False,
        )
    for line in completed.stdout.splitlines():
        if line.startswith("BENCH-JSON "):
            return json.loads(line.removeprefix("BENCH-JSON "))
    raise BenchError(f"wrk gave no figures: {completed.stdout[-500:]} {completed.stderr[-500:]}")


def warm(base_url: str, plan: list[Request], *, connections: int, label: str) -> dict:
    """Read every distinct page of a plan once, anonymously, so the page cache holds what
    it holds on a site that has been up a while: every page read since it last changed
    (pages stay until they change or a day passes). Returns how many and how long."""
    import time
    from concurrent.futures import ThreadPoolExecutor

    from tqdm import tqdm

    _local(base_url)
    paths = list(dict.fromkeys(path for method, path, _, _ in plan if method == "GET"))
    opener = urllib.request.build_opener(_NoRedirect)

    def fetch(path: str) -> int:
        try:
            with opener.open(f"{base_url}{path}", timeout=60) as response:
                response.read()
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    started = time.perf_counter()
    with ThreadPoolExecutor(connections) as pool:
        statuses = list(
            tqdm(
                pool.map(fetch, paths),
                total=len(paths),
                desc=f"warming {label}",
                unit="page",
                leave=False,
            )
        )
    return {
        "pages": len(paths),
        "seconds": round(time.perf_counter() - started, 1),
        "errors": sum(1 for status in statuses if status != 200),
    }


def figures(raw: dict, expected: frozenset[int]) -> dict:
    """Requests per second, latency in ms, and errors: socket errors plus any response
    whose status is not what the scenario expects (a 403, a 429, a 500, a stray redirect)."""
    seconds = raw["duration_us"] / 1e6
    statuses = {int(code): count for code, count in raw["statuses"].items()}
    sockets = sum(raw["errors"][k] for k in ("connect", "read", "write", "timeout"))
    unexpected = sum(count for code, count in statuses.items() if code not in expected)
    requests = raw["requests"]
    latency = raw["latency_us"]
    return {
        "requests": requests,
        "seconds": round(seconds, 1),
        "rps": round(requests / seconds, 1) if seconds else 0.0,
        "p50_ms": round(latency["p50"] / 1000, 2),
        "p95_ms": round(latency["p95"] / 1000, 2),
        "p99_ms": round(latency["p99"] / 1000, 2),
        "mean_ms": round(latency["mean"] / 1000, 2),
        "max_ms": round(latency["max"] / 1000, 1),
        "errors": unexpected + sockets,
        "error_rate": round((unexpected + sockets) / requests, 5) if requests else 0.0,
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "socket_errors": sockets,
        "bytes_per_response": round(raw["bytes"] / requests) if requests else 0,
        # Share of responses the anonymous page cache answered (X-Sodan-Cache: hit).
        "cache_hit_rate": round(raw.get("cache_hits", 0) / requests, 3) if requests else 0.0,
    }


# --- What the plans draw from ----------------------------------------------------------


def zipf_sampler(n: int, rng: random.Random, s: float = ZIPF_S) -> Callable[[], int]:
    """Draw ranks 0..n-1 with P(rank) ∝ 1 / (rank + 1)^s."""
    cum = list(accumulate(1.0 / (rank**s) for rank in range(1, n + 1)))
    total = cum[-1]

    def draw() -> int:
        import bisect

        return bisect.bisect(cum, rng.random() * total)

    return draw


@dataclass
class Population:
    """Threads in popularity order (with their paths), brands, answers to vote on."""

    threads: list[tuple[int, str]]
    hot: list[int]
    brands: list[tuple[str, list[str]]]

    @classmethod
    def load(cls, seed: int) -> Population:
        from brands.models import Brand, Product
        from qa.models import Thread

        rng = random.Random(seed)  # noqa: S311 - a repeatable plan, not a secret
        rows = list(
            Thread.objects.listed().order_by("pk").values_list("pk", "slug", "answer_count")
        )
        rng.shuffle(rows)
        hot = sorted((r for r in rows if r[2] >= 100), key=lambda r: -r[2])
        hot_ids = {r[0] for r in hot}
        ranked = [r for r in rows if r[0] not in hot_ids]
        # Threads with 100+ answers are popular ones: place them among the top ranks.
        for position, row in zip((2, 6, 15, 40, 100, 250, 600), hot, strict=False):
            ranked.insert(position, row)
        for row in hot[7:]:
            ranked.insert(rng.randrange(min(len(ranked), 2000)), row)
        threads = [(pk, f"/t/{pk}/{quote(slug or 'thread', safe='')}/") for pk, slug, _ in ranked]
        products: dict[int, list[str]] = {}
        for brand_id, slug in Product.objects.values_list("brand_id", "slug"):
            products.setdefault(brand_id, []).append(slug)
        brands = [
            (slug, products.get(pk, []))
            for pk, slug in Brand.objects.order_by("-thread_count", "pk").values_list("pk", "slug")
        ]
        return cls(threads=threads, hot=[r[0] for r in hot], brands=brands)


def _get(path: str, session: Session | None = None) -> Request:
    return ("GET", path, {"Cookie": session.cookie} if session else {}, "")


def plan_floor() -> list[Request]:
    return [_get("/_bench/floor/")]


def plan_threads(
    population: Population,
    rng: random.Random,
    sessions: list[Session] | None = None,
    suffix: str = "",
    *,
    size: int = PLAN_SIZE,
    ordinary: bool = False,
) -> list[Request]:
    """Thread pages by a Zipf law over every thread of the tier (`ordinary`: leaving out
    the hot threads with 100+ answers, which have a scenario of their own)."""
    threads = population.threads
    if ordinary:
        hot = set(population.hot)
        threads = [t for t in threads if t[0] not in hot]
    draw = zipf_sampler(len(threads), rng)
    plan = []
    for n in range(size):
        session = sessions[n % len(sessions)] if sessions else None
        plan.append(_get(threads[draw()][1] + suffix, session))
    return plan


def plan_first_reads(
    population: Population, rng: random.Random, *, read: set[str], size: int = PLAN_SIZE
) -> list[Request]:
    """Ordinary threads, each once, in random order, those that nothing before has read
    first (`read`: the paths of the other plans): a page, and every answer on it, rendered
    for the first time. A small tier's other plans read nearly every thread: the rest
    follow, read once too (the benchmark empties the cache before)."""
    hot = set(population.hot)
    ordinary = [path for pk, path in population.threads if pk not in hot]
    unread = [path for path in ordinary if path not in read]
    again = [path for path in ordinary if path in read]
    rng.shuffle(unread)
    rng.shuffle(again)
    return [_get(path) for path in (unread + again)[:size]]


def plan_hot_thread(population: Population, suffix: str = "?nocache=1") -> list[Request]:
    """The thread with the most answers (the generator makes one of 300), every time."""
    if not population.hot:
        return []
    return [_get(_thread_path(population, population.hot[0]) + suffix)]


def _thread_path(population: Population, pk: int) -> str:
    return next(path for tid, path in population.threads if tid == pk)


def plan_brand_lists(population: Population, rng: random.Random) -> list[Request]:
    draw = zipf_sampler(len(population.brands), rng, s=0.9)
    plan = []
    for _ in range(PLAN_SIZE // 4):
        slug, products = population.brands[draw()]
        roll = rng.random()
        query = ""
        if roll < 0.10:
            query = f"?page={rng.randint(2, 5)}"
        elif roll < 0.20:
            query = "?sort=me_too"
        elif roll < 0.25:
            query = "?sort=unanswered"
        elif roll < 0.30 and products:
            query = f"?product={rng.choice(products)}"
        plan.append(_get(f"/b/{slug}/{query}"))
    return plan


def plan_search(population: Population, rng: random.Random) -> list[Request]:
    from .corpus import SEARCH_TERMS

    plan = []
    for _ in range(PLAN_SIZE // 10):
        query = {"q": rng.choice(SEARCH_TERMS)}
        if rng.random() < 0.2:
            query["brand"] = rng.choice(population.brands)[0]
        plan.append(_get(f"/search/?{urlencode(query)}"))
    return plan


ANSWER_TEXTS = (
    "Same problem here. Updating to the latest firmware and then holding **Reset** for ten "
    "seconds fixed it for me; you have to pair your devices again afterwards.",
    "I had this too. Support replaced the part under warranty within a week: keep your "
    "receipt ready, and mention the error code in the first message.",
    "設定 > システム > リセット で初期化したら直りました。ペアリングはやり直しが必要です。",
    "同じ症状でしたが、最新のファームウェアに更新したら起きなくなりました。",
)


def plan_post_answers(
    population: Population, rng: random.Random, sessions: list[Session]
) -> list[Request]:
    """Answers to threads drawn evenly (not by popularity: hot threads would only grow)."""
    hot = set(population.hot)
    candidates = [pk for pk, _ in population.threads if pk not in hot]
    plan = []
    for n in range(PLAN_SIZE // 10):
        session = sessions[n % len(sessions)]
        body = urlencode(
            {
                "csrfmiddlewaretoken": session.csrf,
                "body": f"{rng.choice(ANSWER_TEXTS)} ({n})",
            }
        )
        headers = {
            "Cookie": session.cookie,
            "Content-Type": "application/x-www-form-urlencoded",
        }
        plan.append(("POST", f"/t/{rng.choice(candidates)}/-/answer/", headers, body))
    return plan


def plan_votes(
    population: Population, rng: random.Random, sessions: list[Session], user_ids: list[int]
) -> list[Request]:
    """Toggle "helpful" (as htmx does) on answers in popular threads, never one's own."""
    from qa.models import Answer

    draw = zipf_sampler(len(population.threads), rng)
    thread_ids = {population.threads[draw()][0] for _ in range(3000)}
    answers: dict[int, list[tuple[int, int]]] = {}
    for pk, thread_id, author_id in (
        Answer.objects.visible()
        .filter(thread_id__in=thread_ids)
        .values_list("pk", "thread_id", "author_id")
    ):
        answers.setdefault(thread_id, []).append((pk, author_id))
    drawn = [population.threads[draw()][0] for _ in range(PLAN_SIZE // 4)]
    plan = []
    for n, thread_id in enumerate(t for t in drawn if answers.get(t)):
        index = n % len(sessions)
        session, user_id = sessions[index], user_ids[index]
        choices = [pk for pk, author in answers[thread_id] if author != user_id]
        if not choices:
            continue
        headers = {"Cookie": session.cookie, "X-CSRFToken": session.csrf, "HX-Request": "true"}
        plan.append(("POST", f"/a/{rng.choice(choices)}/vote/", headers, ""))
    return plan


def plan_me_too(
    population: Population,
    rng: random.Random,
    sessions: list[Session],
    user_ids: list[int],
    authors: dict[int, int],
) -> list[Request]:
    """Press (and, the next time round, release) "me too" on threads drawn by popularity,
    never on one's own (`authors`: thread id → author id, for the threads drawn)."""
    draw = zipf_sampler(len(population.threads), rng)
    plan = []
    for n in range(PLAN_SIZE // 20):
        index = n % len(sessions)
        pk = population.threads[draw()][0]
        if authors.get(pk) == user_ids[index]:
            continue
        session = sessions[index]
        headers = {"Cookie": session.cookie, "Content-Type": "application/x-www-form-urlencoded"}
        body = urlencode({"csrfmiddlewaretoken": session.csrf})
        plan.append(("POST", f"/t/{pk}/-/me-too/", headers, body))
    return plan


def plan_profile_saves(sessions: list[Session], profiles: list[dict]) -> list[Request]:
    """Each member saves their profile twice: once switching the e-mail notifications
    (shown on no page) and once changing their display name (shown on every page they
    wrote on), then back, as the plan goes round."""
    plan = []
    for session, profile in zip(sessions, profiles, strict=True):
        name = profile["display_name"] or session.username
        for display_name, notify in ((name, True), (f"{name} 2"[:80], False), (name, False)):
            body = {
                "csrfmiddlewaretoken": session.csrf,
                "display_name": display_name,
                "bio": profile.get("bio", ""),
                "language": profile.get("language", ""),
            }
            if notify:
                body["email_notifications"] = "on"
            headers = {
                "Cookie": session.cookie,
                "Content-Type": "application/x-www-form-urlencoded",
            }
            plan.append(("POST", "/settings/profile/", headers, urlencode(body)))
    return plan


# The soak's mix, with me-toos and a profile save now and then (weights, not percents).
REALISTIC_MIX = {
    "thread_anon": 80.0,
    "thread_user": 8.0,
    "brand_list": 7.0,
    "search": 3.0,
    "post_answer": 1.0,
    "vote": 1.0,
    "me_too": 0.5,
    "profile": 0.05,
}


def plan_realistic(
    population: Population,
    rng: random.Random,
    *,
    size: int,
    sessions: list[Session] | None = None,
    others: dict[str, list[Request]] | None = None,
) -> list[Request]:
    """A day's traffic from an empty page cache: thread pages drawn afresh by the Zipf law
    over every thread of the tier, `size` requests long (so the run does not go round and
    read the same pages again), mixed with the other plans (`others`: lists, search,
    answers, votes, me-toos, profile saves, by their REALISTIC_MIX names) by weight."""
    others = others or {}

    def share(key: str) -> int:  # with room for the weighted draw's luck
        return round(size * REALISTIC_MIX[key] / sum(REALISTIC_MIX.values()) * 1.1) + 100

    reads = share("thread_anon")
    parts = [(REALISTIC_MIX["thread_anon"], plan_threads(population, rng, size=reads))]
    if sessions:
        signed_in = share("thread_user")
        parts.append(
            (REALISTIC_MIX["thread_user"], plan_threads(population, rng, sessions, size=signed_in))
        )
    parts += [(REALISTIC_MIX[key], plan) for key, plan in others.items() if plan]
    return plan_mixed(parts, rng, size=size)


def plan_mixed(
    parts: list[tuple[float, list[Request]]], rng: random.Random, *, size: int = PLAN_SIZE
) -> list[Request]:
    """Interleave plans by weight: the soak's day-to-day traffic."""
    weights = [w for w, _ in parts]
    plan = []
    positions = [0] * len(parts)
    for _ in range(size):
        k = rng.choices(range(len(parts)), weights=weights)[0]
        sub = parts[k][1]
        plan.append(sub[positions[k] % len(sub)])
        positions[k] += 1
    return plan


def hit_rate_over_time(runs: list[dict], interval: int = 10) -> list[dict]:
    """The page cache's hit rate and the requests per second, `interval` seconds at a time,
    over consecutive wrk runs (their "timeline": [[second, responses, hits], ...], seconds
    of the wall clock). `t` is the interval's end in seconds since the first response."""
    buckets: dict[int, list[int]] = {}
    for raw in runs:
        for second, responses, hits in raw.get("timeline", []):
            into = buckets.setdefault(int(second), [0, 0])
            into[0] += responses
            into[1] += hits
    if not buckets:
        return []
    first, last = min(buckets), max(buckets)
    points = []
    for start in range(first, last + 1, interval):
        seconds = [s for s in range(start, min(start + interval, last + 1)) if s in buckets]
        responses = sum(buckets[s][0] for s in seconds)
        hits = sum(buckets[s][1] for s in seconds)
        span = min(start + interval, last + 1) - start
        points.append(
            {
                "t": start - first + span,
                "requests": responses,
                "hit_rate": round(hits / responses, 3) if responses else 0.0,
                "rps": round(responses / span, 1),
            }
        )
    return points


def steady(points: list[dict], *, tolerance: float = 0.03) -> bool:
    """Whether the hit rate has stopped climbing: its last two intervals (full ones) are
    within `tolerance` of each other."""
    full = points[:-1] if len(points) > 2 else points
    return len(full) >= 2 and abs(full[-1]["hit_rate"] - full[-2]["hit_rate"]) <= tolerance
