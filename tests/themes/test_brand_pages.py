"""Brand pages in Wagtail: one per brand, edited by its admins only; knowledge articles."""

import pytest
from django.core.exceptions import ValidationError
from wagtail.models import Page

from brands.models import Membership
from tests.brands.factories import BrandFactory, MembershipFactory, ProductFactory
from tests.community.factories import UserFactory
from tests.qa.factories import ThreadFactory
from themes import services
from themes.models import BrandHomePage, KnowledgeArticlePage

pytestmark = pytest.mark.django_db


@pytest.fixture
def kumo(db):
    return BrandFactory(name="Kumo Mobile", slug="kumo")


@pytest.fixture
def hoshino_admin(brand):
    user = UserFactory(username="aya")
    MembershipFactory(brand=brand, user=user, role="admin")
    services.brand_editors_sync(brand)
    return user


@pytest.fixture
def kumo_admin(kumo):
    user = UserFactory(username="ren")
    MembershipFactory(brand=kumo, user=user, role="admin")
    services.brand_editors_sync(kumo)
    return user


def _article(brand_page, **fields):
    return Page.objects.get(pk=brand_page.pk).add_child(
        instance=KnowledgeArticlePage(
            **{"title": "Resetting the Z5", "slug": "reset-z5", "summary": "Hold two buttons.",
               "body": "<p>Hold MENU and OK for ten seconds.</p>", **fields}
        )
    )  # fmt: skip


def test_each_brand_gets_one_page_under_b(brand):
    page = services.brand_page_ensure(brand)
    assert services.brand_page_ensure(brand) == page
    assert page.live and page.url == f"/b/{brand.slug}/"
    assert page.get_parent().specific.__class__.__name__ == "BrandIndexPage"


def test_editors_group_holds_exactly_the_active_admins(brand):
    admin = UserFactory()
    rep = UserFactory()
    membership = MembershipFactory(brand=brand, user=admin, role="admin")
    MembershipFactory(brand=brand, user=rep, role="rep")
    group = services.brand_editors_sync(brand)
    assert group.name == "Hoshino Camera editors"
    assert list(group.user_set.all()) == [admin]
    assert admin.has_perm("wagtailadmin.access_admin")
    Membership.objects.filter(pk=membership.pk).update(revoked_at="2026-01-01T00:00:00Z")
    assert services.brand_editors_sync(brand) == group
    assert not group.user_set.exists()


def test_a_brand_admin_edits_their_page_and_cannot_edit_another_brands(
    client, brand, kumo, hoshino_admin, kumo_admin
):
    own = BrandHomePage.objects.get(brand=brand)
    theirs = BrandHomePage.objects.get(brand=kumo)
    client.force_login(hoshino_admin)
    assert client.get("/admin/").status_code == 200
    assert client.get(f"/admin/pages/{own.pk}/edit/").status_code == 200
    refused = client.get(f"/admin/pages/{theirs.pk}/edit/")
    assert refused.status_code in (302, 403)
    assert client.post(f"/admin/pages/{theirs.pk}/edit/", {"title": "Hacked"}).status_code in (
        302,
        403,
    )
    assert client.get(f"/admin/pages/{theirs.pk}/delete/").status_code in (302, 403)
    theirs.refresh_from_db()
    assert theirs.title == "Kumo Mobile"
    article = _article(theirs)
    assert client.get(f"/admin/pages/{article.pk}/edit/").status_code in (302, 403)
    assert client.get(f"/admin/pages/add/themes/knowledgearticlepage/{theirs.pk}/").status_code in (
        302,
        403,
    )
    assert client.get(f"/admin/pages/add/themes/knowledgearticlepage/{own.pk}/").status_code == 200


def test_a_revoked_admin_loses_the_page_at_once_even_before_a_sync(client, brand, hoshino_admin):
    page = BrandHomePage.objects.get(brand=brand)
    Membership.objects.filter(user=hoshino_admin).update(revoked_at="2026-01-01T00:00:00Z")
    client.force_login(hoshino_admin)
    assert client.get(f"/admin/pages/{page.pk}/edit/").status_code in (302, 403)


