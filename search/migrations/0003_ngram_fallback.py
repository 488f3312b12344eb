"""The character n-gram index behind the morphological one: when no thread has the
analysed terms of a query, its words are looked up as substrings. An FTS5 table with the
trigram tokenizer on SQLite; a text column with a pg_trgm GIN index on PostgreSQL."""

from django.db import migrations


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    with schema_editor.connection.cursor() as cursor:
        if vendor == "sqlite":
            cursor.execute(
                "CREATE VIRTUAL TABLE IF NOT EXISTS search_ngram USING fts5("
                "text, tokenize = 'trigram')"
            )
        elif vendor == "postgresql":
            # pg_trgm is a trusted extension: a database owner may create it.
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            cursor.execute(
                "ALTER TABLE search_threaddocument ADD COLUMN IF NOT EXISTS ngram_text text"
            )
            cursor.execute(
                "CREATE INDEX IF NOT EXISTS search_threaddocument_ngram "
                "ON search_threaddocument USING gin (ngram_text gin_trgm_ops)"
            )


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    with schema_editor.connection.cursor() as cursor:
        if vendor == "sqlite":
            cursor.execute("DROP TABLE IF EXISTS search_ngram")
        elif vendor == "postgresql":
            cursor.execute("ALTER TABLE search_threaddocument DROP COLUMN IF EXISTS ngram_text")


class Migration(migrations.Migration):
    dependencies = [("search", "0002_engine_structures")]

    operations = [migrations.RunPython(forwards, backwards)]
