"""Cursor pagination in the order the selector chose.

Each list keeps the order its selector gives (newest first, most "me too", the inbox's
oldest-waiting first); the cursor is an opaque position in that order, so a page never
repeats or skips a row when new threads arrive meanwhile.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from rest_framework.pagination import CursorPagination


class Cursor(CursorPagination):
    ordering = ("-id",)
    page_size_query_param = "page_size"
    max_page_size = 100

    def get_page_size(self, request: Any) -> int | None:
        self.page_size = settings.SODAN_API_PAGE_SIZE
        return super().get_page_size(request)

    def get_ordering(self, request: Any, queryset: Any, view: Any) -> tuple[str, ...]:
        chosen = tuple(
            field for field in getattr(queryset.query, "order_by", ()) if isinstance(field, str)
        )
        return chosen or tuple(getattr(view, "ordering", None) or self.ordering)
