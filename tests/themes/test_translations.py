"""Brand pages in both languages through Wagtail's own localisation: the Japanese reader
sees the Japanese blocks at the same address, the language switch stays on the page, and
pages nobody translated (articles, guidelines) are still found in Japanese."""

import pytest
from django.urls import reverse
from wagtail.models import Locale, Page

from tests.qa.factories import ThreadFactory
from themes import services
from themes.models import BrandHomePage, GuidelinesPage, KnowledgeArticlePage

pytestmark = pytest.mark.django_db


def _blocks(heading: str, text: str) -> list:
    return [
        {
            "type": "hero",
            "value": {
                "heading": heading,
                "text": text,
                "image": None,
                "button_label": "",
                "button_url": "",
            },
        }
    ]


@pytest.fixture
def translated(brand):
    page = services.brand_page_ensure(brand)
    page.content = _blocks("Hoshino support community", "Answers from owners.")
    page.save_revision().publish()
    japanese = services.brand_page_translate(
        page,
        language="ja",
        content=_blocks("Hoshino サポートコミュニティ", "オーナーが回答します。"),
    )
    return page, japanese


def _get(client, path, language):
    client.cookies["django_language"] = language
    return client.get(path).content.decode()


def test_the_translation_is_wagtails_own_at_the_same_address(translated, brand):
    page, japanese = translated
    assert japanese.locale == Locale.objects.get(language_code="ja")
    assert japanese.translation_key == page.translation_key
    assert japanese.brand == brand and japanese.live
    assert japanese.url == page.url == f"/b/{brand.slug}/"
    assert services.brand_page_translate(page, language="ja") == japanese  # made once
    assert BrandHomePage.objects.filter(brand=brand).count() == 2


def test_each_reader_gets_the_blocks_in_their_language(client, translated, brand):
    ThreadFactory(brand=brand)
    english = _get(client, brand.get_absolute_url(), "en")
    assert "Hoshino support community" in english
    assert "サポートコミュニティ" not in english
    japanese = _get(client, brand.get_absolute_url(), "ja")
    assert "Hoshino サポートコミュニティ" in japanese
    assert "Hoshino support community" not in japanese


def test_a_brand_page_without_a_translation_shows_its_own_blocks(client, brand):
    page = services.brand_page_ensure(brand)
    page.content = _blocks("Only in English", "For now.")
    page.save_revision().publish()
    assert "Only in English" in _get(client, brand.get_absolute_url(), "ja")


def test_the_language_switch_stays_on_the_brand_page(client, translated, brand):
    client.cookies["django_language"] = "en"
    switch = reverse("community:language", args=["ja"]) + f"?next={brand.get_absolute_url()}"
    response = client.get(switch)
    assert response["Location"] == brand.get_absolute_url()
    assert "Hoshino サポートコミュニティ" in client.get(response["Location"]).content.decode()


def test_untranslated_pages_are_found_in_japanese(client, translated, brand):
    page, _japanese = translated
    article = Page.objects.get(pk=page.pk).add_child(
        instance=KnowledgeArticlePage(
            title="Resetting the Z5",
            title_ja="Z5 のリセット",
            slug="reset-z5",
            body="<p>Hold MENU.</p>",
            body_ja="<p>MENU を長押しします。</p>",
        )
    )
    article.save_revision().publish()
    assert "MENU を長押しします" in _get(client, article.url, "ja")
    guidelines = GuidelinesPage.objects.first()
    response = client.get(guidelines.url)
    assert response.status_code == 200


def test_the_translation_may_list_the_originals_articles(translated):
    page, japanese = translated
    article = Page.objects.get(pk=page.pk).add_child(
        instance=KnowledgeArticlePage(title="Pairing", slug="pairing", body="<p>Pair.</p>")
    )
    japanese.content = [
        {"type": "knowledge_articles", "value": {"heading": "記事", "articles": [article.pk]}}
    ]
    japanese.full_clean()  # no "not one of the brand's articles"
