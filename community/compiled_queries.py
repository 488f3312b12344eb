"""Queries of a fixed shape whose SQL Django compiles once per process.

A thread page that is not in the cache asks the same few queries every time, only the ids
changing; Django builds each queryset anew and compiles it (every `select_related` join
set up and compared with the others, the window expressions, the column lists), and for
those queries that cost more than running them. A `CompiledQuery` builds its queryset once
per shape from stand-in values, keeps the SQL and what Django's compiler worked out to turn
a row into objects (the select list, the related populators, the annotations' columns, the
converters), and then runs that SQL with the real values and builds the objects exactly as
Django's own iteration does: deferred fields stay deferred, `select_related` rows are
cached on their objects, prefetches run after.

Which of the SQL's parameters are the caller's values is found, not guessed: the queryset
is compiled twice, with two different stand-ins for each value; the SQL text must come out
the same (a value written into the SQL itself, as LIMIT is, belongs to the shape instead),
and every parameter that differs must be one value's stand-in both times. Anything else is
refused when the shape is first compiled, never answered wrongly.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections, router
from django.db.models import Model, QuerySet, prefetch_related_objects
from django.db.models.base import ModelState
from django.db.models.fields.files import FileDescriptor
from django.db.models.fields.related_descriptors import ForeignKeyDeferredAttribute
from django.db.models.query import ModelIterable, RelatedPopulator, get_related_populators
from django.db.models.query_utils import DeferredAttribute
from django.db.models.signals import post_init, pre_init

# The types a value may have: ids and plain strings, which reach the SQL unchanged.
PARAMETER_TYPES = (int, str)


class ShapeError(Exception):
    """The queryset built for a shape cannot be reused with other values."""


@dataclass(frozen=True)
class _Slot:
    """Where a caller's value goes among the SQL's parameters."""

    name: str


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple[Any, ...]  # constants, and a _Slot for each of the caller's values
    model: type[Model]
    col_count: int
    trim: bool  # extra columns selected for ordering, dropped from each row as Django does
    converters: tuple[tuple[int, tuple[Callable[..., Any], ...], Any], ...]
    fields_start: int
    fields_end: int
    init_list: tuple[str, ...]
    build_instance: Callable[[str, Sequence[Any]], Model]
    related_populators: tuple[Any, ...]
    annotation_col_map: tuple[tuple[str, int], ...]
    prefetch_lookups: tuple[Any, ...]


class CompiledQuery:
    """One query shape: `build(*shape, **values)` returns the queryset of `model`,
    `fetch(shape, **values)` its objects as a list.

    `parameters` names the values and their type (int or str): they are passed to `build`
    by name and must reach the SQL as query parameters (ids in filters, not model
    instances). Everything else the queryset depends on is the `shape` (hashable: whether
    the viewer is signed in, the slice of a page); each shape is compiled once per database
    alias, the last `max_shapes` kept.
    """

    def __init__(
        self,
        model: type[Model],
        build: Callable[..., QuerySet],
        *,
        parameters: dict[str, type],
        max_shapes: int = 32,
    ) -> None:
        for name, kind in parameters.items():
            if kind not in PARAMETER_TYPES:
                raise TypeError(f"{name}: a parameter is an int or a str, not {kind!r}")
        self.model = model
        self.build = build
        self.parameters = dict(parameters)
        self.max_shapes = max_shapes
        self._compiled: dict[tuple[str, Hashable], _Compiled] = {}
        self._lock = threading.Lock()

    def fetch(self, shape: Sequence[Hashable] = (), **values: Any) -> list[Any]:
        shape = tuple(shape)
        if values.keys() != self.parameters.keys():
            raise TypeError(f"values for {sorted(self.parameters)} expected, got {sorted(values)}")
        # The database is asked of the routers on every call, as a queryset does (a
        # request may move to the primary halfway through).
        alias = router.db_for_read(self.model)
        compiled = self._compiled.get((alias, shape))
        if compiled is None:
            compiled = self._compile(alias, shape)
        params = [
            self.parameters[p.name](values[p.name]) if isinstance(p, _Slot) else p
            for p in compiled.params
        ]
        connection = connections[alias]
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, params)
            rows = cursor.fetchall()
        objects = [self._instance(compiled, alias, row, connection) for row in rows]
        if compiled.prefetch_lookups and objects:
            prefetch_related_objects(objects, *compiled.prefetch_lookups)
        return objects

    def forget(self) -> None:
        """Compile every shape again on its next use."""
        with self._lock:
            self._compiled.clear()

    @staticmethod
    def _instance(compiled: _Compiled, alias: str, row: Sequence[Any], connection: Any) -> Any:
        """One row as Django's ModelIterable turns it into an object."""
        if compiled.trim:
            row = row[: compiled.col_count]
        if compiled.converters:
            row = list(row)
            for position, converters, expression in compiled.converters:
                value = row[position]
                for converter in converters:
                    value = converter(value, expression, connection)
                row[position] = value
        obj = compiled.build_instance(alias, row[compiled.fields_start : compiled.fields_end])
        for populator in compiled.related_populators:
            populator.populate(row, obj)
        for name, position in compiled.annotation_col_map:
            setattr(obj, name, row[position])
        return obj

    def _probes(self, round_: int) -> dict[str, Any]:
        """Stand-ins for each value, different in each round and from each other (never
        run: only compiled). Numbers fit any integer column, since Django compiles a value
        out of a column's range into no SQL at all."""
        probes: dict[str, Any] = {}
        for index, (name, kind) in enumerate(sorted(self.parameters.items())):
            number = 1_987_000_000 + round_ * 100_003 + index * 101
            probes[name] = number if kind is int else f"\x1fcompiled-query-{number}\x1f"
        return probes

    def _compile(self, alias: str, shape: tuple[Hashable, ...]) -> _Compiled:
        compiled_rounds = []
        for round_ in (1, 2):
            probes = self._probes(round_)
            queryset = self.build(*shape, **probes)
            self._check(queryset)
            compiler = queryset.query.get_compiler(using=alias)
            try:
                sql, params = compiler.as_sql()
            except EmptyResultSet:
                raise ShapeError("the query matches nothing whatever the values") from None
            compiled_rounds.append((probes, queryset, compiler, sql, tuple(params)))
        (probes_a, queryset, compiler, sql, params_a), (probes_b, _, _, sql_b, params_b) = (
            compiled_rounds
        )
        if sql != sql_b or len(params_a) != len(params_b):
            raise ShapeError(
                "the SQL changes with the values: a value is written into the SQL itself "
                "(a slice, a list's length); make it part of the shape"
            )
        params: list[Any] = []
        for value_a, value_b in zip(params_a, params_b, strict=True):
            if value_a == value_b and type(value_a) is type(value_b):
                if any(value_a == probe for probe in probes_a.values()):
                    raise ShapeError("a constant of the query equals a stand-in value")
                params.append(value_a)
                continue
            names = [
                name
                for name in self.parameters
                if value_a == probes_a[name]
                and value_b == probes_b[name]
                and type(value_a) is self.parameters[name]
            ]
            if len(names) != 1:
                raise ShapeError(
                    f"a parameter ({value_a!r}) is not one of the values unchanged: the "
                    "queryset transforms it (a lookup such as contains), which this cannot "
                    "follow"
                )
            params.append(_Slot(names[0]))
        select, klass_info = compiler.select, compiler.klass_info
        fields = [column[0] for column in select[0 : compiler.col_count]]
        if compiler.has_composite_fields(fields):
            raise ShapeError("composite fields are not supported")
        select_fields = klass_info["select_fields"]
        start, end = select_fields[0], select_fields[-1] + 1
        init_list = tuple(column[0].target.attname for column in select[start:end])
        compiled = _Compiled(
            sql=sql,
            params=tuple(params),
            model=klass_info["model"],
            col_count=compiler.col_count,
            trim=bool(compiler.has_extra_select),
            converters=tuple(
                (position, tuple(converters), expression)
                for position, (converters, expression) in compiler.get_converters(fields).items()
            ),
            fields_start=start,
            fields_end=end,
            init_list=init_list,
            build_instance=instance_builder(klass_info["model"], init_list),
            related_populators=tuple(
                _Populator.of(populator)
                for populator in get_related_populators(klass_info, select, alias)
            ),
            annotation_col_map=tuple((compiler.annotation_col_map or {}).items()),
            prefetch_lookups=tuple(queryset._prefetch_related_lookups),
        )
        with self._lock:
            while len(self._compiled) >= self.max_shapes:
                self._compiled.pop(next(iter(self._compiled)))
            self._compiled[(alias, shape)] = compiled
        return compiled

    def _check(self, queryset: QuerySet) -> None:
        if not isinstance(queryset, QuerySet) or queryset.model is not self.model:
            raise ShapeError("build must return a QuerySet of the model given")
        if queryset._iterable_class is not ModelIterable or queryset._fields is not None:
            raise ShapeError("only querysets of model instances (no values(), values_list())")
        if queryset._known_related_objects:
            raise ShapeError("filter on ids (thread_id=…), not on model instances")
        if queryset.query.combinator or queryset.query.select_for_update:
            raise ShapeError("no union, intersection, difference or select_for_update")


