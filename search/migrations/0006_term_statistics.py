"""Term statistics for ranking by rarity on PostgreSQL: how many indexed threads hold each
term, and (the empty term) how many threads are indexed. Filled here from the documents
already indexed, so a database upgraded with its index in place ranks by rarity at once;
SQLite's FTS5 keeps its own and has nothing to fill."""

from django.db import migrations, models


def fill(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO search_termstatistic (term, documents) SELECT word, ndoc FROM "
            "ts_stat('SELECT search_vector FROM search_threaddocument "
            "WHERE search_vector IS NOT NULL')"
        )
        cursor.execute(
            "INSERT INTO search_termstatistic (term, documents) "
            "SELECT '', COUNT(*) FROM search_threaddocument"
        )


class Migration(migrations.Migration):
    dependencies = [("search", "0005_brandsynonym")]

    operations = [
        migrations.CreateModel(
            name="TermStatistic",
            fields=[
                ("term", models.TextField(primary_key=True, serialize=False)),
                (
                    "documents",
                    models.BigIntegerField(
                        default=0,
                        help_text="Indexed threads holding the term (all of them for the "
                        "empty term).",
                    ),
                ),
            ],
            options={"verbose_name": "search term statistic"},
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
