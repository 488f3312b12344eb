"""Reads about cases that join several models: the thread page's markers and the team's
tools, the inbox list, the customer card's entries, a case's page, an event's data."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.urls import reverse

from attachments.selectors import attach_to_case_messages
from brands.models import OfficialDraft
from community.compiled_queries import CompiledQuery
from qa.models import Answer, MeToo, Thread, Visibility

from . import permissions
from .models import Case, CaseMessage


@dataclass(frozen=True)
class ThreadMarker:
    """What the public thread shows of one case: only that it exists and when."""

    since: datetime
    resolved_at: datetime | None
    is_asker: bool
    summary_published: bool


@dataclass
class ThreadCasesPanel:
    """The team's tools on the thread page: who a case can be opened with, and the cases."""

    candidates: list[Any] = field(default_factory=list)
    cases: list[Case] = field(default_factory=list)


def _markers_query(*, thread_id: int) -> QuerySet[Case]:
    return (
        Case.objects.filter(thread_id=thread_id)
        .select_related("summary_draft")
        .only(
            "pk",
            "thread_id",
            "customer_id",
            "created_at",
            "resolved_at",
            "summary_status",
            "summary_draft__status",
        )
        .order_by("created_at", "id")
    )


# Asked by every thread page with a case that is not in the cache: compiled once.
_MARKERS = CompiledQuery(Case, _markers_query, parameters={"thread_id": int})


def thread_cases(*, thread: Thread, user: Any) -> dict:
    """Context for the thread page. Everyone: the markers, the same for every reader so
    they are part of the shared cached rendering (one query, none for a thread on which no
    case was ever opened: `Thread.has_cases`). The brand's reps and admins: two more for
    their tools."""
    cases = _MARKERS.fetch(thread_id=thread.pk) if thread.has_cases else []
    markers = [
        ThreadMarker(
            since=case.created_at,
            resolved_at=case.resolved_at,
            is_asker=case.customer_id == thread.author_id,
            summary_published=case.summary_status == Case.Summary.APPROVED
            or (
                case.summary_status == Case.Summary.HELD
                and case.summary_draft is not None
                and case.summary_draft.status == OfficialDraft.Status.PUBLISHED
            ),
        )
        for case in cases
    ]
    panel = None
    if permissions.can_open_case(user, thread):
        panel = ThreadCasesPanel(
            candidates=thread_case_candidates(thread),
            cases=list(
                Case.objects.filter(thread=thread)
                .select_related("customer")
                .order_by("-created_at")
            ),
        )
    return {"case_markers": markers, "case_panel": panel}


def thread_case_candidates(thread: Thread) -> list[Any]:
    """The thread's people a case can be with: the asker first, then answerers and me-too
    people, never the brand's own team."""
    from brands.models import Membership
    from community.models import User

    answerers = Answer.objects.filter(thread=thread, visibility=Visibility.PUBLISHED).values(
        "author_id"
    )
    me_too = MeToo.objects.filter(thread=thread).values("user_id")
    team = Membership.objects.active().for_brand(thread.brand).values("user_id")
    people = User.objects.filter(
        Q(pk=thread.author_id) | Q(pk__in=answerers) | Q(pk__in=me_too), is_active=True
    ).exclude(pk__in=team)
    return sorted(people, key=lambda person: (person.pk != thread.author_id, person.public_name))


def inbox_cases(*, brand: Any) -> list[Case]:
    """The brand's open cases for the rep inbox, the longest waiting first: one query."""
    return list(
        Case.objects.for_brand(brand)
        .open()
        .select_related("thread", "customer", "opened_by")
        .order_by("created_at", "id")[:100]
    )


def customer_cases(*, customer: Any) -> list[Case]:
    """A customer's own cases, across brands, newest first."""
    return list(
        Case.objects.for_customer(customer)
        .select_related("brand", "thread")
        .order_by("-created_at", "-id")
    )


@dataclass(frozen=True)
class HistoryEntry:
    """One line of the customer card's history (brands.selectors.customer_card)."""

    kind: str
    at: datetime
    item: Any


