"""The executive's tables of a brand's report: counts and waits per channel, thread type,
product, release and label; handling time from the first official response to the
solution (average and 90th percentile); deflection (threads customers solved alone
against those solved with the brand, and the views of solved threads as an estimate of
contacts avoided, at the brand's cost per contact); and a cross-tab of any two dimensions.

Three queries whatever the number of threads: one row per thread of the period (its
moments and dimensions), its labels, and the brand's report settings. Everything else is
grouped in Python from those rows, the same way on SQLite and PostgreSQL. Labels belong to
the feedback room, which builds on brands: they are read through the app registry, so
brands does not import feedback.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qa.models import Thread

from . import charts
from .models import Brand, ReportSettings

# What the cross-tab and the per-dimension tables group by, in the order offered.
DIMENSIONS = {
    "channel": gettext_lazy("Channel"),
    "type": gettext_lazy("Thread type"),
    "product": gettext_lazy("Product"),
    "release": gettext_lazy("Release"),
    "label": gettext_lazy("Label"),
    "status": gettext_lazy("Status"),
    "solved_by": gettext_lazy("Solved by"),
}
TABLE_DIMENSIONS = ("channel", "type", "product", "release", "label")
DEFAULT_CROSSTAB = ("type", "channel")
PALETTE = (
    "#4f46e5",
    "#dc2626",
    "#047857",
    "#ca8a04",
    "#db2777",
    "#0284c7",
    "#7c3aed",
    "#6b7280",
)


@dataclass
class ThreadRow:
    """What the report knows about one thread of the period."""

    created_at: datetime
    official_at: datetime | None
    solved_at: datetime | None
    views: int
    values: dict[str, list[str]] = field(default_factory=dict)


def _values(thread: dict, labels: list[str]) -> dict[str, list[str]]:
    official = thread["official_at"] is not None
    solved = thread["solved_at"] is not None
    if not solved:
        solved_by = _("Not solved")
    elif official:
        solved_by = _("With the brand")
    else:
        solved_by = _("Customers alone")
    return {
        "channel": [str(Thread.Channel(thread["channel"]).label)],
        "type": [str(Thread.Type(thread["type"]).label)],
        "product": [thread["product__name"] or _("No product")],
        "release": [
            f"{thread['product__name']} {thread['version__name']}"
            if thread["version__name"]
            else _("No release")
        ],
        "label": labels or [_("No label")],
        "status": [str(Thread.Status(thread["status"]).label)],
        "solved_by": [solved_by],
    }


def thread_rows(brand: Brand, start: datetime, first: Any) -> list[ThreadRow]:
    """One row per listed thread started since `start`. `first(filter, moment)` is the
    reports' subquery for the first published answer matching `filter`."""
    threads = list(
        Thread.objects.for_brand(brand)
        .listed()
        .filter(created_at__gte=start)
        .annotate(
            first_official_answer_at=first(Q(is_official=True)),
            first_endorsed_at=first(Q(endorsed_at__isnull=False), "endorsed_at"),
        )
        .order_by()
        .values(
            "pk",
            "created_at",
            "channel",
            "type",
            "status",
            "product__name",
            "version__name",
            "view_count",
            "first_official_answer_at",
            "first_endorsed_at",
            "accepted_answer__accepted_at",
        )
    )
    labels: dict[int, list[str]] = defaultdict(list)
    if threads:
        thread_label = apps.get_model("feedback", "ThreadLabel")
        for thread_id, name in (
            thread_label.objects.filter(
                thread__brand=brand, thread__created_at__gte=start, label__brand=brand
            )
            .order_by("label__name")
            .values_list("thread_id", "label__name")
        ):
            labels[thread_id].append(name)
    rows = []
    for thread in threads:
        moments = (thread["first_official_answer_at"], thread["first_endorsed_at"])
        thread["official_at"] = min((m for m in moments if m is not None), default=None)
        thread["solved_at"] = thread["accepted_answer__accepted_at"]
        rows.append(
            ThreadRow(
                created_at=thread["created_at"],
                official_at=thread["official_at"],
                solved_at=thread["solved_at"],
                views=thread["view_count"],
                values=_values(thread, labels.get(thread["pk"], [])),
            )
        )
    return rows


def _hours(later: datetime | None, earlier: datetime | None) -> float | None:
    if later is None or earlier is None:
        return None
    return max((later - earlier).total_seconds() / 3600, 0)


