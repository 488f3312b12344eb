"""Timestamps read from PostgreSQL by psycopg's compiled parser.

Django's PostgreSQL backend reads every `timestamptz` through a loader of its own, which
sets the value's time zone to the connection's (`BaseTzLoader`). It derives from psycopg's
pure-Python loader, because the compiled one cannot be subclassed, so with psycopg's
binary package installed every timestamp is still parsed in Python: about four times the
work, and a thread page of 30 answers reads some 150 of them (Django ticket #36960,
psycopg issue #1273).

On each new connection this puts in its place a loader with the same meaning (the value
parsed, then its time zone set to the connection's, as Django's does) that parses with
the loader psycopg itself registers, the compiled one when it is installed. Nothing
changes where psycopg has no compiled parser, or on another database.
"""

from __future__ import annotations

import functools
from typing import Any

from django.db.backends.signals import connection_created
from django.dispatch import receiver

try:
    import psycopg
    from psycopg.adapt import Loader
    from psycopg.postgres import types as pg_types
    from psycopg.pq import Format
    from psycopg.types.datetime import TimestamptzLoader as PythonTimestamptzLoader
except ImportError:  # SQLite only: nothing to install
    psycopg = None


def compiled_loader() -> type | None:
    """The `timestamptz` loader psycopg registers by default, when it is not its Python
    one (psycopg's binary or C package installed); else None."""
    if psycopg is None:
        return None
    loader = psycopg.adapters.get_loader(pg_types["timestamptz"].oid, Format.TEXT)
    if loader is None or issubclass(loader, PythonTimestamptzLoader):
        return None
    return loader


_SAMPLE = b"2000-01-01 00:00:00+00"


@functools.cache
def loader_for(timezone: Any) -> type:
    """A loader of `timestamptz` values in `timezone` (None: naive values), as Django's
    backend reads them, parsing with the compiled loader."""
    parser = compiled_loader()

    class CompiledTzLoader(Loader):
        def __init__(self, oid: int, context: Any = None) -> None:
            super().__init__(oid, context)
            self._parse = parser(oid, context).load
            if self._parse(_SAMPLE).tzinfo is timezone:
                # The connection's time zone object is the one wanted (UTC, as Django
                # sets it): the compiled parser's values are Django's values as they come.
                self.load = self._parse

        def load(self, data: Any) -> Any:
            return self._parse(data).replace(tzinfo=timezone)

    # Read by Django's backend for every cursor: while it equals the connection's time
    # zone, the backend keeps this loader instead of registering its own again.
    CompiledTzLoader.timezone = timezone
    return CompiledTzLoader


@receiver(connection_created, dispatch_uid="community.pg_timestamps")
def use_compiled_parser(sender: Any, connection: Any, **kwargs: Any) -> None:
    if connection.vendor != "postgresql" or compiled_loader() is None:
        return
    raw = connection.connection
    if not isinstance(raw, psycopg.Connection):  # psycopg2: parses in C already
        return
    raw.adapters.register_loader("timestamptz", loader_for(connection.timezone))
