"""Search benchmark (not a test): load threads with answers, index them, and time queries.

    DATABASE_URL=sqlite:///bench-results/search.sqlite3 python manage.py migrate
    DATABASE_URL=sqlite:///bench-results/search.sqlite3 python manage.py search_bench
    DATABASE_URL=postgres://…/search_bench python manage.py search_bench

Prints index throughput and p50/p95/p99 query latency for the database backend in use,
and writes them as JSON. Run it on a database of its own: it adds a brand, 5 users and
(by default) 100,000 threads with two answers each.
"""

from __future__ import annotations

import json
import random
import statistics
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.test.utils import override_settings
from django.utils import timezone
from tqdm import tqdm

from brands.models import Brand, Product
from community.models import User
from qa.models import Answer, Thread
from qa.rendering import render_markdown
from search import services

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

    def handle(self, *args, threads: int, queries: int, out: str, seed: int, **options) -> None:
        rng = random.Random(seed)  # noqa: S311 - a repeatable benchmark, not a secret
        self.stdout.write(f"Database: {connection.vendor}; backend: {settings.SEARCH_BACKEND}")
        # Words alone: embedding 100,000 threads on the CPU takes most of an hour; the semantic
        # stage's cost per query is measured by search_relevance (search/semantic.py).
        override_settings(SODAN_SEMANTIC_SEARCH=False).enable()
        thread_ids = self._load(rng, threads)
        started = time.perf_counter()
        with tqdm(total=len(thread_ids), unit="thread", desc="Indexing", file=self.stderr) as bar:
            services.reindex(batch_size=1000, resume=False, progress=bar.update)
        index_seconds = time.perf_counter() - started
        if connection.vendor == "postgresql":
            # What autovacuum does after a bulk load: flush the GIN pending list, gather stats.
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE search_threaddocument")
        latencies = []
        for _ in tqdm(range(queries), desc="Querying", unit="query", file=self.stderr):
            text = rng.choice(QUERIES)
            begin = time.perf_counter()
            services.threads_search(text=text)
            latencies.append((time.perf_counter() - begin) * 1000)
        cuts = statistics.quantiles(latencies, n=100)
        result = {
            "database": connection.vendor,
            "threads": len(thread_ids),
            "index_threads_per_second": round(len(thread_ids) / index_seconds, 1),
            "query_ms": {
                "p50": round(cuts[49], 1),
                "p95": round(cuts[94], 1),
                "p99": round(cuts[98], 1),
            },
            "queries": queries,
            "measured_at": timezone.now().isoformat(),
        }
        Path(out).parent.mkdir(parents=True, exist_ok=True)
        Path(out).write_text(json.dumps(result, indent=2))
        self.stdout.write(
            f"| database | threads | index threads/s | p50 ms | p95 ms | p99 ms |\n"
            f"|---|---|---|---|---|---|\n"
            f"| {result['database']} | {result['threads']:,} | "
            f"{result['index_threads_per_second']:,} | {result['query_ms']['p50']} | "
            f"{result['query_ms']['p95']} | {result['query_ms']['p99']} |"
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
