"""Every CSV the project writes, written one way: UTF-8 with a byte-order mark, so that
Excel (which reads a CSV without one in the system's code page, Shift_JIS in Japan) opens
Japanese text intact, and with cells people typed kept from becoming formulas.

Reports, feedback cohorts, scheduled report attachments and exports all come through
`csv_text` or `csv_response`; a CSV written another way would open garbled in Japanese
Excel again.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

from django.http import HttpResponse

BOM = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """Text from people: a leading =, +, -, @, tab or return must not start a formula.
    Numbers stay numbers (a negative number is not text someone typed)."""
    if isinstance(value, str) and value[:1] in FORMULA_STARTS:
        return "'" + value
    return "" if value is None else value


def csv_text(header: Iterable[Any], rows: Iterable[Iterable[Any]]) -> str:
    """The whole file as text, beginning with the byte-order mark."""
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out)
    writer.writerow([safe_cell(str(cell)) for cell in header])
    writer.writerows([safe_cell(cell) for cell in row] for row in rows)
    return out.getvalue()


def csv_response(
    filename: str, header: Iterable[Any], rows: Iterable[Iterable[Any]]
) -> HttpResponse:
    """A download of the CSV, named `filename` (ASCII)."""
    response = HttpResponse(
        csv_text(header, rows).encode("utf-8"), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
