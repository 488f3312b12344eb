"""Timestamps read from PostgreSQL with psycopg's compiled parser (community/pg_timestamps.py),
meaning exactly what Django's own loader makes of them."""

import datetime
from zoneinfo import ZoneInfo

import psycopg
import pytest
from django.db import connection, connections
from django.db.backends.postgresql.psycopg_any import register_tzloader
from psycopg.types.datetime import TimestamptzLoader

from community import pg_timestamps

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
    pytest.mark.skipif(
        pg_timestamps.compiled_loader() is None, reason="psycopg without its compiled parser"
    ),
]

SAMPLES = [
    "2026-12-05 01:02:03.456789+00",
    "2026-03-29 01:30:00+00",  # a daylight-saving change in Europe
    "1999-12-31 23:59:59.999999+09",
    "2000-02-29 12:00:00-05:30",
    "0001-01-01 00:00:00+00",
]


def _read_all(django_loader: bool, timezone, session_zone: str) -> list[datetime.datetime]:
    database = connection.settings_dict
    with psycopg.connect(
        dbname=database["NAME"],
        user=database["USER"],
        password=database["PASSWORD"],
        host=database["HOST"],
        port=database["PORT"] or 5432,
    ) as raw:
        raw.execute("SELECT set_config('TimeZone', %s, false)", [session_zone])
        if django_loader:
            register_tzloader(timezone, raw)
        else:
            raw.adapters.register_loader("timestamptz", pg_timestamps.loader_for(timezone))
        return [raw.execute("SELECT %s::timestamptz", [text]).fetchone()[0] for text in SAMPLES]


@pytest.mark.parametrize(
    "timezone, session_zone",
    [(datetime.UTC, "UTC"), (ZoneInfo("Asia/Tokyo"), "Asia/Tokyo"), (None, "UTC")],
)
def test_values_mean_what_djangos_loader_makes_of_them(timezone, session_zone):
    ours = _read_all(False, timezone, session_zone)
    djangos = _read_all(True, timezone, session_zone)
    assert ours == djangos
    assert [value.tzinfo for value in ours] == [value.tzinfo for value in djangos]
    assert all(value.tzinfo is timezone for value in ours)


def test_the_sites_connections_never_parse_in_python(monkeypatch):
    def parsed_in_python(self, data):
        raise AssertionError("a timestamp was parsed by psycopg's Python loader")

    monkeypatch.setattr(TimestamptzLoader, "load", parsed_in_python)
    fresh = connections.create_connection("default")  # as each worker opens its own
    try:
        with fresh.cursor() as cursor:
            cursor.execute("SELECT %s::timestamptz", [SAMPLES[0]])
            (read,) = cursor.fetchone()
    finally:
        fresh.close()
    assert read == datetime.datetime(2026, 12, 5, 1, 2, 3, 456789, tzinfo=datetime.UTC)
    assert read.tzinfo is fresh.timezone
