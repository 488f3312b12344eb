"""Reads for product feedback, each with a fixed number of queries.

"People affected" is everyone who asked one of the item's threads, pressed "me too" on
one, or voted an answer in one helpful, each person counted once however many threads they
took part in. The database answers it: a UNION of the three sources per item, counted in a
correlated subquery, so the board sorts and paginates on it without loading anyone.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db import connection
from django.db.models import (
    Case,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from brands.models import Brand
from feedback.models import (
    FeedbackComment,
    FeedbackItem,
    FeedbackLabel,
    FeedbackLink,
    FeedbackLoopClosure,
    FeedbackStatusChange,
    ThreadLabel,
)
from qa.models import Answer, HelpfulVote, MeToo, Thread, Visibility
from search import services as search_services

from . import permissions

GROWTH_WINDOW = timedelta(days=7)
TREND_WEEKS = 8
BOARD_SORTS = ("people", "growth", "status", "newest")


# --- People affected, in SQL ---------------------------------------------------------------


def _tables() -> dict[str, str]:
    quote = connection.ops.quote_name
    return {
        "item": quote(FeedbackItem._meta.db_table),
        "link": quote(FeedbackLink._meta.db_table),
        "thread": quote(Thread._meta.db_table),
        "metoo": quote(MeToo._meta.db_table),
        "answer": quote(Answer._meta.db_table),
        "vote": quote(HelpfulVote._meta.db_table),
    }


def _involvement_sql(item_ref: str) -> str:
    """(person, at, thread_id) for every asking, me-too and helpful vote on the threads
    linked to the item `item_ref` names (a column or a %s placeholder). Deleted threads
    don't count."""
    t = _tables()
    deleted = f"'{Visibility.DELETED.value}'"
    # Only table names from the models, a constant and a column or placeholder are put in
    # the text; every value travels as a query parameter.
    return (
        f"SELECT th.author_id AS person, th.created_at AS at, th.id AS thread_id "  # noqa: S608
        f"FROM {t['link']} l JOIN {t['thread']} th ON th.id = l.thread_id "
        f"WHERE l.item_id = {item_ref} AND th.visibility <> {deleted} "
        f"UNION ALL "
        f"SELECT m.user_id, m.created_at, m.thread_id "
        f"FROM {t['link']} l JOIN {t['thread']} th ON th.id = l.thread_id "
        f"JOIN {t['metoo']} m ON m.thread_id = th.id "
        f"WHERE l.item_id = {item_ref} AND th.visibility <> {deleted} "
        f"UNION ALL "
        f"SELECT v.user_id, v.created_at, a.thread_id "
        f"FROM {t['link']} l JOIN {t['thread']} th ON th.id = l.thread_id "
        f"JOIN {t['answer']} a ON a.thread_id = th.id JOIN {t['vote']} v ON v.answer_id = a.id "
        f"WHERE l.item_id = {item_ref} AND th.visibility <> {deleted}"
    )


def _outer_item_id() -> str:
    return f"{_tables()['item']}.{connection.ops.quote_name('id')}"


def people_affected_expression() -> RawSQL:
    """Distinct people affected, per item, as an annotation."""
    sql = f"SELECT COUNT(DISTINCT e.person) FROM ({_involvement_sql(_outer_item_id())}) e"  # noqa: S608
    return RawSQL(sql, (), output_field=IntegerField())  # noqa: S611 - no outside text in it


def growth_expression(since: datetime) -> RawSQL:
    """People whose first involvement with the item is at or after `since`."""
    sql = (
        f"SELECT COUNT(*) FROM (SELECT e.person FROM ({_involvement_sql(_outer_item_id())}) e "  # noqa: S608
        f"GROUP BY e.person HAVING MIN(e.at) >= %s) g"
    )
    return RawSQL(  # noqa: S611 - the moment is a parameter
        sql, (connection.ops.adapt_datetimefield_value(since),), output_field=IntegerField()
    )


@dataclass(frozen=True)
class Person:
    user_id: int
    first_at: datetime
    thread_id: int