def _ordered(groups: dict[str, list[ThreadRow]]) -> list[str]:
    return sorted(groups, key=lambda name: (-len(groups[name]), name))


def dimension_tables(rows: list[ThreadRow], table_type: type, tools: Any) -> list[Any]:
    """Counts and waits per channel, type, product, release and label."""
    tables = []
    for key in TABLE_DIMENSIONS:
        groups: dict[str, list[ThreadRow]] = defaultdict(list)
        for row in rows:
            for value in row.values[key]:
                groups[value].append(row)
        if key == "channel":
            for choice in Thread.Channel.labels:  # every channel, even an empty one
                groups.setdefault(str(choice), [])
        table_rows = []
        for name in _ordered(groups):
            members = groups[name]
            waits = [
                w for w in (_hours(r.official_at, r.created_at) for r in members) if w is not None
            ]
            median, p90 = tools.percentile(waits, 0.5), tools.percentile(waits, 0.9)
            table_rows.append(
                [
                    name,
                    len(members),
                    len(waits),
                    sum(1 for r in members if r.solved_at is not None),
                    tools.duration_label(median),
                    tools.duration_label(p90),
                    tools.round_hours(median),
                    tools.round_hours(p90),
                ]
            )
        title = _("Threads and waits by %(dimension)s") % {
            "dimension": str(DIMENSIONS[key]).lower()
        }
        tables.append(
            table_type(
                key=f"by_{key}",
                title=title,
                columns=[
                    str(DIMENSIONS[key]),
                    _("Threads"),
                    _("Answered officially"),
                    _("Solved"),
                    _("Median wait for an official response"),
                    _("90th percentile"),
                    _("Median (hours)"),
                    _("90th percentile (hours)"),
                ],
                rows=table_rows,
                chart=charts.horizontal_bars(
                    title=title,
                    rows=[(r[0], r[1], str(r[1]), charts.BAR_COLOUR) for r in table_rows],
                ),
            )
        )
    return tables


def handling_table(rows: list[ThreadRow], table_type: type, tools: Any) -> Any:
    """From the brand's first official response to the solution, per thread type."""
    groups: dict[str, list[float]] = defaultdict(list)
    everything: list[float] = []
    for row in rows:
        if row.official_at is None or row.solved_at is None:
            continue
        took = _hours(row.solved_at, row.official_at)
        everything.append(took)
        groups[row.values["type"][0]].append(took)
    table_rows = []
    bars = []
    for name, values in [(_("All threads"), everything), *sorted(groups.items())]:
        average = sum(values) / len(values) if values else None
        p90 = tools.percentile(values, 0.9)
        table_rows.append(
            [
                name,
                len(values),
                tools.duration_label(average),
                tools.duration_label(p90),
                tools.round_hours(average),
                tools.round_hours(p90),
            ]
        )
        bars.append(
            (
                f"{name} · {_('average')}",
                average or 0,
                tools.duration_label(average),
                charts.BAR_COLOUR,
            )
        )
        bars.append(
            (
                f"{name} · {_('90th percentile')}",
                p90 or 0,
                tools.duration_label(p90),
                charts.SECOND_COLOUR,
            )
        )
    title = _("Handling time, from the first official response to the solution")
    return table_type(
        key="handling_time",
        title=title,
        columns=[
            _("Threads"),
            _("Solved after an official response"),
            _("Average"),
            _("90th percentile"),
            _("Average (hours)"),
            _("90th percentile (hours)"),
        ],
        rows=table_rows,
        chart=charts.horizontal_bars(
            title=title,
            rows=bars,
            legend=[
                charts.LegendEntry(_("average"), charts.BAR_COLOUR),
                charts.LegendEntry(_("90th percentile"), charts.SECOND_COLOUR),
            ],
        ),
    )


def cost_per_contact(brand: Brand) -> Decimal:
    settings = ReportSettings.objects.filter(brand=brand).first()
    return settings.cost_per_contact if settings else Decimal(0)


