"""The relevance benchmark: a collection of support threads for four kinds of product
(camera, router, washing machine, music subscription), about 60 % Japanese, and queries
written as customers write them (away from the titles' words), each with the threads that
answer it and a category (synonym, spelling variant, full-width, morphology, short, long
pasted error, brand-filtered).

`threads.json`: brands (key → name, product) and threads as [key, title, question,
answer]; the key's prefix is the brand (cam-, rtr-, wsh-, sub-) and its middle the
language (-j Japanese, -e English). `queries.json`: [query, category, relevant keys,
brand key (brand-filtered queries only)].

`run()` loads the collection into the database in use (the management command
`search_relevance` makes a fresh one), indexes it with search's own indexing, asks every
query through `threads_search` (the public service, so analysis, synonyms and ranking all
count) and scores it: recall@5, recall@10, MRR and the zero-result rate per language and
category, next to a character-bigram BM25 baseline computed in the same run.
"""

from __future__ import annotations

import json
import math
import re
import statistics
import time
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

HERE = Path(__file__).resolve().parent
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
BRAND_SLUG_PREFIX = "relevance-"


@dataclass(frozen=True)
class BenchThread:
    key: str
    brand: str
    lang: str
    title: str
    body: str
    answer: str


@dataclass(frozen=True)
class BenchQuery:
    text: str
    category: str
    relevant: tuple[str, ...]
    brand: str | None
    lang: str


@dataclass
class Collection:
    brands: dict[str, dict[str, str]]
    threads: list[BenchThread]
    queries: list[BenchQuery]


def load_collection(directory: Path = HERE) -> Collection:
    threads_data = json.loads((directory / "threads.json").read_text(encoding="utf-8"))
    queries_data = json.loads((directory / "queries.json").read_text(encoding="utf-8"))
    threads = [
        BenchThread(
            key=key,
            brand=key.split("-")[0],
            lang="ja" if key.split("-")[1].startswith("j") else "en",
            title=title,
            body=body,
            answer=answer,
        )
        for key, title, body, answer in threads_data["threads"]
    ]
    queries = [
        BenchQuery(
            text=row[0],
            category=row[1],
            relevant=tuple(row[2]),
            brand=row[3] if len(row) > 3 else None,
            lang="ja" if JAPANESE.search(row[0]) else "en",
        )
        for row in queries_data["queries"]
    ]
    return Collection(brands=threads_data["brands"], threads=threads, queries=queries)


# --- the baseline ---------------------------------------------------------------------


def _bigrams(text: str) -> list[str]:
    """Character bigrams of each run of word characters (a run of one character is kept
    whole): the classic language-blind baseline for Japanese."""
    grams: list[str] = []
    for run in re.findall(r"\w+", unicodedata.normalize("NFKC", text).lower()):
        grams.extend([run] if len(run) == 1 else [run[i : i + 2] for i in range(len(run) - 1)])
    return grams


class BigramBM25:
    """Okapi BM25 (k1 1.2, b 0.75) over character bigrams of title, question and answer."""

    def __init__(self, threads: list[BenchThread], k1: float = 1.2, b: float = 0.75) -> None:
        self.threads = threads
        self.k1, self.b = k1, b
        self.docs = [Counter(_bigrams(f"{t.title} {t.body} {t.answer}")) for t in threads]
        self.lengths = [sum(d.values()) for d in self.docs]
        self.average = sum(self.lengths) / max(1, len(self.lengths))
        df: Counter[str] = Counter()
        for doc in self.docs:
            df.update(doc.keys())
        n = len(self.docs)
        self.idf = {g: math.log(1 + (n - f + 0.5) / (f + 0.5)) for g, f in df.items()}

    def search(self, text: str, *, brand: str | None = None, limit: int = 10) -> list[str]:
        grams = set(_bigrams(text))
        scored = []
        for thread, doc, length in zip(self.threads, self.docs, self.lengths, strict=True):
            if brand and thread.brand != brand:
                continue
            score = 0.0
            for g in grams:
                tf = doc.get(g, 0)
                if tf:
                    norm = tf + self.k1 * (1 - self.b + self.b * length / self.average)
                    score += self.idf[g] * tf * (self.k1 + 1) / norm
            if score > 0:
                scored.append((score, thread.key))
        scored.sort(key=lambda s: (-s[0], s[1]))
        return [key for _score, key in scored[:limit]]


# --- scoring --------------------------------------------------------------------------


@dataclass
class Scores:
    queries: int = 0
    recall5: float = 0.0
    recall10: float = 0.0
    rr: float = 0.0
    zero: int = 0
    misses: list[str] = field(default_factory=list)

    def add(self, query: BenchQuery, ranked: list[str]) -> None:
        relevant = set(query.relevant)
        self.queries += 1
        self.recall5 += len(relevant & set(ranked[:5])) / len(relevant)
        self.recall10 += len(relevant & set(ranked[:10])) / len(relevant)
        first = next((n for n, key in enumerate(ranked, 1) if key in relevant), None)
        self.rr += 1 / first if first else 0.0
        self.zero += not ranked
        if not relevant & set(ranked[:5]):
            self.misses.append(query.text)

    def row(self) -> dict[str, float]:
        n = max(1, self.queries)
        return {
            "queries": self.queries,
            "recall@5": round(self.recall5 / n, 3),
            "recall@10": round(self.recall10 / n, 3),
            "MRR": round(self.rr / n, 3),
            "zero": round(self.zero / n, 3),
        }


