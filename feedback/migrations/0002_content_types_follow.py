"""The content types of the moved models follow them, so what points at a feedback item or
a webhook through a content type (audit-log entries, admin permissions) keeps pointing at
it after the move."""

from django.db import migrations

MOVED = (
    "brandsigningsecret",
    "feedbackcomment",
    "feedbackemailoptout",
    "feedbackitem",
    "feedbacklabel",
    "feedbacklink",
    "feedbackloopclosure",
    "feedbackstatuschange",
    "inboundwebhook",
    "threadlabel",
    "webhookdelivery",
    "webhookendpoint",
)


def _relabel(apps, source: str, target: str) -> None:
    content_type = apps.get_model("contenttypes", "ContentType")
    taken = set(
        content_type.objects.filter(app_label=target, model__in=MOVED).values_list(
            "model", flat=True
        )
    )
    content_type.objects.filter(app_label=source, model__in=set(MOVED) - taken).update(
        app_label=target
    )


def forwards(apps, schema_editor) -> None:
    _relabel(apps, "brands", "feedback")


def backwards(apps, schema_editor) -> None:
    _relabel(apps, "feedback", "brands")


class Migration(migrations.Migration):
    dependencies = [
        ("feedback", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
