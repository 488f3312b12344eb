"""Writes for the site's Wagtail pages."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Locale, Page, Site

from .content import GUIDELINES_BODY, GUIDELINES_BODY_JA, HOME_BODY, HOME_BODY_JA
from .models import GuidelinesPage, HomePage


@transaction.atomic
def site_pages_ensure() -> HomePage:
    """Make sure the home page and the guidelines page exist and the site serves them.

    A fresh database gets them from the themes data migration; this repairs a database
    whose pages were removed (a flushed test database, a reset demo) without duplicating.
    """
    # After a database flush the cached content-type ids are stale; look them up afresh.
    ContentType.objects.clear_cache()
    Locale.objects.get_or_create(
        language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE)
    )
    home = HomePage.objects.first()
    if home is None:
        root = Page.get_first_root_node() or Page.add_root(instance=Page(title="Root", slug="root"))
        home = root.add_child(
            instance=HomePage(
                title="Sodan", title_ja="相談", slug="home", body=HOME_BODY, body_ja=HOME_BODY_JA
            )
        )
    if not GuidelinesPage.objects.exists():
        home.add_child(
            instance=GuidelinesPage(
                title="Community guidelines",
                title_ja="コミュニティガイドライン",
                slug="guidelines",
                body=GUIDELINES_BODY,
                body_ja=GUIDELINES_BODY_JA,
            )
        )
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(hostname="localhost", port=80, root_page=home, is_default_site=True)
    elif site.root_page_id != home.pk:
        site.root_page = home
        site.save(update_fields=["root_page"])
    return home
