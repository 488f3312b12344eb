"""Reads that span models, each with its relations loaded so templates never query."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
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


FACT_COLUMNS = ("fact_kind", "fact_number", "fact_role", "fact_slug", "fact_name")


@lru_cache(maxsize=4)
def _viewer_facts_sql() -> str:
    """One UNION of small indexed lookups, a row per fact: (kind, number, role, slug, name).
    Parameters: user, thread, thread, user, thread, user, "published", then user four times."""
    vote, answer, me_too = (HelpfulVote._meta.db_table, Answer._meta.db_table, MeToo._meta.db_table)
    membership, brand = Membership._meta.db_table, Brand._meta.db_table
    appointment = ModeratorAppointment._meta.db_table
    email, notification = EmailAddress._meta.db_table, Notification._meta.db_table
    kind, number, role, slug, name = FACT_COLUMNS
    return (
        f"SELECT 'vote' AS {kind}, v.answer_id AS {number}, NULL AS {role}, "  # noqa: S608
        f"NULL AS {slug}, NULL AS {name} FROM {vote} v "  # (table and column names only)
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


def _facts_params(user_id: Any, thread_id: int) -> list[Any]:
    return [user_id, thread_id, thread_id, user_id, thread_id, user_id, Visibility.PUBLISHED] + [
        user_id
    ] * 4


def thread_viewer_facts(*, user: Any, thread_id: int) -> ThreadViewerFacts:
    """Everything per person on a thread page, in one query: their votes and me too here,
    whether they have hidden answers here, their brand roles and moderator appointments,
    a verified address, unread notifications."""
    with connection.cursor() as cursor:
        cursor.execute(_viewer_facts_sql(), _facts_params(user.pk, thread_id))
        return _facts(cursor.fetchall())


def signed_in_reader(*, user_id: Any, thread_id: int) -> tuple[Any, ThreadViewerFacts | None]:
    """The reader's user row and their facts on this thread (`thread_viewer_facts`), in
    one query: a signed-in reader's page assembled from the thread's shared rendering
    (qa/thread_page.py) then asks the database nothing else. (None, None) if there is no
    such user. The caller checks the session against the user, as Django's auth would."""
    from community.models import User

    fields = User._meta.concrete_fields
    with connection.cursor() as cursor:
        cursor.execute(
            _signed_in_reader_sql(connection.vendor), [*_facts_params(user_id, thread_id), user_id]
        )
        rows = cursor.fetchall()
    if not rows:
        return None, None
    values = list(rows[0][: len(fields)])
    for index, (column, converters) in enumerate(_user_converters(connection.vendor)):
        for convert in converters:
            values[index] = convert(values[index], column, connection)
    user = User.from_db(connection.alias, [field.attname for field in fields], values)
    return user, _facts(row[len(fields) :] for row in rows if row[len(fields)] is not None)


@lru_cache(maxsize=4)
def _signed_in_reader_sql(vendor: str) -> str:
    from community.models import User

    quote = connection.ops.quote_name
    columns = ", ".join(f"u.{quote(field.column)}" for field in User._meta.concrete_fields)
    facts = ", ".join(f"f.{column}" for column in FACT_COLUMNS)
    return (
        f"SELECT {columns}, {facts} FROM {User._meta.db_table} u "  # noqa: S608 - names only
        f"LEFT JOIN ({_viewer_facts_sql()}) f ON 1 = 1 WHERE u.{quote(User._meta.pk.column)} = %s"
    )


@lru_cache(maxsize=4)
def _user_converters(vendor: str) -> list[tuple[Any, list]]:
    """The ORM's converters for each column of the user row (SQLite keeps dates as text)."""
    from community.models import User

    converters = []
    for field in User._meta.concrete_fields:
        column = field.get_col(User._meta.db_table)
        found = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
        converters.append((column, found))
    return converters


def _facts(rows: Any) -> ThreadViewerFacts:
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
