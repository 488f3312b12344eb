"""PostgreSQL: the title's lexemes kept in a column of their own (`title_vector`, generated
from `search_vector`, so every writer keeps it true), and indexes that hold it beside the
order the database backend walks the documents in (highest boost first, then newest; all
of them, or one brand's). The walk for a common word's title candidates then reads the
index alone instead of each document's whole vector out of TOAST
(search.backends.database, DatabaseBackend._postgres_ranked). They replace migration
0009's index of boost and id.

Adding a generated column rewrites the table: about 17 seconds at 100,000 threads on a
busy two-core machine, during which searches and indexing wait. The indexes are then built
concurrently. SQLite has nothing to add.
"""

from django.db import migrations

COLUMN = "title_vector"
INDEXES = {
    "search_threaddocument_boost_title": "(boost DESC, thread_id DESC) INCLUDE (title_vector)",
    "search_threaddocument_brand_title": (
        "(brand_id, boost DESC, thread_id DESC) INCLUDE (title_vector)"
    ),
}
REPLACED = "search_threaddocument_boost"  # migration 0009's


def _build(cursor, name: str, definition: str) -> None:
    # A concurrent build that was interrupted leaves an invalid index behind.
    cursor.execute("SELECT NOT indisvalid FROM pg_index WHERE indexrelid = to_regclass(%s)", [name])
    row = cursor.fetchone()
    if row and row[0]:
        cursor.execute(f"DROP INDEX CONCURRENTLY {name}")
    cursor.execute(
        f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON search_threaddocument {definition}"
    )


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            f"ALTER TABLE search_threaddocument ADD COLUMN IF NOT EXISTS {COLUMN} tsvector "
            "GENERATED ALWAYS AS (ts_filter(search_vector, '{a}')) STORED"
        )
        for name, definition in INDEXES.items():
            _build(cursor, name, definition)
        cursor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {REPLACED}")
        # The walk reads the index alone only where the visibility map says the pages are
        # all visible: vacuum once now rather than wait for autovacuum.
        cursor.execute("VACUUM ANALYZE search_threaddocument")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        _build(cursor, REPLACED, "(boost DESC, thread_id DESC)")
        for name in INDEXES:
            cursor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")
        cursor.execute(f"ALTER TABLE search_threaddocument DROP COLUMN IF EXISTS {COLUMN}")


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY and VACUUM cannot run in a transaction

    dependencies = [("search", "0009_boost_order")]

    operations = [migrations.RunPython(forwards, backwards)]