def customer_card_entries(*, brand: Any, customer: Any) -> list[HistoryEntry]:
    """The customer's cases with this brand for the customer card: each opened, and each
    outcome, as its own moment. One query."""
    entries = []
    for case in (
        Case.objects.for_brand(brand)
        .for_customer(customer)
        .select_related("thread", "opened_by")
        .order_by("-created_at")[:50]
    ):
        entries.append(HistoryEntry("case_opened", case.created_at, case))
        if case.resolved_at is not None:
            entries.append(HistoryEntry("case_resolved", case.resolved_at, case))
    return entries


def customer_history(
    *, brand: Any, customer: Any, threads: list, answers: list, notes: list, viewer: Any
) -> list[HistoryEntry]:
    """The customer card's one history, newest first: the threads and answers and notes the
    card loaded already, with the customer's me-toos in the brand and, for the brand's reps
    and admins (and staff), their private cases with it, opened and each outcome. The
    product team reads the card but not cases. Two queries."""
    me_toos = (
        MeToo.objects.filter(
            user=customer, thread__brand=brand, thread__visibility=Visibility.PUBLISHED
        )
        .select_related("thread")
        .order_by("-created_at")[:50]
    )
    entries = [HistoryEntry("thread", thread.created_at, thread) for thread in threads]
    entries += [HistoryEntry("answer", answer.created_at, answer) for answer in answers]
    entries += [HistoryEntry("me_too", me_too.created_at, me_too) for me_too in me_toos]
    entries += [HistoryEntry("note", note.created_at, note) for note in notes]
    if permissions.can_see_cases_of(viewer, brand):
        entries += customer_card_entries(brand=brand, customer=customer)
    return sorted(entries, key=lambda entry: entry.at, reverse=True)


def case_page(*, case: Case, user: Any) -> dict:
    messages = list(
        CaseMessage.objects.filter(case=case).select_related("author").order_by("created_at", "id")
    )
    attach_to_case_messages(messages)
    return {
        "case": case,
        "case_messages": messages,
        "can_write": permissions.can_write_in_case(user, case),
        "can_resolve": permissions.can_resolve(user, case),
        "can_propose_summary": permissions.can_propose_summary(user, case),
        "can_decide_summary": permissions.can_decide_summary(user, case),
        "speaks_for_brand": permissions.speaks_in_case(user, case),
    }


_DEDUPE = re.compile(r"^case_[a-z_]+:(\d+)")


def notification_url(dedupe_key: str) -> str:
    """Where a case notification leads: the case's page (its row names no case)."""
    found = _DEDUPE.match(dedupe_key)
    return reverse("cases:detail", kwargs={"pk": int(found.group(1))}) if found else ""


def case_event_data(case: Case) -> dict:
    """What a case.* event carries out to the brand's endpoints subscribed to case events
    (its outside helpdesk), in the shape integrations.events documents: the case with its
    customer and messages, and the public thread it came from."""
    from integrations.events import person_data, site_url, thread_data

    messages = (
        CaseMessage.objects.filter(case=case).select_related("author").order_by("created_at", "id")
    )
    thread = Thread.objects.select_related("product", "version", "author").get(pk=case.thread_id)
    return {
        "case": {
            "id": case.pk,
            "url": site_url(case.get_absolute_url()),
            "status": case.status,
            "opened_at": case.created_at.isoformat(),
            "resolved_at": case.resolved_at.isoformat() if case.resolved_at else None,
            "customer": person_data(case.customer),
            "opened_by": person_data(case.opened_by),
            "subject": thread.title,
            "reference": case.external_reference,
            "outcome": case.status if case.resolved_at else None,
            "messages": [
                {
                    "id": message.pk,
                    "from": "customer" if message.author_id == case.customer_id else "brand",
                    "author": person_data(message.author)
                    or {"id": None, "name": message.helpdesk_author},
                    "body": message.body,
                    "created_at": message.created_at.isoformat(),
                }
                for message in messages
            ],
        },
        "thread": thread_data(thread),
    }
