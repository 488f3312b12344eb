"""Reads that span models, each with its relations loaded so templates never query."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from allauth.account.models import EmailAddress
from django.db import connection
from django.db.models import QuerySet

from brands.models import Brand, Membership
from community.models import Notification
from moderation.models import ModeratorAppointment

from .models import Answer, HelpfulVote, MeToo, Thread, Visibility


def brand_threads(
    *,
    brand: Brand,
    user: Any,
    product_slug: str = "",
    type: str = "",
    status: str = "",
    sort: str = "newest",
) -> QuerySet[Thread]:
    threads = Thread.objects.for_brand(brand).listed().with_list_relations()
    if product_slug:
        threads = threads.filter(product__slug=product_slug)
    if type:
        threads = threads.filter(type=type)
    if status:
        threads = threads.filter(status=status)
    if sort == "me_too":
        return threads.order_by("-me_too_count", "-created_at", "-id")
    if sort == "unanswered":
        threads = threads.unanswered()
    return threads.order_by("-created_at", "-id")


def thread_answers(*, thread: Thread, user: Any) -> list[Answer]:
    """Published answers in reading order, each marked with whether the viewer voted.

    Three queries whatever the number of answers: answers with authors, and the
    viewer's votes.
    """
    answers = list(
        Answer.objects.filter(thread=thread)
        .visible_to(user)
        .select_related("author", "accepted_by", "verified_by", "endorsed_by", "official_for")
        .in_reading_order()
    )
    voted: set[int] = set()
    if getattr(user, "is_authenticated", False) and answers:
        voted = set(
            HelpfulVote.objects.filter(user=user, answer__thread=thread).values_list(
                "answer_id", flat=True
            )
        )
    for answer in answers:
        answer.thread = thread  # permission checks read answer.thread.brand: no extra query
        answer.voted_by_viewer = answer.pk in voted
    return answers


def viewer_said_me_too(*, thread: Thread, user: Any) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return MeToo.objects.filter(thread=thread, user=user).exists()


@dataclass(frozen=True)
class ThreadViewerFacts:
    """What a thread page needs to know about one signed-in viewer."""

    voted: frozenset[int]  # answers of the thread they found helpful
    said_me_too: bool
    has_hidden_answers: bool  # of their own in this thread (only they see those)
    verified: bool  # has a verified e-mail address
    moderates_everywhere: bool
    moderated_brand_ids: frozenset[int]
    brand_roles: dict[int, frozenset[str]]  # every active brand role, by brand id
    teams: tuple[dict[str, str], ...]  # the brands whose inbox the header links, by name
    unread_notifications: int


def _viewer_facts_sql() -> str:
    """One UNION of small indexed lookups: (kind, number, text, text, text) rows."""
    vote, answer, me_too = (HelpfulVote._meta.db_table, Answer._meta.db_table, MeToo._meta.db_table)
    membership, brand = Membership._meta.db_table, Brand._meta.db_table
    appointment = ModeratorAppointment._meta.db_table
    email, notification = EmailAddress._meta.db_table, Notification._meta.db_table
    return (
        f"SELECT 'vote', v.answer_id, NULL, NULL, NULL FROM {vote} v "  # noqa: S608 - names only
        f"JOIN {answer} a ON a.id = v.answer_id WHERE v.user_id = %s AND a.thread_id = %s "
        f"UNION ALL SELECT 'me_too', 1, NULL, NULL, NULL FROM {me_too} "
        "WHERE thread_id = %s AND user_id = %s "
        f"UNION ALL SELECT 'hidden', id, NULL, NULL, NULL FROM {answer} "
        "WHERE thread_id = %s AND author_id = %s AND visibility <> %s "
        f"UNION ALL SELECT 'team', m.brand_id, m.role, b.slug, b.name FROM {membership} m "
        f"JOIN {brand} b ON b.id = m.brand_id WHERE m.user_id = %s AND m.revoked_at IS NULL "
        f"UNION ALL SELECT 'moderates', COALESCE(brand_id, 0), NULL, NULL, NULL "
        f"FROM {appointment} WHERE user_id = %s "
        "UNION ALL SELECT 'verified', 1, NULL, NULL, NULL "
        f"WHERE EXISTS (SELECT 1 FROM {email} WHERE user_id = %s AND verified) "
        f"UNION ALL SELECT 'unread', COUNT(*), NULL, NULL, NULL FROM {notification} "
        "WHERE recipient_id = %s AND read_at IS NULL"
    )


def thread_viewer_facts(*, user: Any, thread_id: int) -> ThreadViewerFacts:
    """Everything per person on a thread page, in one query: their votes and me too here,
    whether they have hidden answers here, their brand roles and moderator appointments,
    a verified address, unread notifications. A signed-in reader's page, assembled from
    the shared rendering (qa/thread_page.py), asks the database nothing else but their
    session's user."""
    params = [user.pk, thread_id, thread_id, user.pk, thread_id, user.pk, Visibility.PUBLISHED]
    params += [user.pk] * 4
    with connection.cursor() as cursor:
        cursor.execute(_viewer_facts_sql(), params)
        rows = cursor.fetchall()
    voted: set[int] = set()
    roles: dict[int, set[str]] = {}
    teams: dict[int, tuple[str, str]] = {}
    moderated: set[int] = set()
    facts: dict[str, Any] = {"said_me_too": False, "has_hidden_answers": False}
    facts |= {"verified": False, "moderates_everywhere": False, "unread_notifications": 0}
    for kind, number, role, slug, name in rows:
        if kind == "vote":
            voted.add(number)
        elif kind == "me_too":
            facts["said_me_too"] = True
        elif kind == "hidden":
            facts["has_hidden_answers"] = True
        elif kind == "team":
            roles.setdefault(number, set()).add(role)
            teams[number] = (slug, name)
        elif kind == "moderates":
            if number == 0:
                facts["moderates_everywhere"] = True
            else:
                moderated.add(number)
        elif kind == "verified":
            facts["verified"] = True
        elif kind == "unread":
            facts["unread_notifications"] = number
    return ThreadViewerFacts(
        voted=frozenset(voted),
        moderated_brand_ids=frozenset(moderated),
        brand_roles={brand_id: frozenset(r) for brand_id, r in roles.items()},
        teams=tuple(
            {"slug": slug, "name": name}
            for slug, name in sorted(teams.values(), key=lambda team: team[1])
        ),
        **facts,
    )
