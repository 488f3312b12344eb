"""Geometry for the reports' charts, drawn as inline SVG by templates.

Python works out every rectangle and label position; the templates
(brands/_chart_*.html) only write them out, escaped like any other text. No
JavaScript, no inline style (the CSP forbids both): colours are SVG presentation
attributes. Every chart has a data table next to it, so nothing is only in a picture.
"""

from __future__ import annotations

from dataclasses import dataclass, field

WIDTH = 640
PLOT_LEFT = 40
PLOT_TOP = 10
PLOT_HEIGHT = 160
BAR_HEIGHT = 18
LABEL_WIDTH = 190

TYPE_COLOURS = {
    "question": "#2563eb",
    "problem": "#dc2626",
    "idea": "#ca8a04",
    "praise": "#db2777",
}
STATUS_COLOURS = {"open": "#6b7280", "answered": "#0284c7", "solved": "#047857"}
BAR_COLOUR = "#4f46e5"
SECOND_COLOUR = "#a5b4fc"


@dataclass
class Segment:
    x: float
    y: float
    width: float
    height: float
    colour: str
    title: str


@dataclass
class Tick:
    y: float
    label: str


@dataclass
class ColumnLabel:
    x: float
    label: str


@dataclass
class LegendEntry:
    name: str
    colour: str


@dataclass
class ColumnChart:
    title: str
    segments: list[Segment]
    ticks: list[Tick]
    labels: list[ColumnLabel]
    legend: list[LegendEntry]
    width: int = WIDTH
    height: int = PLOT_TOP + PLOT_HEIGHT + 30
    plot_left: int = PLOT_LEFT
    baseline: float = PLOT_TOP + PLOT_HEIGHT
    kind: str = "columns"


def _nice_top(value: float) -> float:
    """A round number at or above the largest value, for the axis."""
    if value <= 0:
        return 1
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000):
        if value <= step:
            return step
    magnitude = 10 ** (len(str(int(value))) - 1)
    return ((int(value) // magnitude) + 1) * magnitude


def stacked_columns(
    *,
    title: str,
    categories: list[str],
    series: list[tuple[str, str, list[float]]],
    unit: str = "",
) -> ColumnChart:
    """One column per category (a week), stacked by series (a type or a status)."""
    totals = [sum(values[i] for _n, _c, values in series) for i in range(len(categories))]
    top = _nice_top(max(totals, default=0))
    count = max(len(categories), 1)
    slot = (WIDTH - PLOT_LEFT - 10) / count
    bar = max(slot * 0.7, 2)
    segments: list[Segment] = []
    labels: list[ColumnLabel] = []
    every = max(1, count // 8)  # at most 8 labels under the columns
    for index, category in enumerate(categories):
        x = PLOT_LEFT + index * slot + (slot - bar) / 2
        y = PLOT_TOP + PLOT_HEIGHT
        for name, colour, values in series:
            value = values[index]
            if not value:
                continue
            height = PLOT_HEIGHT * value / top
            y -= height
            segments.append(
                Segment(
                    x=round(x, 1),
                    y=round(y, 1),
                    width=round(bar, 1),
                    height=round(height, 1),
                    colour=colour,
                    title=f"{category} · {name}: {_number(value)}{unit}",
                )
            )
        if index % every == 0:
            labels.append(ColumnLabel(x=round(x + bar / 2, 1), label=category))
    ticks = [
        Tick(y=round(PLOT_TOP + PLOT_HEIGHT * (1 - share), 1), label=_number(top * share))
        for share in (0, 0.5, 1)
    ]
    return ColumnChart(
        title=title,
        segments=segments,
        ticks=ticks,
        labels=labels,
        legend=[LegendEntry(name=name, colour=colour) for name, colour, _v in series],
    )


@dataclass
class Bar:
    y: float
    width: float
    label: str
    value_label: str
    colour: str
    text_y: float = 0.0
    value_x: float = 0.0


@dataclass
class BarChart:
    title: str
    bars: list[Bar]
    legend: list[LegendEntry] = field(default_factory=list)
    width: int = WIDTH
    height: int = 0
    label_width: int = LABEL_WIDTH
    kind: str = "bars"


def horizontal_bars(
    *,
    title: str,
    rows: list[tuple[str, float, str, str]],
    legend: list[LegendEntry] | None = None,
) -> BarChart:
    """One bar per row: (label, value, value as text, colour)."""
    top = max((value for _l, value, _t, _c in rows), default=0) or 1
    room = WIDTH - LABEL_WIDTH - 90
    bars = []
    for index, (label, value, text, colour) in enumerate(rows):
        y = 4 + index * (BAR_HEIGHT + 6)
        width = round(room * value / top, 1) if value else 0
        bars.append(
            Bar(
                y=y,
                width=max(width, 1 if value else 0),
                label=label,
                value_label=text,
                colour=colour,
                text_y=y + BAR_HEIGHT - 5,
                value_x=LABEL_WIDTH + width + 6,
            )
        )
    height = 8 + len(rows) * (BAR_HEIGHT + 6)
    return BarChart(title=title, bars=bars, legend=legend or [], height=max(height, 30))


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"
