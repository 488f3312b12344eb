"""Reads for crisis alerts that other rooms show: the rep inbox puts crisis threads first
and marks them (brands/views/inbox.py)."""

from __future__ import annotations

from django.db.models import Case, Exists, IntegerField, OuterRef, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce

from .crisis_models import SEVERITY_RANK, CrisisAlert, Severity

RANK_SEVERITY = {rank: severity for severity, rank in SEVERITY_RANK.items()}


def crisis_first(threads: QuerySet) -> QuerySet:
    """The same threads, those in a crisis alert first (critical, then high, then low),
    each keeping the order it had; in the same query. Each thread gets `crisis_rank`
    (0 when none) and `crisis_unacknowledged`."""
    links = CrisisAlert.threads.through.objects.filter(thread_id=OuterRef("pk"))
    rank = Case(
        *[
            When(crisisalert__severity=severity, then=Value(n))
            for severity, n in SEVERITY_RANK.items()
        ],
        default=Value(0),
        output_field=IntegerField(),
    )
    top = links.annotate(rank=rank).order_by("-rank").values("rank")[:1]
    return threads.annotate(
        crisis_rank=Coalesce(Subquery(top, output_field=IntegerField()), Value(0)),
        crisis_unacknowledged=Exists(links.filter(crisisalert__acknowledged_at__isnull=True)),
    ).order_by("-crisis_rank", *threads.query.order_by)


def mark_crisis(threads) -> None:
    """Give each row of `crisis_first` its severity's label, for the marker."""
    for thread in threads:
        severity = RANK_SEVERITY.get(getattr(thread, "crisis_rank", 0))
        thread.crisis_label = Severity(severity).label if severity else ""