def test_brand_admins_cannot_delete_their_brand_page(client, brand, hoshino_admin):
    page = BrandHomePage.objects.get(brand=brand)
    client.force_login(hoshino_admin)
    client.post(f"/admin/pages/{page.pk}/delete/")
    assert BrandHomePage.objects.filter(pk=page.pk).exists()


def test_staff_edit_every_brand_page(client, brand, kumo):
    staff = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(staff)
    for b in (brand, kumo):
        page = services.brand_page_ensure(b)
        assert client.get(f"/admin/pages/{page.pk}/edit/").status_code == 200


def test_the_thread_chooser_lists_only_the_editors_brand(client, brand, kumo, hoshino_admin):
    ThreadFactory(brand=brand, title="Lens cap stuck")
    theirs = ThreadFactory(brand=kumo, title="eSIM will not activate")
    client.force_login(hoshino_admin)
    listing = client.get("/admin/sodan_thread_chooser/").content.decode()
    assert "Lens cap stuck" in listing and "eSIM" not in listing
    assert client.get(f"/admin/sodan_thread_chooser/chosen/{theirs.pk}/").status_code == 404


def test_the_page_refuses_featured_threads_and_products_of_another_brand(brand, kumo):
    page = services.brand_page_ensure(brand)
    foreign = ThreadFactory(brand=kumo, title="eSIM will not activate")
    hidden = ThreadFactory(brand=brand, title="Hidden one")
    type(hidden).objects.filter(pk=hidden.pk).update(visibility="hidden")
    page.content = [
        {
            "type": "featured_threads",
            "value": {"heading": "Top", "threads": [foreign.pk, hidden.pk]},
        },
        {
            "type": "products",
            "value": {"heading": "P", "products": [ProductFactory(brand=kumo).pk]},
        },
    ]
    with pytest.raises(ValidationError) as refused:
        page.full_clean()
    errors = " ".join(refused.value.message_dict["content"])
    assert (
        "eSIM will not activate" in errors and "Hidden one" in errors and "not a product" in errors
    )


def test_the_brand_page_shows_its_blocks_above_the_threads(client, brand, thread, product):
    page = services.brand_page_ensure(brand)
    article = _article(page)
    page.content = [
        {"type": "hero", "value": {"heading": "Welcome to Hoshino support", "text": "Hi",
                                   "image": None, "button_label": "Ask us", "button_url": ""}},
        {"type": "announcement", "value": {"title": "Firmware 2.1.2", "text": "<p>Out now</p>",
                                           "date": None, "important": True}},
        {"type": "featured_threads", "value": {"heading": "Featured", "threads": [thread.pk]}},
        {"type": "knowledge_articles", "value": {"heading": "Guides", "articles": [article.pk]}},
        {"type": "products", "value": {"heading": "Products", "products": [product.pk]}},
    ]  # fmt: skip
    page.full_clean()
    page.save_revision().publish()
    html = client.get(brand.get_absolute_url()).content.decode()
    assert "Welcome to Hoshino support" in html
    # One "Ask", after the search and the threads: the hero's button without an address of
    # its own would be a second one, so it is not drawn.
    assert html.count(f'href="/b/{brand.slug}/ask/"') == 1
    assert html.index(f'href="/b/{brand.slug}/ask/"') > html.index('id="brand-search"')
    assert "Firmware 2.1.2" in html and "Out now" in html
    assert f'href="{thread.get_absolute_url()}"' in html
    assert f'href="/b/{brand.slug}/articles/reset-z5/"' in html
    assert f"?product={product.slug}" in html


def test_a_featured_thread_that_was_hidden_disappears_from_the_page(client, brand, thread):
    page = services.brand_page_ensure(brand)
    page.content = [{"type": "featured_threads", "value": {"heading": "F", "threads": [thread.pk]}}]
    page.save_revision().publish()
    type(thread).objects.filter(pk=thread.pk).update(visibility="hidden")
    from django.core.cache import cache

    cache.clear()
    assert thread.title not in client.get(brand.get_absolute_url()).content.decode()


