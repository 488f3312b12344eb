"""Reads that span models, each with its relations loaded so templates never query."""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.paginator import Page, Paginator
from django.db.models import (
    BooleanField,
    Case,
    Count,
    F,
    Max,
    Q,
    QuerySet,
    Value,
    When,
    Window,
)
from django.db.models.functions import RowNumber

from brands.models import Brand
from community.compiled_queries import CompiledQuery
from community.viewer_facts import SOURCES

from .facts import ME_TOO, VOTES
from .models import Answer, AnswerQuerySet, Thread, Visibility

# What a list's row shows (qa/templatetags/thread_rows.py): a list of rows reads only these
# (a thread's bodies and its author's whole row made a page's threads cost more to build
# than to render).
ROW_FIELDS = (
    "type", "status", "title", "slug", "excerpt", "created_at", "last_activity_at",
    "answer_count", "me_too_count", "fixed_for_count", "product__name", "author__username",
    "author__display_name",
)  # fmt: skip


def brand_threads(
    *,
    brand: Brand,
    user: Any,
    product_slug: str = "",
    type: str = "",
    status: str = "",
    sort: str = "newest",
    rows: bool = False,
) -> QuerySet[Thread]:
    """A brand's listed threads, filtered and sorted; with `rows`, only what a list's row
    shows is read."""
    threads = Thread.objects.for_brand(brand).listed()
    if rows:
        threads = threads.select_related("product", "author").only(*ROW_FIELDS)
    else:
        threads = threads.with_list_relations()
    if product_slug:
        threads = threads.filter(product__slug=product_slug)
    if type:
        threads = threads.filter(type=type)
    if status:
        threads = threads.filter(status=status)
    if sort == "me_too":
        return threads.order_by("-me_too_count", "-created_at", "-id")
    if sort == "unanswered":
        threads = threads.unanswered()
    return threads.order_by("-created_at", "-id")


class _CountedPaginator(Paginator):
    """A paginator told how many rows its list holds, instead of asking the database."""

    def __init__(self, object_list: QuerySet[Thread], per_page: int, count: int) -> None:
        super().__init__(object_list, per_page)
        self._known_count = count

    @cached_property
    def count(self) -> int:
        return self._known_count


def brand_thread_page(
    *, brand: Brand, threads: QuerySet[Thread], number: Any, whole_list: bool
) -> Page:
    """One page of a brand's list (`brand_threads`). A big brand's whole list, with no
    filter, is counted by the brand's kept count (`Brand.thread_count`: its listed threads,
    moved by every service that lists or unlists one) instead of by COUNT(*), which visits
    every listed thread's row: 65 ms on PostgreSQL for a brand of 15,600 threads, paid by the
    first reader after each write to one of them. A brand of up to
    `SODAN_BRAND_LIST_COUNTED_UP_TO` threads, and any filtered list, is counted."""
    per_page = settings.SODAN_THREADS_PER_PAGE
    if whole_list and brand.thread_count > settings.SODAN_BRAND_LIST_COUNTED_UP_TO:
        paginator: Paginator = _CountedPaginator(threads, per_page, brand.thread_count)
    else:
        paginator = Paginator(threads, per_page)
    return paginator.get_page(number)


def thread_answers(*, thread: Thread, user: Any) -> list[Answer]:
    """Published answers in reading order, each marked with whether the viewer voted.

    Two queries whatever the number of answers: answers with authors, and the viewer's
    votes (none when the page loaded the viewer's facts already).
    """
    answers = list(_with_page_relations(Answer.objects.filter(thread=thread).visible_to(user)))
    return _marked(answers, thread=thread, user=user)


def _with_page_relations(answers: AnswerQuerySet) -> AnswerQuerySet:
    return answers.select_related(
        "author",
        "accepted_by",
        "verified_by",
        "endorsed_by",
        "official_for",
        "approval__approved_by",  # an approved official answer's approver, joined
    ).in_reading_order()


# What a thread page shows of the people an answer names (qa/templates/qa/_answer.html, the
# brand signals, the QAPage data): their name and profile address. Their other columns, a
# row of them for each of five people on every answer, made the page's query cost more to
# build and turn into objects than to run.
_PEOPLE_SHOWN = ("author", "accepted_by", "verified_by", "endorsed_by", "approval__approved_by")
_PERSON_FIELDS = ("username", "display_name")


@lru_cache(maxsize=1)
def _page_fields() -> tuple[str, ...]:
    """The fields a thread page loads: every field of the answer, its brand (official
    answers) and approval, and only the name fields of the people it shows."""
    approval = Answer._meta.get_field("approval").related_model
    return (
        *(field.name for field in Answer._meta.concrete_fields),
        *(f"official_for__{field.name}" for field in Brand._meta.concrete_fields),
        *(f"approval__{field.name}" for field in approval._meta.concrete_fields),
        *(f"{person}__{name}" for person in _PEOPLE_SHOWN for name in _PERSON_FIELDS),
    )


def _marked(answers: list[Answer], *, thread: Thread, user: Any) -> list[Answer]:
    voted: frozenset[int] = frozenset()
    if getattr(user, "is_authenticated", False) and answers:
        voted = SOURCES[VOTES].recall(user, thread.pk)
    for answer in answers:
        answer.thread = thread  # permission checks read answer.thread.brand: no extra query
        answer.voted_by_viewer = answer.pk in voted
    return answers


# --- Answer pages -----------------------------------------------------------------------------

# How many of the most helpful answers (with at least one vote) page 1 always shows.
PINNED_MOST_HELPFUL = 3


