"""PostgreSQL: an index of the documents in the order the database backend takes its title
candidates (highest boost first, then newest), so the title matches of a common word are
found by walking the best-boosted threads instead of sorting every one of them
(search.backends.database, DatabaseBackend._postgres_ranked). Built concurrently, so
indexing goes on meanwhile (about a tenth of a second at 100,000 threads). SQLite has
nothing to add.
"""

from django.db import migrations

INDEX = "search_threaddocument_boost"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        # A concurrent build that was interrupted leaves an invalid index behind.
        cursor.execute(
            "SELECT NOT indisvalid FROM pg_index WHERE indexrelid = to_regclass(%s)", [INDEX]
        )
        row = cursor.fetchone()
        if row and row[0]:
            cursor.execute(f"DROP INDEX CONCURRENTLY {INDEX}")
        cursor.execute(
            f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {INDEX} "
            "ON search_threaddocument (boost DESC, thread_id DESC)"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY cannot run in a transaction

    dependencies = [("search", "0008_thread_embedding_updated_index")]

    operations = [migrations.RunPython(forwards, backwards)]
