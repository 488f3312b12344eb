"""Rebuild the search index from every thread, with a progress bar.

An interrupted run resumes where it stopped (`--restart` starts over). On a search
cluster (OpenSearch, Elasticsearch) the rebuild fills a new index behind the write alias
and switches the read alias in one atomic change when it is complete, so searches never
see a half-built index nor a moment without one."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from tqdm import tqdm

from qa.models import Thread
from search import services
from search.models import ReindexCheckpoint


class Command(BaseCommand):
    help = "Rebuild the search index (resumes an interrupted run)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--restart", action="store_true", help="Ignore an unfinished run.")
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args, restart: bool, batch_size: int, **options) -> None:
        unfinished = ReindexCheckpoint.objects.filter(finished_at__isnull=True).first()
        start_after = 0 if (restart or unfinished is None) else unfinished.last_thread_id
        if start_after:
            self.stdout.write(f"Resuming after thread {start_after}.")
        remaining = Thread.objects.filter(pk__gt=start_after).count()
        with tqdm(total=remaining, unit="thread", desc="Indexing", file=self.stderr) as bar:
            done = services.reindex(batch_size=batch_size, resume=not restart, progress=bar.update)
        self.stdout.write(self.style.SUCCESS(f"Indexed {done:,} threads."))
