"""The engine-specific part of the database search index: an FTS5 table on SQLite, a
weighted tsvector column with a GIN index on PostgreSQL."""

from django.db import migrations


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    with schema_editor.connection.cursor() as cursor:
        if vendor == "sqlite":
            cursor.execute(
                "CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5("
                "title, body, answers, tokenize = 'unicode61 remove_diacritics 0')"
            )
        elif vendor == "postgresql":
            cursor.execute(
                "ALTER TABLE search_threaddocument ADD COLUMN IF NOT EXISTS search_vector tsvector"
            )
            cursor.execute(
                "CREATE INDEX IF NOT EXISTS search_threaddocument_vector "
                "ON search_threaddocument USING gin (search_vector)"
            )


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    with schema_editor.connection.cursor() as cursor:
        if vendor == "sqlite":
            cursor.execute("DROP TABLE IF EXISTS search_fts")
        elif vendor == "postgresql":
            cursor.execute("ALTER TABLE search_threaddocument DROP COLUMN IF EXISTS search_vector")


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
