"""Sitemaps and schema.org QAPage data, so search engines send customers to the answers."""

import json
import re

import pytest

from qa import services as qa_services
from tests.brands.factories import BrandFactory
from tests.qa.factories import AnswerFactory, ThreadFactory
from tests.themes.factories import BrandDomainFactory

pytestmark = pytest.mark.django_db


def _ld_json(html):
    match = re.search(
        r'<script type="application/ld\+json" nonce="[^"]+">(.*?)</script>', html, re.S
    )
    return json.loads(match.group(1)) if match else None


def test_a_thread_page_carries_a_qapage_with_the_accepted_answer(client, thread, other_customer):
    accepted = AnswerFactory(thread=thread, author=other_customer, body="Remove the battery.")
    AnswerFactory(thread=thread, body="Try another card.")
    qa_services.answer_accept(actor=thread.author, answer=accepted)
    data = _ld_json(client.get(thread.get_absolute_url()).content.decode())
    assert data["@type"] == "QAPage"
    question = data["mainEntity"]
    assert question["name"] == thread.title
    assert question["answerCount"] == 2
    assert question["acceptedAnswer"]["url"] == (
        f"http://testserver{thread.get_absolute_url()}#answer-{accepted.pk}"
    )
    assert question["acceptedAnswer"]["author"]["name"] == other_customer.public_name
    assert len(question["suggestedAnswer"]) == 1


def test_user_text_cannot_close_the_script_element(client, customer, brand):
    thread = ThreadFactory(brand=brand, author=customer, title="</script><script>alert(1)</script>")
    html = client.get(thread.get_absolute_url()).content.decode()
    block = re.search(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', html, re.S).group(
        1
    )
    assert "<" not in block and "\\u003C/script\\u003E" in block
    assert json.loads(block)["mainEntity"]["name"] == thread.title


def test_ideas_and_praise_are_not_questions(client, brand):
    idea = ThreadFactory(brand=brand, type="idea")
    assert _ld_json(client.get(idea.get_absolute_url()).content.decode()) is None


def test_the_brand_sitemap_lists_its_listed_threads(client, brand, thread):
    other = ThreadFactory(brand=BrandFactory(), title="Not this brand")
    hidden = ThreadFactory(brand=brand)
    type(hidden).objects.filter(pk=hidden.pk).update(visibility="hidden")
    response = client.get(f"/b/{brand.slug}/sitemap.xml")
    assert response.status_code == 200
    xml = response.content.decode()
    assert f"<loc>http://testserver{thread.get_absolute_url()}</loc>" in xml
    assert f"<loc>http://testserver/b/{brand.slug}/</loc>" in xml
    assert other.get_absolute_url() not in xml and hidden.get_absolute_url() not in xml


def test_the_brand_domain_has_its_own_sitemap_and_robots(client, settings, brand, thread):
    settings.ALLOWED_HOSTS = ["testserver", "*"]
    BrandDomainFactory(brand=brand, hostname="support.hoshino.example")
    host = {"HTTP_HOST": "support.hoshino.example"}
    xml = client.get("/sitemap.xml", **host).content.decode()
    assert "<loc>http://support.hoshino.example/</loc>" in xml
    assert f"<loc>http://support.hoshino.example{thread.get_absolute_url()}</loc>" in xml
    assert "testserver" not in xml
    robots = client.get("/robots.txt", **host).content.decode()
    assert "Sitemap: http://support.hoshino.example/sitemap.xml" in robots


def test_the_main_sitemap_indexes_every_brand(client, brand, thread):
    xml = client.get("/sitemap.xml").content.decode()
    assert f"<loc>http://testserver/b/{brand.slug}/sitemap.xml</loc>" in xml
