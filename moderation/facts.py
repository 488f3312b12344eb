"""The moderation facts the rules ask about a viewer (community/viewer_facts.py)."""

from __future__ import annotations

from typing import Any

from django.db.models import F, QuerySet

from community.viewer_facts import Row, columns, fact

from .models import ModeratorAppointment
from .permissions import APPOINTMENTS, appointments_of


def _appointments(rows: list[Row]) -> tuple[bool, frozenset[int]]:
    return appointments_of([brand_id for brand_id, *_texts in rows])


@fact(APPOINTMENTS, fold=_appointments)
def appointments(user_id: Any, thread_id: int | None) -> QuerySet:
    """Where the person moderates: everywhere (no brand) or named brands."""
    return columns(ModeratorAppointment.objects.filter(user_id=user_id), number=F("brand_id"))
