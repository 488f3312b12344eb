"""What search knows about a thread, built the same way for every backend."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cached_property

from qa.models import Answer, Thread, Visibility

from .analysis import index_terms, index_terms_many, ngram_text

# How much each signal lifts a thread's text score (see ThreadDoc.rank_boost).
SOLVED_BOOST = 0.35
VERIFIED_BOOST = 0.25
OFFICIAL_BOOST = 0.2
ME_TOO_BOOST = 0.1

# Bounds that keep one huge thread from dominating the index.
MAX_BODY_TERMS = 3000
MAX_ANSWER_TERMS = 6000
MAX_NGRAM_BODY_CHARS = 2000


@dataclass
class ThreadDoc:
    thread_id: int
    brand_id: int
    product_id: int | None
    type: str
    status: str
    has_official: bool
    has_verified: bool
    me_too_count: int
    created_at: object
    title: str
    body: str
    answers: list[str] = field(default_factory=list)

    @property
    def rank_boost(self) -> float:
        """Multiplies the text score: solved, verified and official threads, and those many
        people share ("me too"), rise. Elasticsearch applies the same factors at query time."""
        factor = 1.0
        if self.status == Thread.Status.SOLVED:
            factor += SOLVED_BOOST
        if self.has_verified:
            factor += VERIFIED_BOOST
        if self.has_official:
            factor += OFFICIAL_BOOST
        return factor + ME_TOO_BOOST * math.log1p(self.me_too_count)

    @cached_property
    def ngram_text(self) -> str:
        """Title and the start of the question for the n-gram fallback (bounded: it only
        has to catch what the analysed terms miss)."""
        return ngram_text(f"{self.title}\n{self.body[:MAX_NGRAM_BODY_CHARS]}")

    @cached_property
    def title_terms(self) -> list[str]:
        return index_terms(self.title)

    @cached_property
    def body_terms(self) -> list[str]:
        return index_terms(self.body)[:MAX_BODY_TERMS]

    @cached_property
    def answer_terms(self) -> list[str]:
        return index_terms("\n".join(self.answers))[:MAX_ANSWER_TERMS]


# Text analysed together when a batch of threads is indexed: enough to make one call to the
# analyser process out of many, little enough to keep the morphemes held at once small.
ANALYSED_TOGETHER_CHARS = 100_000


def analyse_documents(docs: list[ThreadDoc]) -> list[ThreadDoc]:
    """Fill in the documents' terms, the texts of many threads analysed together (one call
    to the analyser process, when there is one, instead of three per thread): what the
    properties compute, stored where functools.cached_property keeps it."""
    group: list[ThreadDoc] = []
    size = 0
    for doc in docs:
        group.append(doc)
        size += len(doc.title) + len(doc.body) + sum(len(answer) for answer in doc.answers)
        if size >= ANALYSED_TOGETHER_CHARS:
            _analyse_together(group)
            group, size = [], 0
    _analyse_together(group)
    return docs


def _analyse_together(docs: list[ThreadDoc]) -> None:
    texts = [text for doc in docs for text in (doc.title, doc.body, "\n".join(doc.answers))]
    terms = iter(index_terms_many(texts))
    for doc in docs:
        doc.__dict__["title_terms"] = next(terms)
        doc.__dict__["body_terms"] = next(terms)[:MAX_BODY_TERMS]
        doc.__dict__["answer_terms"] = next(terms)[:MAX_ANSWER_TERMS]


def is_searchable(thread: Thread) -> bool:
    """Hidden, deleted and merged (closed as duplicate) threads never appear."""
    return thread.visibility == Visibility.PUBLISHED and thread.duplicate_of_id is None


def build_documents(threads: list[Thread]) -> list[ThreadDoc]:
    """Documents for the searchable threads among `threads` (two queries in all)."""
    searchable = [t for t in threads if is_searchable(t)]
    answers: dict[int, list[Answer]] = {}
    for answer in Answer.objects.filter(
        thread_id__in=[t.pk for t in searchable], visibility=Visibility.PUBLISHED
    ).only("thread_id", "body", "is_official", "verified_at"):
        answers.setdefault(answer.thread_id, []).append(answer)
    docs = []
    for thread in searchable:
        own = answers.get(thread.pk, [])
        docs.append(
            ThreadDoc(
                thread_id=thread.pk,
                brand_id=thread.brand_id,
                product_id=thread.product_id,
                type=thread.type,
                status=thread.status,
                has_official=any(a.is_official for a in own),
                has_verified=any(a.verified_at is not None for a in own),
                me_too_count=thread.me_too_count,
                created_at=thread.created_at,
                title=thread.title,
                body=thread.body,
                answers=[a.body for a in own],
            )
        )
    return docs
