"""What the rules need to know about one viewer, contributed by each app, loaded together.

The rules live in each app's permissions.py and ask facts about the person: brands asks
their roles, moderation their appointments, community whether their address is verified,
qa their votes and me too on a thread. Each fact is declared once, here in the registry,
by the app that owns it (`<app>/facts.py`): a queryset built with that app's own manager
methods (`Membership.objects.active()`, never a copy of the rule in SQL), and a `fold`
that turns its rows into the value the rules read.

A fact is then loaded one of two ways, always through the same queryset:

- on its own, the first time a rule asks it (`FactSource.recall`: one query, kept for the
  request in community/memo.py);
- together with every other fact, in ONE query (`load`): the querysets become one
  `UNION ALL` built by the ORM. A thread page assembled from the cache for a signed-in
  reader goes further and loads the reader's user row in that same query: Django's own
  `auth.get_user` runs as always (session, backend, password hash), and the
  authentication backend (community/auth_backends.py) asks `user_with_facts` for the row
  while `preloading(thread_id)` is in effect.

Every branch selects the same columns (`FACT_COLUMNS`): which fact, a number, and up to
three texts; a source fills in what it needs (`columns`).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.db import connections, router
from django.db.models import BigIntegerField, CharField, QuerySet, Value
from django.db.models.functions import Cast

from . import memo

try:  # PostgreSQL's driver: binds an id with the type named here (`Compiled.bound`)
    from psycopg.types.numeric import Int8 as _Int8
except ImportError:  # pragma: no cover - SQLite-only installs
    _Int8 = None

FACT_COLUMNS = ("fact_kind", "fact_number", "fact_text", "fact_name", "fact_slug")
DATA_COLUMNS = FACT_COLUMNS[1:]

Row = tuple[Any, Any, Any, Any]  # (number, text, name, slug)
_UNKNOWN = object()


@dataclass(frozen=True)
class FactSource:
    """One fact about a viewer: the rows that say it, and what the rules read from them."""

    key: str
    rows: Callable[[Any, int | None], QuerySet]  # (user id, thread id) -> `columns(...)`
    fold: Callable[[list[Row]], Any]
    per_thread: bool = False

    def memo_key(self, thread_id: int | None) -> str:
        return f"{self.key}:{thread_id}" if self.per_thread else self.key

    def queryset(self, user_id: Any, thread_id: int | None) -> QuerySet:
        kind = Value(self.key, output_field=CharField())
        return self.rows(user_id, thread_id).annotate(fact_kind=kind).values_list(*FACT_COLUMNS)

    def recall(self, user: Any, thread_id: int | None = None) -> Any:
        """The fact for this person, from the request's memo or from one query."""
        key = self.key if thread_id is None else self.memo_key(thread_id)
        known = memo.peek(user, key, _UNKNOWN)
        if known is not _UNKNOWN:
            return known
        value = self.fold([row[1:] for row in self.queryset(user.pk, thread_id)])
        memo.remember(user, key, value)
        return value


SOURCES: dict[str, FactSource] = {}


def fact(key: str, *, fold: Callable[[list[Row]], Any], per_thread: bool = False) -> Callable:
    """Register `rows(user_id, thread_id) -> QuerySet` as the fact `key` (an app's facts.py
    does this at start-up)."""

    def register(rows: Callable[[Any, int | None], QuerySet]) -> FactSource:
        if key in SOURCES and SOURCES[key].rows is not rows:
            raise ValueError(f"the viewer fact {key!r} is declared twice")
        SOURCES[key] = FactSource(key=key, rows=rows, fold=fold, per_thread=per_thread)
        return SOURCES[key]

    return register


def columns(
    queryset: QuerySet, *, number: Any = None, text: Any = None, name: Any = None, slug: Any = None
) -> QuerySet:
    """The queryset with the registry's columns (unused ones empty) and no ordering, so it
    can take part in the union. Empty columns carry their type (NULL::bigint, NULL::varchar):
    PostgreSQL types an untyped NULL as text when two such branches meet first in the union,
    and a number in a later branch then no longer matches."""
    empty_text = Cast(Value(None), CharField())
    return queryset.order_by().annotate(
        fact_number=number if number is not None else Cast(Value(None), BigIntegerField()),
        fact_text=text if text is not None else empty_text,
        fact_name=name if name is not None else empty_text,
        fact_slug=slug if slug is not None else empty_text,
    )


def _union(user_id: Any, thread_id: int | None) -> QuerySet:
    sources = [s for s in SOURCES.values() if thread_id is not None or not s.per_thread]
    first, *rest = (source.queryset(user_id, thread_id) for source in sources)
    return first.union(*rest, all=True)


# Building and compiling the union costs more than running it (eleven querysets), so it is
# compiled once per process and database with stand-in ids, which each query then swaps
# for the person's and the thread's (`Compiled.bound`).
_USER_MARK, _THREAD_MARK = -7_391_804_552_018_337, -7_391_804_552_018_338


@dataclass(frozen=True)
class Compiled:
    """SQL compiled once, its parameters with the stand-in ids, and where the person's and
    the thread's ids go in them."""

    sql: str
    params: tuple
    user_at: tuple[int, ...]
    thread_at: tuple[int, ...]
    # On PostgreSQL ids are bound as bigint, whatever their size: psycopg sends a Python
    # int as the smallest type that holds it (smallint for 101, integer for 40,000), and a
    # prepared statement is kept per text *and* parameter types, so readers and threads
    # with ids of different sizes each had a statement of their own, each planned afresh
    # on its first executions in every connection. As a bigint (the columns' type) every
    # reader's page runs the one statement and its one generic plan.
    bigint_ids: bool

    def bound(self, user_id: Any, thread_id: int | None) -> list:
        params = list(self.params)
        if self.bigint_ids:
            user_id = _Int8(user_id)
            thread_id = None if thread_id is None else _Int8(thread_id)
        for index in self.user_at:
            params[index] = user_id
        for index in self.thread_at:
            params[index] = thread_id
        return params