def affected_people(item: FeedbackItem) -> list[Person]:
    """Everyone affected by one item, once each, with when they first took part and one
    thread they took part in. One query."""
    sql = (
        f"SELECT e.person, MIN(e.at), MIN(e.thread_id) FROM ({_involvement_sql('%s')}) e "  # noqa: S608
        f"GROUP BY e.person ORDER BY e.person"
    )
    field = FeedbackItem._meta.get_field("created_at")
    with connection.cursor() as cursor:
        cursor.execute(sql, [item.pk, item.pk, item.pk])
        rows = cursor.fetchall()
    people = []
    for person, first_at, thread_id in rows:
        moment = _as_datetime(first_at, field)
        people.append(Person(user_id=person, first_at=moment, thread_id=thread_id))
    return people


def _as_datetime(value: Any, field: Any) -> datetime:
    """A raw cursor returns SQLite's datetimes as text; the ORM's converters make them
    aware datetimes on every database."""
    for converter in connection.ops.get_db_converters(_Expression(field)):
        value = converter(value, _Expression(field), connection)
    if isinstance(value, datetime) and timezone.is_naive(value):
        value = timezone.make_aware(value, timezone.UTC)
    return value


class _Expression:
    """The minimum of an expression that the database converters look at."""

    def __init__(self, field: Any) -> None:
        self.output_field = field
        self.field = field


def _count_of(links: QuerySet[FeedbackLink]) -> Coalesce:
    counted = links.order_by().values("item").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def _item_counts(items: QuerySet[FeedbackItem], *, now: datetime) -> QuerySet[FeedbackItem]:
    links = FeedbackLink.objects.filter(item=OuterRef("pk")).exclude(
        thread__visibility=Visibility.DELETED
    )
    return items.annotate(
        people=people_affected_expression(),
        growth=growth_expression(now - GROWTH_WINDOW),
        thread_count=_count_of(links),
        solved_by_community=_count_of(
            links.filter(
                thread__status=Thread.Status.SOLVED, thread__accepted_answer__is_official=False
            )
        ),
    )


# --- The board ---------------------------------------------------------------------------


def _status_order() -> Case:
    return Case(
        *[
            When(status=status, then=Value(index))
            for index, status in enumerate(FeedbackItem.PIPELINE)
        ],
        output_field=IntegerField(),
    )


def board_items(
    *,
    brand: Brand,
    sort: str = "people",
    status: str = "",
    product_slug: str = "",
    kind: str = "",
    label_id: int | None = None,
    now: datetime | None = None,
) -> QuerySet[FeedbackItem]:
    """The brand's active items with their counts, filtered and sorted for the board."""
    now = now or timezone.now()
    items = FeedbackItem.objects.for_brand(brand).active()
    if status == "open":
        items = items.exclude(
            status__in=[FeedbackItem.Status.SHIPPED, FeedbackItem.Status.DECLINED]
        )
    elif status:
        items = items.filter(status=status)
    if kind:
        items = items.filter(kind=kind)
    if product_slug:
        items = items.filter(
            Exists(
                FeedbackLink.objects.filter(item=OuterRef("pk"), thread__product__slug=product_slug)
            )
        )
    if label_id:
        items = items.filter(
            Exists(
                ThreadLabel.objects.filter(
                    label_id=label_id, thread__feedback_link__item=OuterRef("pk")
                )
            )
        )
    items = _item_counts(items, now=now).select_related("brand")
    if sort == "growth":
        return items.order_by("-growth", "-people", "-id")
    if sort == "status":
        return items.annotate(stage=_status_order()).order_by("stage", "-people", "-id")
    if sort == "newest":
        return items.order_by("-created_at", "-id")
    return items.order_by("-people", "-growth", "-id")


