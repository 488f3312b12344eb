"""Writes for the site's Wagtail pages: the home and guidelines pages, each brand's home page,
and the Wagtail group through which a brand's admins edit that page and nothing else."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import transaction
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import (
    Collection,
    GroupCollectionPermission,
    GroupPagePermission,
    Locale,
    Page,
    Site,
)

from brands.models import Brand, Membership
from community import page_cache

from ..content import GUIDELINES_BODY, GUIDELINES_BODY_JA, HOME_BODY, HOME_BODY_JA
from ..models import BrandEditors, BrandHomePage, BrandIndexPage, GuidelinesPage, HomePage

# What a brand's editors may do on their brand page and its knowledge articles. Not
# "bulk_delete": the brand page itself is never theirs to delete (see wagtail_hooks).
EDITOR_PAGE_PERMISSIONS = ("add_page", "change_page", "publish_page", "lock_page", "unlock_page")
EDITOR_IMAGE_PERMISSIONS = ("add_image", "change_image", "choose_image")


@transaction.atomic
def site_pages_ensure() -> HomePage:
    """Make sure the home page, the guidelines page and the brand pages' parent exist and
    the site serves them.

    A fresh database gets the first two from the themes data migration; this repairs a
    database whose pages were removed (a flushed test database, a reset demo) without
    duplicating.
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
    _brand_index_ensure(home)
    return home


def _brand_index_ensure(home: HomePage) -> BrandIndexPage:
    index = BrandIndexPage.objects.first()
    if index is None:
        home = Page.objects.get(pk=home.pk)  # fresh numchild after other children were added
        index = home.add_child(instance=BrandIndexPage(title="Brands", slug="b"))
    return index


def brand_page_cache_bump(brand_id: int | None) -> None:
    """The brand page's blocks are cached rendered (themes.templatetags.look), and so is the
    brand's community page that shows them (community.page_cache)."""
    if brand_id:
        cache.delete_many([f"sodan:brand-page:{brand_id}:{code}" for code, _ in settings.LANGUAGES])
        page_cache.brand_list_changed(brand_id)


@transaction.atomic
def brand_page_ensure(brand: Brand) -> BrandHomePage:
    """The brand's home page in the Wagtail tree, created (published, empty) if missing."""
    page = BrandHomePage.objects.filter(brand=brand).first()
    if page is not None:
        return page
    brand_sites_cleanup()
    index = BrandIndexPage.objects.first()
    if index is None:
        index = _brand_index_ensure(site_pages_ensure())
    index = Page.objects.get(pk=index.pk)
    slug = brand.slug
    if Page.objects.child_of(index).filter(slug=slug).exists():
        slug = f"{brand.slug}-{brand.pk}"
    page = index.add_child(instance=BrandHomePage(title=brand.name, slug=slug, brand=brand))
    page.save_revision().publish()
    return page


@transaction.atomic
def brand_page_translate(
    page: BrandHomePage, *, language: str, content: list | None = None, title: str = ""
) -> BrandHomePage:
    """The brand page's translation into `language` (Wagtail's localisation), made from the
    page if it has none yet, given its own title and blocks, and published. Its parents
    in that language's tree are aliases of the originals, so they stay in step with them;
    the translation keeps the page's address (models/pages.py)."""
    locale, _created = Locale.objects.get_or_create(
        language_code=get_supported_content_language_variant(language)
    )
    translation = page.get_translation_or_none(locale)
    if translation is None:
        translation = page.copy_for_translation(locale, copy_parents=True)
    translation = translation.specific
    if title:
        translation.title = title
    if content is not None:
        translation.content = content
    translation.save_revision().publish()
    brand_page_cache_bump(page.brand_id)
    return BrandHomePage.objects.get(pk=translation.pk)  # as published


def _permission(app_label: str, codename: str) -> Permission:
    """A permission row, re-created if a database flush removed it (post_migrate makes them
    on a migrated database; a flushed test database may have none)."""
    found = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
    if found is None:
        from django.apps import apps
        from django.contrib.auth.management import create_permissions

        ContentType.objects.clear_cache()
        create_permissions(apps.get_app_config(app_label), verbosity=0)
        found = Permission.objects.get(content_type__app_label=app_label, codename=codename)
    return found


def _editors_group_name(brand: Brand, editors: BrandEditors | None) -> str:
    name = f"{brand.name} editors"[:140]
    clash = Group.objects.filter(name=name)
    if editors is not None:
        clash = clash.exclude(pk=editors.group_id)
    return name if not clash.exists() else f"{name[:120]} (brand {brand.pk})"


@transaction.atomic
def brand_editors_sync(brand: Brand) -> Group:
    """Give the brand's current admins, and only them, Wagtail access to its pages.

    Creates the brand page if needed and a Wagtail group "<Brand> editors" with page
    permissions on that page's subtree (the brand page and its knowledge articles) and
    image permissions in the brand's own collection, then makes the group's members
    exactly the brand's active admins. Call it whenever a brand admin is appointed or
    removed; it is idempotent. (Positional `brand`, unlike other services: it is called
    from other apps as `brand_editors_sync(brand)`.)
    """
    page = brand_page_ensure(brand)
    editors = BrandEditors.objects.select_for_update().filter(brand=brand).first()
    if editors is None:
        group = Group.objects.create(name=_editors_group_name(brand, None))
        root = Collection.get_first_root_node()
        collection = root.add_child(name=f"{brand.name} ({brand.slug})"[:255]) if root else None
        editors = BrandEditors.objects.create(brand=brand, group=group, collection=collection)
    group = editors.group
    wanted_name = _editors_group_name(brand, editors)
    if not group.name.startswith(f"{brand.name} editors"[:120]):
        group.name = wanted_name
        group.save(update_fields=["name"])
    group.permissions.add(_permission("wagtailadmin", "access_admin"))
    for codename in EDITOR_PAGE_PERMISSIONS:
        GroupPagePermission.objects.get_or_create(
            group=group, page=page, permission=_permission("wagtailcore", codename)
        )
    if editors.collection_id:
        for codename in EDITOR_IMAGE_PERMISSIONS:
            GroupCollectionPermission.objects.get_or_create(
                group=group,
                collection_id=editors.collection_id,
                permission=_permission("wagtailimages", codename),
            )
    admins = (
        Membership.objects.active()
        .filter(brand=brand, role=Membership.Role.ADMIN)
        .values_list("user_id", flat=True)
    )
    group.user_set.set(list(admins))
    return group


@transaction.atomic
def brand_sites_cleanup() -> dict[str, Any]:
    """Remove what deleted brands left in Wagtail: their pages, editor groups and (empty)
    image collections. Pages go through Wagtail's own delete so the tree stays sound."""
    removed = {"pages": 0, "groups": 0}
    for page in BrandHomePage.objects.filter(brand__isnull=True):
        page.delete()
        removed["pages"] += 1
    for editors in BrandEditors.objects.filter(brand__isnull=True).select_related("collection"):
        collection = editors.collection
        editors.group.delete()  # cascades to the BrandEditors row
        if collection is not None and not collection.get_descendants().exists():
            from wagtail.images import get_image_model

            if not get_image_model().objects.filter(collection=collection).exists():
                collection.delete()
        removed["groups"] += 1
    return removed
