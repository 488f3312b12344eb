"""Whether the search page's knowledge box could show an article (one query), and the box
itself when it can."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page

from search import services as search_services
from tests.brands.factories import BrandFactory
from tests.qa.factories import ThreadFactory
from themes import services
from themes.models import KnowledgeArticlePage
from themes.selectors import articles_may_match

pytestmark = pytest.mark.django_db


def _article(brand, **fields):
    home = services.brand_page_ensure(brand)
    return Page.objects.get(pk=home.pk).add_child(
        instance=KnowledgeArticlePage(
            **{"title": "Resetting the Z5", "slug": "reset-z5", "summary": "Hold two buttons.",
               "body": "<p>Hold MENU and OK for ten seconds.</p>", **fields}
        )
    )  # fmt: skip


def test_no_article_anywhere(brand):
    services.brand_page_ensure(brand)
    assert not articles_may_match(None)
    assert not articles_may_match(brand.pk)


def test_a_brand_without_a_home_page_has_none():
    assert not articles_may_match(BrandFactory().pk)


def test_a_live_article_is_in_its_brand_and_everywhere(brand):
    other = BrandFactory(slug="kumo")
    services.brand_page_ensure(other)
    _article(brand)
    assert articles_may_match(None)
    assert articles_may_match(brand.pk)
    assert not articles_may_match(other.pk)


def test_a_draft_is_not(brand):
    _article(brand, live=False)
    assert not articles_may_match(None)
    assert not articles_may_match(brand.pk)


def test_the_search_page_asks_once_and_shows_the_box_when_it_may(client, brand):
    ThreadFactory(brand=brand, title="Resetting the lens")
    search_services.outbox_process()
    params = {"q": "resetting", "brand": brand.slug}
    html = client.get("/search/", params).content.decode()
    assert "knowledge-results" not in html
    _article(brand)
    html = client.get("/search/", params).content.decode()
    assert "knowledge-results" in html and "Resetting the Z5" in html
    other = {"q": "resetting", "brand": BrandFactory(slug="kumo").slug}
    client.get("/search/", other)
    with CaptureQueriesContext(connection) as without:
        html = client.get("/search/", other).content.decode()
    assert "knowledge-results" not in html
    # Without an article in the brand, the box is one question, not the box's own search.
    pages = [q["sql"] for q in without.captured_queries if "wagtailcore_page" in q["sql"]]
    assert len(pages) == 1 and "themes_knowledgearticlepage" in pages[0]