# --- Building the objects ----------------------------------------------------------------

# Descriptors whose setting a field on a new instance only puts the value in its __dict__.
_PLAIN_DESCRIPTORS = (DeferredAttribute, ForeignKeyDeferredAttribute, FileDescriptor)


def instance_builder(model: type[Model], attnames: Sequence[str]) -> Callable[..., Model]:
    """`build(alias, values)`: the instance `model.from_db(alias, attnames, values)` makes,
    the fields not named deferred. For a model that Django builds by only putting each value
    in the instance's __dict__ (no `__init__` or `from_db` of its own, no receiver of
    pre_init or post_init, plain field descriptors), it does that directly: Django's
    `__init__` walks every field and sends both signals for each object, which on a page
    of thirty answers with their people was most of what turning rows into objects cost.
    Any other model is built by `from_db`. Decided when a shape is compiled (the signals'
    receivers are connected as the apps load, before any page)."""
    attnames = tuple(attnames)
    plain = (
        model.__init__ is Model.__init__
        and model.from_db.__func__ is Model.from_db.__func__
        and not pre_init.has_listeners(model)
        and not post_init.has_listeners(model)
        and all(type(model.__dict__.get(name)) in _PLAIN_DESCRIPTORS for name in attnames)
        and model._meta.pk.attname in attnames
    )
    if not plain:
        return lambda alias, values: model.from_db(alias, attnames, values)
    new = model.__new__

    def build(alias: str, values: Sequence[Any]) -> Model:
        obj = new(model)
        state = ModelState()
        state.adding = False
        state.db = alias
        obj._state = state
        obj.__dict__.update(zip(attnames, values, strict=True))
        return obj

    return build