def deflection_table(rows: list[ThreadRow], table_type: type, cost: Decimal) -> Any:
    """Solved by customers alone against solved with the brand; every view of a solved
    thread counts as a contact the reader did not need to make."""
    alone = [r for r in rows if r.solved_at is not None and r.official_at is None]
    with_brand = [r for r in rows if r.solved_at is not None and r.official_at is not None]
    table_rows = []
    for name, group in (
        (_("Solved by customers alone"), alone),
        (_("Solved with the brand"), with_brand),
        (_("All solved threads"), alone + with_brand),
    ):
        views = sum(r.views for r in group)
        table_rows.append([name, len(group), views, views, _yen(cost * views)])
    title = _("Deflection: threads solved, and contacts their views avoided")
    return table_type(
        key="deflection",
        title=title,
        columns=[
            _("Threads"),
            _("Solved"),
            _("Views of solved threads"),
            _("Contacts avoided (estimate)"),
            _("Saving at ¥%(cost)s a contact") % {"cost": f"{cost:,.0f}"},
        ],
        rows=table_rows,
        chart=charts.horizontal_bars(
            title=_("Threads solved by customers alone and with the brand"),
            rows=[
                (table_rows[0][0], len(alone), str(len(alone)), charts.STATUS_COLOURS["solved"]),
                (table_rows[1][0], len(with_brand), str(len(with_brand)), charts.BAR_COLOUR),
            ],
        ),
    )


def _yen(amount: Decimal) -> str:
    return f"¥{amount:,.0f}"


def crosstab_table(rows: list[ThreadRow], table_type: type, row_key: str, column_key: str) -> Any:
    """Threads counted by two dimensions, with a stacked column chart (a thread with two
    labels counts under each)."""
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    row_totals: dict[str, int] = defaultdict(int)
    column_totals: dict[str, int] = defaultdict(int)
    for row in rows:
        for first in row.values[row_key]:
            for second in row.values[column_key]:
                counts[first][second] += 1
                row_totals[first] += 1
                column_totals[second] += 1
    row_names = sorted(row_totals, key=lambda n: (-row_totals[n], n))
    column_names = sorted(column_totals, key=lambda n: (-column_totals[n], n))
    table_rows = [
        [name, *(counts[name][column] for column in column_names), row_totals[name]]
        for name in row_names
    ]
    if table_rows:
        table_rows.append(
            [_("Total"), *(column_totals[c] for c in column_names), sum(row_totals.values())]
        )
    title = _("Threads by %(rows)s and %(columns)s") % {
        "rows": str(DIMENSIONS[row_key]).lower(),
        "columns": str(DIMENSIONS[column_key]).lower(),
    }
    series = [
        (column, PALETTE[index % len(PALETTE)], [counts[name][column] for name in row_names])
        for index, column in enumerate(column_names)
    ]
    return table_type(
        key="crosstab",
        title=title,
        columns=[
            f"{DIMENSIONS[row_key]} \\ {DIMENSIONS[column_key]}",
            *column_names,
            _("Total"),
        ],
        rows=table_rows,
        chart=charts.stacked_columns(title=title, categories=row_names, series=series),
    )


def requests_table(
    brand: Brand, start: datetime, now: datetime, table_type: type, tools: Any
) -> Any:
    """Requests to other departments sent in the period, per department: how many, how
    many answered, how long the answers took, and how many are open past their due date."""
    from .models import DepartmentRequest

    rows = (
        DepartmentRequest.objects.for_brand(brand)
        .filter(created_at__gte=start)
        .order_by()
        .values_list("department__name", "status", "created_at", "answered_at", "due_on")
    )
    groups: dict[str, list[tuple]] = defaultdict(list)
    for name, *rest in rows:
        groups[name].append(tuple(rest))
    today = timezone.localtime(now).date()
    table_rows = []
    for name in sorted(groups):
        items = groups[name]
        took = [_hours(answered, created) for _s, created, answered, _d in items if answered]
        median = tools.percentile(took, 0.5)
        overdue = sum(1 for status, _c, answered, due in items if answered is None and due < today)
        table_rows.append(
            [
                name,
                len(items),
                sum(1 for status, *_r in items if status == DepartmentRequest.Status.ANSWERED),
                overdue,
                tools.duration_label(median),
                tools.round_hours(median),
            ]
        )
    title = _("Requests to other departments")
    return table_type(
        key="department_requests",
        title=title,
        columns=[
            _("Department"),
            _("Requests"),
            _("Answered"),
            _("Open past the due date"),
            _("Median time to answer"),
            _("Median (hours)"),
        ],
        rows=table_rows,
        chart=charts.horizontal_bars(
            title=title,
            rows=[(r[0], r[1], str(r[1]), charts.BAR_COLOUR) for r in table_rows],
        ),
    )
