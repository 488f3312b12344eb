"""Publish the removal criteria, as the 2025 platform law asks, at /removal-criteria/.
Staff edit the page in Wagtail afterwards; this only writes its first version."""

import uuid

from django.db import migrations

from legal.criteria import BODY, BODY_JA, TITLE, TITLE_JA

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _next_path(parent, children) -> str:
    """Wagtail's tree path (treebeard, four characters a level) of a parent's new last
    child; historical models have no tree methods."""
    last = children.order_by("-path").values_list("path", flat=True).first()
    number = 0 if last is None else int(last[-4:], 36)
    number += 1
    step = ""
    while number:
        number, digit = divmod(number, 36)
        step = ALPHABET[digit] + step
    return parent.path + step.rjust(4, "0")


def create_page(apps, schema_editor):
    ContentType = apps.get_model("contenttypes.ContentType")
    Page = apps.get_model("wagtailcore.Page")
    HomePage = apps.get_model("themes.HomePage")
    RemovalCriteriaPage = apps.get_model("legal.RemovalCriteriaPage")

    home = HomePage.objects.first()
    if home is None or RemovalCriteriaPage.objects.exists():
        return
    page_type, _ = ContentType.objects.get_or_create(
        app_label="legal", model="removalcriteriapage"
    )
    children = Page.objects.filter(path__startswith=home.path, depth=home.depth + 1)
    RemovalCriteriaPage.objects.create(
        title=TITLE,
        draft_title=TITLE,
        title_ja=TITLE_JA,
        slug="removal-criteria",
        content_type=page_type,
        path=_next_path(home, children),
        depth=home.depth + 1,
        numchild=0,
        url_path=f"{home.url_path}removal-criteria/",
        locale_id=home.locale_id,
        translation_key=uuid.uuid4(),
        body=BODY,
        body_ja=BODY_JA,
        live=True,
    )
    Page.objects.filter(pk=home.pk).update(numchild=children.count())


def remove_page(apps, schema_editor):
    Page = apps.get_model("wagtailcore.Page")
    RemovalCriteriaPage = apps.get_model("legal.RemovalCriteriaPage")
    for page in RemovalCriteriaPage.objects.all():
        parent_path = page.path[:-4]
        page.delete()
        Page.objects.filter(path=parent_path).update(
            numchild=Page.objects.filter(
                path__startswith=parent_path, depth=len(parent_path) // 4 + 1
            ).count()
        )


class Migration(migrations.Migration):
    dependencies = [
        ("legal", "0001_initial"),
        ("themes", "0003_brand_sites"),
    ]

    operations = [migrations.RunPython(create_page, remove_page)]