def attach_products(items: list[FeedbackItem]) -> None:
    """Each item's products, from its threads: one query for the whole page."""
    by_item: dict[int, list[str]] = defaultdict(list)
    rows = (
        FeedbackLink.objects.filter(
            item__in=[item.pk for item in items], thread__product__isnull=False
        )
        .values_list("item_id", "thread__product__name")
        .distinct()
        .order_by("item_id", "thread__product__name")
    )
    for item_id, name in rows:
        by_item[item_id].append(name)
    for item in items:
        item.product_names = by_item.get(item.pk, [])


def status_counts(brand: Brand) -> dict[str, int]:
    counts = dict.fromkeys(FeedbackItem.Status.values, 0)
    rows = (
        FeedbackItem.objects.for_brand(brand)
        .active()
        .order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
    )
    counts.update(dict(rows))
    return counts


# --- One item ------------------------------------------------------------------------------


@dataclass
class TrendWeek:
    start: datetime
    people: int
    height: float = 0.0
    y: float = 0.0


@dataclass
class ItemPage:
    item: FeedbackItem
    links: list[FeedbackLink]
    products: list[str]
    trend: list[TrendWeek]
    cohort: list[dict]
    cohort_people: int
    comments: list[FeedbackComment]
    history: list[FeedbackStatusChange]
    labels: list[FeedbackLabel]
    merge_targets: list[FeedbackItem]
    suggestions: list[Thread]
    told: int
    merged_from: list[FeedbackItem] = field(default_factory=list)


def item_for_brand(brand: Brand, pk: int, *, now: datetime | None = None) -> FeedbackItem | None:
    items = _item_counts(FeedbackItem.objects.for_brand(brand), now=now or timezone.now())
    return items.select_related("brand", "merged_into", "created_by").filter(pk=pk).first()


def _trend(people: list[Person], now: datetime) -> list[TrendWeek]:
    """New people affected per week, for the last TREND_WEEKS weeks (this week last)."""
    start = (now - timedelta(weeks=TREND_WEEKS - 1)).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    start -= timedelta(days=start.weekday())
    weeks = [TrendWeek(start=start + timedelta(weeks=n), people=0) for n in range(TREND_WEEKS)]
    for person in people:
        index = (person.first_at - start).days // 7
        if 0 <= index < TREND_WEEKS:
            weeks[index].people += 1
    top = max((week.people for week in weeks), default=0) or 1
    for week in weeks:
        week.height = round(48 * week.people / top, 1)
        week.y = round(50 - week.height, 1)
    return weeks


def cohort_breakdown(item: FeedbackItem) -> list[dict]:
    """ "Me too" people by the version and platform they gave, biggest group first."""
    rows = (
        MeToo.objects.filter(thread__feedback_link__item=item)
        .exclude(thread__visibility=Visibility.DELETED)
        .values("version", "platform")
        .annotate(people=Count("user", distinct=True))
        .order_by("-people", "version", "platform")
    )
    return list(rows)


def cohort_rows(item: FeedbackItem) -> QuerySet[MeToo]:
    """One row per "me too" for the CSV: no e-mail addresses, only public names."""
    return (
        MeToo.objects.filter(thread__feedback_link__item=item)
        .exclude(thread__visibility=Visibility.DELETED)
        .select_related("user", "thread")
        .order_by("thread_id", "created_at", "id")
    )


