"""The database search index and the indexing outbox.

`ThreadDocument` holds, per thread, the facts the database backends filter and rank by.
The analysed terms (search.analysis) of title, question and answers live beside it: in an
FTS5 table on SQLite, in a weighted tsvector column on PostgreSQL (both created by this
app's migration for the engine in use).

`IndexOutbox` records every change that search must learn about, in the transaction of
the change: if indexing fails (the search service is down), nothing is lost; the row is
retried with backoff until it succeeds.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ThreadDocument(models.Model):
    thread = models.OneToOneField(
        "qa.Thread", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    brand_id = models.BigIntegerField(db_index=True)
    product_id = models.BigIntegerField(null=True, blank=True)
    type = models.CharField(max_length=20)
    status = models.CharField(max_length=20)
    has_official = models.BooleanField(default=False)
    has_verified = models.BooleanField(default=False)
    me_too_count = models.PositiveIntegerField(default=0)
    boost = models.FloatField(
        default=1.0,
        help_text=_("Multiplies the text score: solved, verified, official, shared threads rise."),
    )
    indexed_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["brand_id", "status"], name="searchdoc_brand_status")]

    def __str__(self) -> str:
        return f"Search document for thread {self.thread_id}"


class IndexOutboxQuerySet(models.QuerySet["IndexOutbox"]):
    def pending(self) -> IndexOutboxQuerySet:
        return self.filter(done_at__isnull=True)


class IndexOutbox(models.Model):
    thread_id = models.BigIntegerField(db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True, db_index=True)
    last_error = models.TextField(blank=True)
    done_at = models.DateTimeField(null=True, blank=True, db_index=True)

    objects = IndexOutboxQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        verbose_name = _("search index outbox entry")
        verbose_name_plural = _("search index outbox")

    def __str__(self) -> str:
        return f"Index thread {self.thread_id} ({'done' if self.done_at else 'pending'})"


class ReindexCheckpoint(models.Model):
    """Where a full reindex got to, so an interrupted run resumes instead of restarting."""

    backend = models.CharField(max_length=100, unique=True)
    last_thread_id = models.BigIntegerField(default=0)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    target = models.CharField(max_length=200, blank=True, help_text=_("e.g. the new index."))

    def __str__(self) -> str:
        return f"Reindex of {self.backend} at thread {self.last_thread_id}"


class TermStatistic(models.Model):
    """How many indexed threads hold each term, for ranking by rarity on PostgreSQL
    (search.backends.database weighs each query word by its idf; ts_rank alone does not).
    Kept by the backend where it writes index rows, by increments under the thread's lock
    (search.backends.database._count_terms), and recounted at the end of a
    rebuild. The empty term counts the documents themselves: the collection's size.
    SQLite needs none of it: FTS5 keeps its own statistics, which bm25() reads."""

    term = models.TextField(primary_key=True)
    documents = models.BigIntegerField(
        default=0, help_text=_("Indexed threads holding the term (all of them for the empty term).")
    )

    class Meta:
        verbose_name = _("search term statistic")

    def __str__(self) -> str:
        return f"{self.term or '(collection)'}: {self.documents}"


class BrandSynonym(models.Model):
    """Words a brand's customers use for the same thing (product nicknames, the brand's own
    terms): one set per row, applied at query time to searches of the brand, so a change
    needs no reindex (search.brand_synonyms)."""

    brand = models.ForeignKey("brands.Brand", on_delete=models.CASCADE, related_name="+")
    words = models.CharField(
        max_length=300,
        help_text=_("Words that mean the same, separated by commas: X5, エックスファイブ."),
    )
    created_by = models.ForeignKey(
        "community.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("brand synonym set")

    def __str__(self) -> str:
        return self.words

    @property
    def word_list(self) -> list[str]:
        return [w.strip() for w in self.words.split(",") if w.strip()]


class ThreadEmbedding(models.Model):
    """A thread's meaning as a vector (search.semantic): title, question and first answers
    embedded by the local model, written by the indexing outbox and `reindex` beside the
    index rows, removed with them. float32 bytes, so both databases hold it as it is."""

    thread = models.OneToOneField(
        "qa.Thread", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    brand_id = models.BigIntegerField(db_index=True)
    model = models.CharField(
        max_length=100, help_text=_("The model that made the vector; others' are ignored.")
    )
    vector = models.BinaryField(help_text=_("Unit-length float32 values, little-endian."))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("thread embedding")
        # What changed since a process last read its brands' vectors (search.semantic).
        indexes = [models.Index(fields=["updated_at"], name="searchembed_updated")]

    def __str__(self) -> str:
        return f"Embedding of thread {self.thread_id}"