def in_page_order(answers: AnswerQuerySet) -> AnswerQuerySet:
    """Answers in the order a thread's pages show them: first the pinned ones (accepted,
    official, verified, and the PINNED_MOST_HELPFUL most helpful with a vote), then the
    rest, each part in reading order. Page n shows the n-th slice of SODAN_ANSWERS_PER_PAGE,
    so page 1 leads with the pinned answers and no later page repeats one. The rule is
    written once, in SQL: the page and every link to an answer (`answer_page_number`) ask
    the same ordering, so a link lands on the page that shows its answer."""
    helpful_rank = Window(
        RowNumber(), order_by=[F("helpful_count").desc(), F("created_at").asc(), F("id").asc()]
    )
    pinned = Case(
        When(
            Q(accepted_at__isnull=False)
            | Q(verified_at__isnull=False)
            | Q(is_official=True)
            | Q(helpful_count__gt=0, helpful_rank__lte=PINNED_MOST_HELPFUL),
            then=Value(True),
        ),
        default=Value(False),
        output_field=BooleanField(),
    )
    return (
        answers.annotate(helpful_rank=helpful_rank)
        .annotate(pinned=pinned)
        .in_reading_order(after=(F("pinned").desc(),))
    )


@dataclass(frozen=True)
class AnswerPage:
    """One page of a thread's answers, with what the page says of the thread's answers as
    a whole (its count, the most helpful count, whether one is verified)."""

    answers: list[Answer]
    number: int
    per_page: int
    total: int  # every answer the viewer may see on the thread, not only this page's
    most_helpful: int
    has_verified: bool
    path: str  # the thread's address, which is its first page's

    @property
    def num_pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    def url(self, number: int) -> str:
        """A page's address: the thread's own for the first, `?page=n` for the others."""
        return self.path if number == 1 else f"{self.path}?page={number}"

    @property
    def own_url(self) -> str:
        return self.url(self.number)

    @property
    def previous_url(self) -> str:
        return self.url(self.number - 1) if self.number > 1 else ""

    @property
    def next_url(self) -> str:
        return self.url(self.number + 1) if self.number < self.num_pages else ""

    @property
    def links(self) -> list[dict[str, Any]]:
        """The numbered links, elided as Django's paginator elides them (the first and
        last two, and two either side of this page): number, url, current; None for a gap."""
        paginator = Paginator(range(self.total), self.per_page)
        return [
            None
            if number == paginator.ELLIPSIS
            else {"number": number, "url": self.url(number), "current": number == self.number}
            for number in paginator.get_elided_page_range(self.number, on_each_side=2)
        ]


def _answer_page_query(
    signed_in: bool, start: int, per_page: int, *, thread_id: int, viewer_id: int
) -> AnswerQuerySet:
    """The answers of one page, as an anonymous or a signed-in viewer may see them (a
    stand-in viewer with that id: `visible_to` asks only whether they are signed in and
    their id)."""
    viewer = get_user_model()(pk=viewer_id) if signed_in else None
    return (
        in_page_order(
            _with_page_relations(Answer.objects.filter(thread_id=thread_id).visible_to(viewer))
        )
        .only(*_page_fields())
        .annotate(
            thread_answer_total=Window(Count("pk")),
            thread_most_helpful=Window(Max("helpful_count")),
            thread_verified=Window(Count("verified_at")),
        )[start : start + per_page]
    )


# Compiled once per process for each kind of viewer and page slice: building and compiling
# its seven joins and window expressions cost more than running it.
_ANSWER_PAGE = CompiledQuery(
    Answer, _answer_page_query, parameters={"thread_id": int, "viewer_id": int}
)


def thread_answer_page(*, thread: Thread, user: Any, number: int = 1) -> AnswerPage | None:
    """Page `number` of the answers the viewer may see (None past the last page): one
    query whatever the number of answers, the thread-wide figures coming with the page's
    rows as window aggregates, plus the viewer's votes as `thread_answers`."""
    per_page = settings.SODAN_ANSWERS_PER_PAGE
    start = (number - 1) * per_page
    signed_in = bool(getattr(user, "is_authenticated", False))
    answers = _ANSWER_PAGE.fetch(
        (signed_in, start, per_page),
        thread_id=thread.pk,
        viewer_id=user.pk if signed_in else 0,
    )
    if not answers and number > 1:
        return None
    first = answers[0] if answers else None
    return AnswerPage(
        answers=_marked(answers, thread=thread, user=user),
        number=number,
        per_page=per_page,
        total=first.thread_answer_total if first else 0,
        most_helpful=first.thread_most_helpful if first else 0,
        has_verified=bool(first and first.thread_verified),
        path=thread.get_absolute_url(),
    )


def answer_page_number(answer: Answer) -> int:
    """The page of its thread that shows this answer to readers (and to its author, if it
    is their hidden one). No query while the thread has fewer answers than a page holds
    (the count read with the thread, plus this answer should it be new or hidden), else
    one: the thread's answer ids in page order."""
    per_page = settings.SODAN_ANSWERS_PER_PAGE
    if answer.thread.answer_count < per_page:
        return 1
    shown = Answer.objects.filter(thread_id=answer.thread_id).filter(
        Q(visibility=Visibility.PUBLISHED) | Q(pk=answer.pk)
    )
    order = list(in_page_order(shown).values_list("pk", flat=True))
    try:
        return order.index(answer.pk) // per_page + 1
    except ValueError:  # deleted meanwhile: its thread's first page
        return 1


def viewer_said_me_too(*, thread: Thread, user: Any) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return SOURCES[ME_TOO].recall(user, thread.pk)


def viewer_voted(*, answer: Answer, user: Any) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return answer.pk in SOURCES[VOTES].recall(user, answer.thread_id)
