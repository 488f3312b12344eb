"""A brand's reports: threads by product, type and status per week; how long customers
wait for a first answer, a first official response and a solution (median and 90th
percentile); what each rep handled; how often the brand met its response target.

Everything is grouped in SQL and the page runs the same queries for 5 threads or 5,000:
one grouped count for the weekly tables, one row per thread of the period (four moments)
for the waiting times, and one grouped count per source for the team's table. Percentiles
are taken in Python from those rows, the same way on SQLite and PostgreSQL.
"""

from __future__ import annotations

import math
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, Min, OuterRef, Q, Subquery
from django.db.models.functions import TruncWeek
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from brands.models import Brand, Endorsement, Membership, OwnershipEvent, Product
from community.models import User
from qa.models import Answer, Thread, Visibility

from . import charts, report_dimensions

PERIODS = (4, 12, 26, 52)
DEFAULT_WEEKS = 12


@dataclass
class Table:
    """A table on the page, and the CSV of the same rows."""

    key: str
    title: str
    columns: list[str]
    rows: list[list[Any]]
    chart: Any = None


@dataclass
class Report:
    brand: Brand
    weeks: int
    start: datetime
    end: datetime
    tables: list[Table] = field(default_factory=list)
    thread_total: int = 0
    target_share: float | None = None
    crosstab: tuple[str, str] = report_dimensions.DEFAULT_CROSSTAB
    cost_per_contact: Any = 0

    @property
    def query(self) -> str:
        """The page's choices, for the CSV links: the same rows as on the page."""
        return f"weeks={self.weeks}&row={self.crosstab[0]}&column={self.crosstab[1]}"

    def table(self, key: str) -> Table | None:
        return next((table for table in self.tables if table.key == key), None)


def period_start(now: datetime, weeks: int) -> datetime:
    """Monday 00:00 (the site's time zone) of the first of `weeks` weeks ending now."""
    local = timezone.localtime(now)
    monday = (local - timedelta(days=local.weekday(), weeks=weeks - 1)).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    return monday


def _week_label(start: datetime) -> str:
    return date_format(start, "M j")


def _week_index(moment: datetime, start: datetime) -> int:
    return (timezone.localtime(moment) - start).days // 7


# --- Threads over time -------------------------------------------------------------------


def _threads_tables(brand: Brand, start: datetime, weeks: int) -> tuple[list[Table], int]:
    rows = (
        Thread.objects.for_brand(brand)
        .listed()
        .filter(created_at__gte=start)
        .annotate(week=TruncWeek("created_at"))
        .order_by()
        .values_list("week", "type", "status", "product_id")
        .annotate(n=Count("pk"))
    )
    week_starts = [start + timedelta(weeks=n) for n in range(weeks)]
    labels = [_week_label(week) for week in week_starts]
    by_type = {t: [0] * weeks for t in Thread.Type.values}
    by_status = {s: [0] * weeks for s in Thread.Status.values}
    by_product: dict[int | None, list[int]] = defaultdict(lambda: [0] * weeks)
    total = 0
    for week, type_, status, product_id, n in rows:
        index = _week_index(week, start)
        if not 0 <= index < weeks:
            continue
        by_type[type_][index] += n
        by_status[status][index] += n
        by_product[product_id][index] += n
        total += n
    products = {p.pk: p.name for p in Product.objects.for_brand(brand)}
    week_column = _("Week of")

    type_series = [
        (str(Thread.Type(t).label), charts.TYPE_COLOURS[t], by_type[t]) for t in Thread.Type.values
    ]
    by_type_table = Table(
        key="threads_by_type",
        title=_("New threads per week, by type"),
        columns=[week_column, *(name for name, _c, _v in type_series), _("Total")],
        rows=[
            [
                labels[i],
                *(values[i] for _n, _c, values in type_series),
                _column_total(type_series, i),
            ]
            for i in range(weeks)
        ],
        chart=charts.stacked_columns(
            title=_("New threads per week, by type"), categories=labels, series=type_series
        ),
    )
    status_series = [
        (str(Thread.Status(s).label), charts.STATUS_COLOURS[s], by_status[s])
        for s in Thread.Status.values
    ]
    by_status_table = Table(
        key="threads_by_status",
        title=_("New threads per week, by where they stand now"),
        columns=[week_column, *(name for name, _c, _v in status_series), _("Total")],
        rows=[
            [
                labels[i],
                *(values[i] for _n, _c, values in status_series),
                _column_total(status_series, i),
            ]
            for i in range(weeks)
        ],
        chart=charts.stacked_columns(
            title=_("New threads per week, by status"), categories=labels, series=status_series
        ),
    )
    product_names = [
        (products.get(pk, _("No product")) if pk else _("No product"), pk) for pk in by_product
    ]
    product_names.sort(key=lambda pair: (-sum(by_product[pair[1]]), pair[0]))
    product_rows = [[name, *by_product[pk], sum(by_product[pk])] for name, pk in product_names]
    by_product_table = Table(
        key="threads_by_product",
        title=_("New threads by product"),
        columns=[_("Product"), *labels, _("Total")],
        rows=product_rows,
        chart=charts.horizontal_bars(
            title=_("New threads by product"),
            rows=[(row[0], row[-1], str(row[-1]), charts.BAR_COLOUR) for row in product_rows],
        ),
    )
    return [by_type_table, by_status_table, by_product_table], total


