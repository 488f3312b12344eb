"""PostgreSQL: a GIN index of the title's lexemes (weight A of the tsvector), from which
the database backend takes its first candidates for ranking. An expression index, so
nothing is rewritten: it is built from the documents already there (about a second at
100,000 threads), concurrently, so indexing goes on meanwhile. SQLite has nothing to add.
"""

from django.db import migrations

INDEX = "search_threaddocument_title"


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
            "ON search_threaddocument USING gin (ts_filter(search_vector, '{a}'))"
        )
        # Statistics of the indexed expression, so the planner knows how rare a word is in
        # titles before autovacuum next analyses the table.
        cursor.execute("ANALYZE search_threaddocument")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY cannot run in a transaction

    dependencies = [("search", "0003_ngram_fallback")]

    operations = [migrations.RunPython(forwards, backwards)]