def score(collection: Collection, ranker) -> dict[str, Scores]:
    """Scores per group ("all", "ja", "en" and each category) of `ranker(query) -> keys`."""
    groups: dict[str, Scores] = defaultdict(Scores)
    for query in collection.queries:
        ranked = ranker(query)
        for group in ("all", query.lang, query.category):
            groups[group].add(query, ranked)
    return dict(groups)


# --- loading and asking ---------------------------------------------------------------


def load_into_database(collection: Collection) -> tuple[dict[int, str], dict[str, int]]:
    """The collection as brands, products, threads and answers, indexed by search's own
    reindex. Returns (thread id → key, brand key → brand id)."""
    from brands.models import Brand, Product
    from community.models import User
    from qa.models import Answer, Thread
    from qa.rendering import render_markdown

    from .. import services

    asker, _ = User.objects.get_or_create(username="relevance-asker")
    helper, _ = User.objects.get_or_create(username="relevance-helper")
    brands, products = {}, {}
    for key, facts in collection.brands.items():
        brands[key], _ = Brand.objects.get_or_create(
            slug=f"{BRAND_SLUG_PREFIX}{key}", defaults={"name": facts["name"]}
        )
        products[key], _ = Product.objects.get_or_create(
            brand=brands[key], slug="product", defaults={"name": facts["product"]}
        )
    keys: dict[int, str] = {}
    for item in collection.threads:
        thread = Thread.objects.create(
            brand=brands[item.brand],
            product=products[item.brand],
            author=asker,
            title=item.title,
            body=item.body,
            body_html=render_markdown(item.body),
            answer_count=1,
            status=Thread.Status.ANSWERED,
        )
        Answer.objects.create(
            thread=thread, author=helper, body=item.answer, body_html=render_markdown(item.answer)
        )
        keys[thread.pk] = item.key
    services.reindex(resume=False)
    return keys, {key: brand.pk for key, brand in brands.items()}


SEMANTIC_SUFFIX = " + semantic"


def run(collection: Collection, *, backend_label: str) -> dict:
    """Load, index and ask every query with the search backend in use, and the baseline;
    when the semantic stage is on (search.semantic), every query is asked with it too
    (`<backend> + semantic`), and its cost per query is the difference of the medians."""
    from django.test.utils import override_settings

    from .. import semantic, services

    meaning = semantic.enabled()  # the vectors are written while loading, if so
    keys, brand_ids = load_into_database(collection)
    timings: dict[bool, list[float]] = {False: [], True: []}

    def sodan(query: BenchQuery, *, with_meaning: bool) -> list[str]:
        with override_settings(SODAN_SEMANTIC_SEARCH=with_meaning):
            started = time.perf_counter()
            page = services.threads_search(
                text=query.text,
                brand_id=brand_ids[query.brand] if query.brand else None,
                per_page=10,
            )
            timings[with_meaning].append(time.perf_counter() - started)
        return [keys[item.thread.pk] for item in page.items if item.thread.pk in keys]

    baseline = BigramBM25(collection.threads)
    results = {backend_label: score(collection, partial(sodan, with_meaning=False))}
    if meaning:
        results[backend_label + SEMANTIC_SUFFIX] = score(
            collection, partial(sodan, with_meaning=True)
        )
    results["bigram BM25"] = score(collection, lambda q: baseline.search(q.text, brand=q.brand))
    return {
        "results": results,
        "p95_ms": _p95_ms(timings[False]),
        "semantic": {
            "p95_ms": _p95_ms(timings[True]),
            "cost_ms": round(
                1000 * (statistics.median(timings[True]) - statistics.median(timings[False])), 1
            ),
            "model_mb": semantic.model_memory_mb(),
        }
        if meaning
        else None,
    }


def _p95_ms(timings: list[float]) -> float:
    timings = sorted(timings)
    return round(1000 * timings[int(0.95 * (len(timings) - 1))], 1) if timings else 0


def table(results: dict[str, dict[str, Scores]], groups: list[str]) -> str:
    """A Markdown table: one row per group and ranker."""
    lines = [
        "| group | ranker | queries | recall@5 | recall@10 | MRR | zero |",
        "|---|---|---|---|---|---|---|",
    ]
    for group in groups:
        for ranker, by_group in results.items():
            if group not in by_group:
                continue
            row = by_group[group].row()
            lines.append(
                f"| {group} | {ranker} | {row['queries']} | {row['recall@5']:.3f} | "
                f"{row['recall@10']:.3f} | {row['MRR']:.3f} | {row['zero']:.3f} |"
            )
    return "\n".join(lines)


CATEGORIES = ["synonym", "spelling", "fullwidth", "morphology", "short", "long_error", "brand"]