class _Populator:
    """Django's RelatedPopulator (a `select_related` row's object, cached on its parent),
    building its objects with `instance_builder`."""

    __slots__ = (
        "build",
        "cols_end",
        "cols_start",
        "db",
        "local_setter",
        "pk_idx",
        "related_populators",
        "remote_setter",
        "reorder_for_init",
    )

    @classmethod
    def of(cls, populator: RelatedPopulator) -> _Populator:
        own = cls()
        own.reorder_for_init = populator.reorder_for_init
        own.cols_start, own.cols_end = populator.cols_start, populator.cols_end
        own.pk_idx = populator.pk_idx
        own.build = instance_builder(populator.model_cls, populator.init_list)
        own.related_populators = tuple(cls.of(p) for p in populator.related_populators)
        own.local_setter, own.remote_setter = populator.local_setter, populator.remote_setter
        own.db = populator.db
        return own

    def populate(self, row: Sequence[Any], from_obj: Model) -> None:
        if self.reorder_for_init:
            obj_data = self.reorder_for_init(row)
        else:
            obj_data = row[self.cols_start : self.cols_end]
        if obj_data[self.pk_idx] is None:
            obj = None
        else:
            obj = self.build(self.db, obj_data)
            for related in self.related_populators:
                related.populate(row, obj)
        self.local_setter(from_obj, obj)
        if obj is not None:
            self.remote_setter(obj, from_obj)