def _column_total(series: list[tuple[str, str, list[int]]], index: int) -> int:
    return sum(values[index] for _n, _c, values in series)


# --- Waiting times and the response target ----------------------------------------------


def percentile(values: list[float], share: float) -> float | None:
    """Linear interpolation between closest ranks (the median is percentile(v, 0.5))."""
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * share
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def duration_label(hours: float | None) -> str:
    if hours is None:
        return "–"
    if hours < 1:
        return _("%(minutes)d min") % {"minutes": round(hours * 60)}
    if hours < 48:
        return _("%(hours).1f h") % {"hours": hours}
    return _("%(days).1f days") % {"days": hours / 24}


def _first(field_filter: Q, moment: str = "created_at") -> Subquery:
    answers = (
        Answer.objects.filter(thread=OuterRef("pk"), visibility=Visibility.PUBLISHED)
        .filter(field_filter)
        .order_by()
        .values("thread")
        .annotate(first=Min(moment))
        .values("first")
    )
    return Subquery(answers)


def _waiting_tables(
    brand: Brand, start: datetime, weeks: int, now: datetime
) -> tuple[list[Table], float | None]:
    rows = list(
        Thread.objects.for_brand(brand)
        .listed()
        .filter(created_at__gte=start)
        .annotate(
            first_answer_at=_first(Q()),
            first_official_at=_first(Q(is_official=True)),
            first_endorsed_at=_first(Q(endorsed_at__isnull=False), "endorsed_at"),
        )
        .order_by()
        .values_list(
            "created_at",
            "first_answer_at",
            "first_official_at",
            "first_endorsed_at",
            "accepted_answer__accepted_at",
        )
    )
    waits: dict[str, list[float]] = {"answer": [], "official": [], "solution": []}
    target = timedelta(hours=brand.response_target_hours)
    counted_since = brand.responses_counted_since
    within = [0] * weeks
    measured = [0] * weeks

    def hours(later: datetime | None, earlier: datetime) -> float | None:
        return None if later is None else max((later - earlier).total_seconds() / 3600, 0)

    for created, answered, official, endorsed, solved in rows:
        official_at = min((m for m in (official, endorsed) if m is not None), default=None)
        for key, moment in (("answer", answered), ("official", official_at), ("solution", solved)):
            waited = hours(moment, created)
            if waited is not None:
                waits[key].append(waited)
        if created < counted_since:
            continue
        index = _week_index(created, start)
        if not 0 <= index < weeks:
            continue
        if official_at is not None and official_at - created <= target:
            within[index] += 1
            measured[index] += 1
        elif official_at is not None or now - created > target:
            measured[index] += 1
        # otherwise still within its target, without a response yet: not counted either way

    names = {
        "answer": _("First answer"),
        "official": _("First official response"),
        "solution": _("Solution (accepted answer)"),
    }
    time_rows = []
    bars = []
    for key, name in names.items():
        median, p90 = percentile(waits[key], 0.5), percentile(waits[key], 0.9)
        time_rows.append(
            [
                name,
                len(waits[key]),
                duration_label(median),
                duration_label(p90),
                _round(median),
                _round(p90),
            ]
        )
        bars.append(
            (f"{name} · {_('median')}", median or 0, duration_label(median), charts.BAR_COLOUR)
        )
        bars.append(
            (
                f"{name} · {_('90th percentile')}",
                p90 or 0,
                duration_label(p90),
                charts.SECOND_COLOUR,
            )
        )
    times = Table(
        key="response_times",
        title=_("How long customers wait"),
        columns=[
            _("Until"),
            _("Threads"),
            _("Median"),
            _("90th percentile"),
            _("Median (hours)"),
            _("90th percentile (hours)"),
        ],
        rows=time_rows,
        chart=charts.horizontal_bars(
            title=_("How long customers wait"),
            rows=bars,
            legend=[
                charts.LegendEntry(_("median"), charts.BAR_COLOUR),
                charts.LegendEntry(_("90th percentile"), charts.SECOND_COLOUR),
            ],
        ),
    )
    week_starts = [start + timedelta(weeks=n) for n in range(weeks)]
    shares = [round(100 * w / m, 1) if m else 0 for w, m in zip(within, measured, strict=True)]
    target_rows = [
        [_week_label(week), within[i], measured[i], f"{shares[i]}%" if measured[i] else "–"]
        for i, week in enumerate(week_starts)
    ]
    total_measured = sum(measured)
    overall = round(100 * sum(within) / total_measured, 1) if total_measured else None
    target_table = Table(
        key="response_target",
        title=_("Threads answered officially within %(hours)s hours")
        % {"hours": brand.response_target_hours},
        columns=[_("Week of"), _("Within target"), _("Measured"), _("Share")],
        rows=target_rows,
        chart=charts.stacked_columns(
            title=_("Share answered within the target, per week"),
            categories=[row[0] for row in target_rows],
            series=[(_("within target"), charts.STATUS_COLOURS["solved"], shares)],
            unit="%",
        ),
    )
    return [times, target_table], overall


