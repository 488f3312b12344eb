"""Reads for removal requests: the moderators' queue, and the public transparency report."""

from __future__ import annotations

import datetime as dt
import re
import statistics
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from moderation.selectors import moderated_brand_filter

from .models import RemovalRequest


def removal_queue(*, user: Any) -> QuerySet[RemovalRequest]:
    """Undecided requests about posts of brands this person moderates neutrally, the one
    due first at the top."""
    return (
        RemovalRequest.objects.open()
        .filter(moderated_brand_filter(user))
        .select_related("brand", "thread", "answer__thread")
        .order_by("due_at", "id")
    )


# --- The transparency report ------------------------------------------------------------------

_PERIOD = re.compile(r"^(\d{4})(?:-Q([1-4]))?$")


@dataclass(frozen=True)
class Period:
    """A calendar year, or one quarter of it, in the site's time zone."""

    year: int
    quarter: int | None = None

    @classmethod
    def parse(cls, value: str | None, *, now: dt.datetime | None = None) -> Period:
        match = _PERIOD.match((value or "").strip())
        if match and 2000 <= int(match.group(1)) <= 2100:
            return cls(int(match.group(1)), int(match.group(2)) if match.group(2) else None)
        return cls(timezone.localtime(now or timezone.now()).year)

    @property
    def key(self) -> str:
        return f"{self.year}-Q{self.quarter}" if self.quarter else str(self.year)

    @property
    def label(self) -> str:
        if self.quarter:
            return _("%(year)d, quarter %(quarter)d") % {"year": self.year, "quarter": self.quarter}
        return str(self.year)

    def months(self) -> list[tuple[int, int]]:
        first = (self.quarter - 1) * 3 + 1 if self.quarter else 1
        count = 3 if self.quarter else 12
        return [(self.year, month) for month in range(first, first + count)]

    @property
    def start(self) -> dt.datetime:
        year, month = self.months()[0]
        return dt.datetime(year, month, 1, tzinfo=timezone.get_current_timezone())

    @property
    def end(self) -> dt.datetime:
        year, month = self.months()[-1]
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return dt.datetime(year, month, 1, tzinfo=timezone.get_current_timezone())


@dataclass
class Figures:
    """What the law asks to publish for a period: requests received, by right and by
    decision, and how long decisions took."""

    period: Period
    received: int = 0
    by_right: list[tuple[str, int]] = field(default_factory=list)
    by_decision: list[tuple[str, int]] = field(default_factory=list)
    decided: int = 0
    pending: int = 0
    in_time: int = 0
    late: int = 0
    median_days: float | None = None
    mean_days: float | None = None
    longest_days: float | None = None
    months: list[dict] = field(default_factory=list)


def transparency_figures(period: Period) -> Figures:
    """Requests received in the period (one query), with the fate of each: decided in
    time, decided late, or still pending."""
    rows = list(
        RemovalRequest.objects.received_between(period.start, period.end).values_list(
            "created_at", "due_at", "decided_at", "decision", "right"
        )
    )
    figures = Figures(period=period, received=len(rows))
    rights = dict.fromkeys(RemovalRequest.Right.values, 0)
    decisions = dict.fromkeys(RemovalRequest.Decision.values, 0)
    days = []
    months = {month: dict.fromkeys([*decisions, "pending"], 0) for month in period.months()}
    for created_at, due_at, decided_at, decision, right in rows:
        rights[right] = rights.get(right, 0) + 1
        local = timezone.localtime(created_at)
        bucket = months.setdefault((local.year, local.month), dict.fromkeys(decisions, 0))
        if decided_at is None:
            figures.pending += 1
            bucket["pending"] = bucket.get("pending", 0) + 1
            continue
        figures.decided += 1
        decisions[decision] += 1
        bucket[decision] += 1
        if decided_at <= due_at:
            figures.in_time += 1
        else:
            figures.late += 1
        days.append((decided_at - created_at).total_seconds() / 86400)
    figures.by_right = [(RemovalRequest.Right(v).label, n) for v, n in rights.items()]
    figures.by_decision = [(RemovalRequest.Decision(v).label, n) for v, n in decisions.items()]
    if days:
        figures.median_days = round(statistics.median(days), 1)
        figures.mean_days = round(statistics.fmean(days), 1)
        figures.longest_days = round(max(days), 1)
    figures.months = [
        {"year": year, "month": month, **counts} for (year, month), counts in sorted(months.items())
    ]
    return figures


def transparency_chart(figures: Figures):
    """Requests per month received, stacked by what became of them (brands/charts.py)."""
    from brands.charts import stacked_columns

    colours = {"remove": "#dc2626", "partly": "#ca8a04", "keep": "#047857", "pending": "#6b7280"}
    names = {**{v: RemovalRequest.Decision(v).label for v in colours if v != "pending"}}
    names["pending"] = _("Pending")
    return stacked_columns(
        title=_("Removal requests received per month, by decision"),
        categories=[f"{row['year']}-{row['month']:02d}" for row in figures.months],
        series=[
            (names[key], colour, [row.get(key, 0) for row in figures.months])
            for key, colour in colours.items()
        ],
    )


def transparency_periods(*, now: dt.datetime | None = None) -> list[Period]:
    """The periods the report links to: each year since the first request, and its
    quarters, newest first."""
    first = RemovalRequest.objects.order_by("created_at").values_list("created_at", flat=True)
    today = timezone.localtime(now or timezone.now())
    start_year = timezone.localtime(first[0]).year if first else today.year
    periods = []
    for year in range(today.year, start_year - 1, -1):
        periods.append(Period(year))
        last_quarter = (today.month - 1) // 3 + 1 if year == today.year else 4
        periods += [Period(year, q) for q in range(last_quarter, 0, -1)]
    return periods