def test_knowledge_articles_are_served_in_the_brand_look(client, brand):
    article = _article(services.brand_page_ensure(brand))
    response = client.get(f"/b/{brand.slug}/articles/reset-z5/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Hold MENU and OK" in html and "brand-header" in html
    assert client.get(f"/b/{brand.slug}/reset-z5/").status_code == 404
    assert article.url == f"/b/{brand.slug}/articles/reset-z5/"


def test_knowledge_articles_are_found_with_the_threads(client, brand, kumo):
    _article(services.brand_page_ensure(brand))
    _article(services.brand_page_ensure(kumo), title="Resetting the Kumo Phone", slug="reset-phone")
    everywhere = client.get("/search/?q=resetting").content.decode()
    assert "Resetting the Z5" in everywhere and "Resetting the Kumo Phone" in everywhere
    in_brand = client.get(f"/search/?q=resetting&brand={brand.slug}").content.decode()
    assert "Resetting the Z5" in in_brand and "Resetting the Kumo Phone" not in in_brand


def test_another_brands_article_is_not_served_on_a_brand_domain(client, settings, brand, kumo):
    from tests.themes.factories import BrandDomainFactory

    settings.ALLOWED_HOSTS = ["testserver", "*"]
    BrandDomainFactory(brand=brand, hostname="support.hoshino.example")
    _article(services.brand_page_ensure(kumo), slug="kumo-guide")
    _article(services.brand_page_ensure(brand))
    host = {"HTTP_HOST": "support.hoshino.example"}
    assert client.get(f"/b/{kumo.slug}/articles/kumo-guide/", **host).status_code == 404
    assert client.get(f"/b/{brand.slug}/articles/reset-z5/", **host).status_code == 200


def test_the_brand_page_query_count_stays_flat(client, django_assert_max_num_queries, brand):
    services.brand_page_ensure(brand)
    ThreadFactory.create_batch(3, brand=brand)
    client.get(brand.get_absolute_url())
    with django_assert_max_num_queries(5):
        client.get(brand.get_absolute_url())


def test_cleanup_removes_what_a_deleted_brand_left(brand):
    services.brand_editors_sync(brand)
    services.brand_page_ensure(BrandFactory(slug="keep"))
    from themes.models import BrandEditors

    brand.delete()
    removed = services.brand_sites_cleanup()
    assert removed == {"pages": 1, "groups": 1}
    assert not BrandEditors.objects.exists()
    assert BrandHomePage.objects.count() == 1
    services.brand_page_ensure(BrandFactory(slug="hoshino"))  # the slug is free again


def test_the_theme_page_opens_the_brand_page_in_the_editor(login, brand):
    admin = UserFactory()
    MembershipFactory(brand=brand, user=admin, role="admin")
    client = login(admin)
    response = client.post(f"/b/{brand.slug}/theme/page/")
    page = BrandHomePage.objects.get(brand=brand)
    assert response.status_code == 302
    assert response["Location"] == f"/admin/pages/{page.pk}/edit/"
    assert client.get(response["Location"]).status_code == 200


def test_anonymous_visitors_see_a_published_brand_page_edit_at_once(client, brand, thread):
    page = services.brand_page_ensure(brand)
    url = brand.get_absolute_url()
    client.get(url)
    assert client.get(url)["X-Sodan-Cache"] == "hit"  # the community page, cached
    page = BrandHomePage.objects.get(pk=page.pk)
    page.content = [
        {"type": "announcement", "value": {"title": "Firmware 2.1.3", "text": "<p>Fixed</p>",
                                           "date": None, "important": False}},
    ]  # fmt: skip
    page.save_revision().publish()
    response = client.get(url)
    assert response["X-Sodan-Cache"] == "miss"
    assert "Firmware 2.1.3" in response.content.decode()