def item_page(*, item: FeedbackItem, now: datetime | None = None) -> ItemPage:
    """Everything the item page shows; a fixed number of queries whatever its size."""
    now = now or timezone.now()
    links = list(
        item.links.select_related(
            "thread__author", "thread__product", "thread__accepted_answer", "linked_by"
        ).order_by("-thread__me_too_count", "thread_id")
    )
    threads = [link.thread for link in links]
    labels_by_thread: dict[int, list[FeedbackLabel]] = defaultdict(list)
    for use in ThreadLabel.objects.filter(thread__in=threads).select_related("label"):
        labels_by_thread[use.thread_id].append(use.label)
    for thread in threads:
        thread.feedback_labels = labels_by_thread.get(thread.pk, [])
        thread.label_ids = {label.pk for label in thread.feedback_labels}
        thread.solved_by_community = bool(
            thread.is_solved and thread.accepted_answer and not thread.accepted_answer.is_official
        )
    people = affected_people(item)
    cohort = cohort_breakdown(item)
    suggestions = link_suggestions(item)
    return ItemPage(
        item=item,
        links=links,
        products=sorted({t.product.name for t in threads if t.product_id}),
        trend=_trend(people, now),
        cohort=cohort,
        cohort_people=MeToo.objects.filter(thread__feedback_link__item=item)
        .exclude(thread__visibility=Visibility.DELETED)
        .values("user")
        .distinct()
        .count(),
        comments=list(item.comments.select_related("author")),
        history=list(item.status_changes.select_related("actor")[:50]),
        labels=list(FeedbackLabel.objects.for_brand(item.brand)),
        merge_targets=list(
            FeedbackItem.objects.for_brand(item.brand)
            .active()
            .exclude(pk=item.pk)
            .only("pk", "title", "status")
            .order_by("-created_at")[:200]
        ),
        suggestions=suggestions,
        told=FeedbackLoopClosure.objects.filter(item=item, notified_at__isnull=False).count(),
        merged_from=list(item.merged_items.only("pk", "title")),
    )


SUGGESTIONS = 15


def link_suggestions(item: FeedbackItem) -> list[Thread]:
    """Threads of the brand not linked to any item yet, most like the item first: ranked by
    the search stage's relevance for the item's title and summary (search.services), then,
    to fill the list, the most shared. Questions are left out: they are asked, not reported."""
    linked_ids = FeedbackLink.objects.filter(item__brand=item.brand_id).values("thread_id")
    candidates = (
        Thread.objects.for_brand(item.brand)
        .listed()
        .exclude(type=Thread.Type.QUESTION)
        .exclude(pk__in=linked_ids)
        .select_related("product")
    )
    similar = search_services.threads_similar(
        brand_id=item.brand_id, text=f"{item.title}\n{item.summary}", limit=SUGGESTIONS * 2
    )
    ranked_ids = [thread.pk for thread in similar]
    by_id = candidates.in_bulk(ranked_ids) if ranked_ids else {}
    ranked = [by_id[pk] for pk in ranked_ids if pk in by_id][:SUGGESTIONS]
    if len(ranked) < SUGGESTIONS:
        rest = candidates.exclude(pk__in=[t.pk for t in ranked]).order_by(
            "-me_too_count", "-created_at"
        )
        ranked += list(rest[: SUGGESTIONS - len(ranked)])
    return ranked


# --- Public status on a thread --------------------------------------------------------------


@dataclass(frozen=True)
class PublicStatus:
    """What customers see on a linked thread: a headline and, at most, one message."""

    status: str
    headline: str
    message: str = ""


def public_status(item: FeedbackItem) -> PublicStatus:
    Status = FeedbackItem.Status
    version = item.shipped_in
    if item.status == Status.SHIPPED:
        if version and item.kind == FeedbackItem.Kind.PROBLEM:
            headline = _("Fixed in version %(version)s") % {"version": version}
        elif version:
            headline = _("Available in version %(version)s") % {"version": version}
        elif item.kind == FeedbackItem.Kind.PROBLEM:
            headline = _("The team has fixed this")
        else:
            headline = _("The team has done this")
        return PublicStatus(item.status, headline, item.resolution)
    if item.status == Status.DECLINED:
        return PublicStatus(
            item.status, _("The team has decided not to do this"), item.decline_reason
        )
    headlines = {
        Status.NEW: _("Passed on to the product team"),
        Status.UNDER_REVIEW: _("The team is looking into this"),
        Status.PLANNED: _("The team has decided to do this"),
        Status.IN_PROGRESS: _("The team is working on this"),
    }
    return PublicStatus(item.status, headlines[item.status])


def _linked_item(thread: Thread) -> FeedbackItem | None:
    """The item of the thread's link, read from what the thread query loaded."""
    try:
        link = thread.feedback_link
    except FeedbackLink.DoesNotExist:
        return None
    item = link.item
    if item.brand_id != thread.brand_id or item.merged_into_id:
        return None  # the thread was moved to another brand; that brand's team decides anew
    return item


