"""A brand's home page in each language: the brand is shared by the page and its Wagtail
translations (a foreign key, no longer one-to-one), and the Japanese locale exists for
them. Runs on an empty database and on one with pages (nothing else changes)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def content_locales(apps, schema_editor):
    Locale = apps.get_model("wagtailcore", "Locale")
    for code, _name in getattr(settings, "WAGTAIL_CONTENT_LANGUAGES", settings.LANGUAGES):
        Locale.objects.get_or_create(language_code=code)


class Migration(migrations.Migration):
    dependencies = [
        ("brands", "0001_initial"),
        ("themes", "0003_brand_sites"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [
        migrations.AlterField(
            model_name="brandhomepage",
            name="brand",
            field=models.ForeignKey(
                editable=False,
                help_text=(
                    "Whose page this is. Set when the page is created; never changes. One "
                    "page per brand and language: the translations share it."
                ),
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="home_pages",
                to="brands.brand",
            ),
        ),
        migrations.RunPython(content_locales, migrations.RunPython.noop),
    ]