def _round(hours: float | None) -> str:
    return "" if hours is None else f"{hours:.2f}"


round_hours = _round


# --- The team ------------------------------------------------------------------------------


def _team_table(brand: Brand, start: datetime) -> Table:
    answers = (
        Answer.objects.filter(
            thread__brand=brand,
            is_official=True,
            visibility=Visibility.PUBLISHED,
            created_at__gte=start,
        )
        .order_by()
        .values_list("author_id")
        .annotate(answers=Count("pk"), threads=Count("thread", distinct=True))
    )
    takes = (
        OwnershipEvent.objects.filter(
            brand=brand, action=OwnershipEvent.Action.TAKE, created_at__gte=start
        )
        .order_by()
        .values_list("actor_id")
        .annotate(n=Count("thread", distinct=True))
    )
    endorsements = (
        Endorsement.objects.for_brand(brand)
        .filter(created_at__gte=start)
        .order_by()
        .values_list("rep_id")
        .annotate(n=Count("pk"))
    )
    handled_pairs = (
        Answer.objects.filter(
            thread__brand=brand,
            is_official=True,
            visibility=Visibility.PUBLISHED,
            created_at__gte=start,
        )
        .order_by()
        .values_list("author_id", "thread_id")
        .union(
            OwnershipEvent.objects.filter(
                brand=brand, action=OwnershipEvent.Action.TAKE, created_at__gte=start
            )
            .order_by()
            .values_list("actor_id", "thread_id"),
            Endorsement.objects.for_brand(brand)
            .filter(created_at__gte=start)
            .order_by()
            .values_list("rep_id", "answer__thread_id"),
        )
    )
    handled: dict[int, int] = defaultdict(int)
    for user_id, _thread_id in handled_pairs:
        if user_id is not None:
            handled[user_id] += 1
    answered = {user_id: (n, threads) for user_id, n, threads in answers}
    taken = dict(takes)
    endorsed = dict(endorsements)
    speaking = Membership.objects.active().for_brand(brand).speaking().values("user_id")
    people = {
        user.pk: user
        for user in User.objects.filter(
            Q(pk__in=speaking) | Q(pk__in=[*answered, *taken, *endorsed, *handled])
        ).only("pk", "username", "display_name")
    }
    rows = []
    for user in sorted(people.values(), key=lambda u: (-handled.get(u.pk, 0), u.public_name)):
        n_answers, n_threads = answered.get(user.pk, (0, 0))
        rows.append(
            [
                user.public_name,
                handled.get(user.pk, 0),
                n_answers,
                n_threads,
                taken.get(user.pk, 0),
                endorsed.get(user.pk, 0),
            ]
        )
    return Table(
        key="team",
        title=_("What each rep handled"),
        columns=[
            _("Rep"),
            _("Threads handled"),
            _("Official answers"),
            _("Threads answered officially"),
            _("Threads taken"),
            _("Answers endorsed"),
        ],
        rows=rows,
        chart=charts.horizontal_bars(
            title=_("Threads handled per rep"),
            rows=[(row[0], row[1], str(row[1]), charts.BAR_COLOUR) for row in rows],
        ),
    )


def brand_report(
    *,
    brand: Brand,
    weeks: int = DEFAULT_WEEKS,
    now: datetime | None = None,
    start: datetime | None = None,
    crosstab: tuple[str, str] = report_dimensions.DEFAULT_CROSSTAB,
) -> Report:
    """The report of the last `weeks` weeks (or, for a scheduled e-mail, from `start` to
    `now`), with the cross-tab of the two dimensions chosen."""
    now = now or timezone.now()
    if start is None:
        weeks = weeks if weeks in PERIODS else DEFAULT_WEEKS
        start = period_start(now, weeks)
    else:  # a scheduled period: its weeks, the last one perhaps partial
        weeks = max(1, math.ceil((now - start).days / 7))
    if any(key not in report_dimensions.DIMENSIONS for key in crosstab) or len(set(crosstab)) < 2:
        crosstab = report_dimensions.DEFAULT_CROSSTAB
    from .approval_selectors import approvals_table

    report = Report(brand=brand, weeks=weeks, start=start, end=now, crosstab=crosstab)
    thread_tables, report.thread_total = _threads_tables(brand, start, weeks)
    waiting_tables, report.target_share = _waiting_tables(brand, start, weeks, now)
    this = sys.modules[__name__]
    rows = report_dimensions.thread_rows(brand, start, _first)
    report.cost_per_contact = report_dimensions.cost_per_contact(brand)
    report.tables = [
        *thread_tables,
        *waiting_tables,
        _team_table(brand, start),
        approvals_table(brand, start, weeks),
        *report_dimensions.dimension_tables(rows, Table, this),
        report_dimensions.handling_table(rows, Table, this),
        report_dimensions.deflection_table(rows, Table, report.cost_per_contact),
        report_dimensions.crosstab_table(rows, Table, *crosstab),
        report_dimensions.requests_table(brand, start, now, Table, this),
    ]
    return report