@dataclass
class ThreadFeedbackPanel:
    """The brand team's feedback tools on a thread page."""

    item: FeedbackItem | None
    items: list[FeedbackItem]
    labels: list[FeedbackLabel]
    label_ids: set[int]


def thread_feedback(*, thread: Thread, user: Any) -> dict:
    """Context for the thread page. Everyone: the item's public status, from the thread's
    own query (no query here). The brand's team: three more for their tools."""
    item = _linked_item(thread)
    context: dict[str, Any] = {
        "feedback_status": public_status(item) if item is not None else None,
        "feedback_panel": None,
    }
    if not permissions.can_work_on_feedback(user, thread.brand):
        return context
    items = []
    if item is None:
        items = list(
            FeedbackItem.objects.for_brand(thread.brand)
            .active()
            .exclude(status__in=[FeedbackItem.Status.SHIPPED, FeedbackItem.Status.DECLINED])
            .only("pk", "title", "status")
            .order_by("-created_at")[:100]
        )
    context["feedback_panel"] = ThreadFeedbackPanel(
        item=item,
        items=items,
        labels=list(FeedbackLabel.objects.for_brand(thread.brand)),
        label_ids=set(ThreadLabel.objects.filter(thread=thread).values_list("label_id", flat=True)),
    )
    return context


# --- Voices of joy and of complaint --------------------------------------------------------


def praise_threads(brand: Brand) -> QuerySet[Thread]:
    return (
        Thread.objects.for_brand(brand)
        .listed()
        .filter(type=Thread.Type.PRAISE)
        .select_related("author", "product")
        .order_by("-created_at", "-id")
    )


def thankful_answers(brand: Brand, *, limit: int = 20) -> list[Answer]:
    """The team's answers customers thanked: accepted by the asker or voted helpful."""
    return list(
        Answer.objects.filter(
            thread__brand=brand,
            thread__visibility=Visibility.PUBLISHED,
            visibility=Visibility.PUBLISHED,
        )
        .filter(Q(is_official=True) | Q(endorsed_at__isnull=False))
        .filter(Q(accepted_at__isnull=False) | Q(helpful_count__gt=0))
        .select_related("author", "thread", "accepted_by")
        .order_by("-helpful_count", "-created_at", "-id")[:limit]
    )


def complaint_threads(brand: Brand, *, unsolved_only: bool = False) -> QuerySet[Thread]:
    """Problems by the number of people who have them (the asker and every "me too")."""
    threads = (
        Thread.objects.for_brand(brand)
        .listed()
        .filter(type=Thread.Type.PROBLEM)
        .select_related("author", "product", "feedback_link__item")
    )
    if unsolved_only:
        threads = threads.exclude(status=Thread.Status.SOLVED)
    return threads.order_by("-me_too_count", "-created_at", "-id")


def top_complaint_items(brand: Brand, *, limit: int = 10) -> list[FeedbackItem]:
    items = board_items(brand=brand, status="open").filter(
        kind__in=[FeedbackItem.Kind.PROBLEM, FeedbackItem.Kind.COMPLAINT]
    )
    return list(items[:limit])


def linked_item_of(thread: Thread) -> FeedbackItem | None:
    """For lists that loaded feedback_link__item with their threads."""
    return _linked_item(thread)


def mention_url(dedupe_key: str) -> str:
    """Where a mention's notification leads: "feedback_mention:<item>:<comment>"."""
    _kind, _sep, rest = dedupe_key.partition(":")
    item_id, _sep, comment_id = rest.partition(":")
    if not (item_id.isdigit() and comment_id.isdigit()):
        return ""
    item = FeedbackItem.objects.select_related("brand").filter(pk=int(item_id)).first()
    if item is None:
        return ""
    return f"{item.get_absolute_url()}#comment-{comment_id}"