@lru_cache(maxsize=16)
def _compiled_union(alias: str, with_thread: bool) -> Compiled:
    queryset = _union(_USER_MARK, _THREAD_MARK if with_thread else None)
    sql, params = queryset.query.get_compiler(alias).as_sql()
    return _compiled(alias, sql, tuple(params))


def _compiled(alias: str, sql: str, params: tuple) -> Compiled:
    def places(mark: int) -> tuple[int, ...]:
        return tuple(i for i, param in enumerate(params) if type(param) is int and param == mark)

    return Compiled(
        sql=sql,
        params=params,
        user_at=places(_USER_MARK),
        thread_at=places(_THREAD_MARK),
        bigint_ids=_Int8 is not None and connections[alias].vendor == "postgresql",
    )


def _union_sql(alias: str, user_id: Any, thread_id: int | None) -> tuple[str, list]:
    """The union's SQL and its parameters for this person (and thread)."""
    compiled = _compiled_union(alias, thread_id is not None)
    return compiled.sql, compiled.bound(user_id, thread_id)


def _remember(user: Any, rows: list[tuple], thread_id: int | None) -> None:
    by_kind: dict[str, list[Row]] = {}
    for kind, *data in rows:
        by_kind.setdefault(kind, []).append(tuple(data))
    facts = {
        source.memo_key(thread_id): source.fold(by_kind.get(source.key, []))
        for source in SOURCES.values()
        if thread_id is not None or not source.per_thread
    }
    facts[_loaded_key(thread_id)] = True
    memo.remember_all(user, facts)


def _loaded_key(thread_id: int | None) -> str:
    return f"viewer_facts.loaded:{thread_id}"


def loaded(user: Any, *, thread_id: int | None = None) -> bool:
    """Whether every fact about this person (on this thread) is known for the request."""
    return memo.known(user, _loaded_key(thread_id))


def load(user: Any, *, thread_id: int | None = None) -> None:
    """Every registered fact about this person (and their facts on the thread), in one
    query, kept for the request."""
    alias = router.db_for_read(type(user))
    sql, params = _union_sql(alias, user.pk, thread_id)
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, params)
        _remember(user, cursor.fetchall(), thread_id)


# --- The user row and the facts together --------------------------------------------------

_preloading: ContextVar[int | None] = ContextVar("sodan_viewer_facts_thread", default=None)


@contextlib.contextmanager
def preloading(*, thread_id: int) -> Iterator[None]:
    """While in effect, the authentication backend loads the session's user together with
    their facts on this thread (one query for a whole page)."""
    token = _preloading.set(thread_id)
    try:
        yield
    finally:
        _preloading.reset(token)


def preloading_thread() -> int | None:
    return _preloading.get()


def user_with_facts(user_id: Any, *, thread_id: int | None) -> Any:
    """The user with this id, their facts kept on it, in one query; None if there is none."""
    from django.contrib.auth import get_user_model

    model = get_user_model()
    alias = router.db_for_read(model)
    query = _user_query(alias, thread_id is not None)
    if type(user_id) is not int:
        user_id = model._meta.pk.to_python(user_id)
    connection = connections[alias]
    with connection.cursor() as cursor:
        cursor.execute(query.compiled.sql, query.compiled.bound(user_id, thread_id))
        rows = cursor.fetchall()
    if not rows:
        return None
    width = len(query.attnames)
    values = list(rows[0][:width])
    for index, column, converters in query.converters:
        for convert in converters:
            values[index] = convert(values[index], column, connection)
    user = model.from_db(alias, query.attnames, values)
    _remember(user, [row[width:] for row in rows if row[width] is not None], thread_id)
    return user


@dataclass(frozen=True)
class UserQuery:
    """The user's row LEFT JOINed to the facts' union, compiled once per database (and with
    or without a thread), with what turns its row into a user."""

    compiled: Compiled
    attnames: tuple[str, ...]
    converters: tuple[tuple[int, Any, tuple], ...]  # only the columns that need converting


@lru_cache(maxsize=8)
def _user_query(alias: str, with_thread: bool) -> UserQuery:
    from django.contrib.auth import get_user_model

    model = get_user_model()
    connection = connections[alias]
    quote = connection.ops.quote_name
    fields = tuple(model._meta.concrete_fields)
    user_columns = ", ".join(f"u.{quote(field.column)}" for field in fields)
    fact_columns = ", ".join(f"f.{quote(column)}" for column in FACT_COLUMNS)
    table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
    union = _compiled_union(alias, with_thread)
    sql = (
        f"SELECT {user_columns}, {fact_columns} FROM {table} u LEFT JOIN ("  # noqa: S608
        f"{union.sql}) f ON 1 = 1 WHERE u.{pk} = %s"
    )
    converters = []
    for index, field in enumerate(fields):
        # The ORM's converters for the column (SQLite keeps dates as text).
        column = field.get_col(model._meta.db_table)
        found = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
        if found:
            converters.append((index, column, tuple(found)))
    return UserQuery(
        compiled=_compiled(alias, sql, (*union.params, _USER_MARK)),
        attnames=tuple(field.attname for field in fields),
        converters=tuple(converters),
    )
