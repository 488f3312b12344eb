"""Suggestions under the header's search, as a reader types."""

import pytest
from django.urls import reverse

from qa import services as qa_services
from search import services
from tests.brands.factories import BrandFactory
from tests.qa.factories import AnswerFactory, ThreadFactory
from tests.themes.factories import BrandDomainFactory

pytestmark = pytest.mark.django_db

URL = reverse("search:suggest")


@pytest.fixture
def threads(brand):
    """Three of the brand's threads about the battery, the oldest one solved; one elsewhere."""
    solved = ThreadFactory(brand=brand, title="Battery drains overnight", body="Empty by morning")
    qa_services.answer_accept(actor=solved.author, answer=AnswerFactory(thread=solved))
    open_ones = [
        ThreadFactory(brand=brand, title="Battery drains while charging", body="battery battery"),
        ThreadFactory(brand=brand, title="Battery icon drains", body="battery drains"),
    ]
    elsewhere = ThreadFactory(brand=BrandFactory(slug="kumo"), title="Battery drains too", body="x")
    services.outbox_process()
    return {"solved": solved, "open": open_ones, "elsewhere": elsewhere}


def _links(response) -> list[str]:
    html = response.content.decode()
    return [part.split('"', 1)[0] for part in html.split('<li><a href="')[1:]]


def test_solved_threads_come_first(client, threads):
    response = client.get(URL, {"q": "battery drains"})
    assert response.status_code == 200
    links = _links(response)
    assert links[0] == threads["solved"].get_absolute_url()
    assert threads["open"][0].get_absolute_url() in links
    assert "<mark>" in response.content.decode()  # the words are highlighted


def test_a_brand_scope_keeps_other_brands_out(client, threads, brand):
    response = client.get(URL, {"q": "battery drains", "brand": brand.slug})
    links = _links(response)
    assert threads["elsewhere"].get_absolute_url() not in links
    assert len(links) == 3
    assert f"brand={brand.slug}" in response.content.decode()  # "All results" stays scoped


def test_on_a_brand_domain_only_that_brand_is_suggested(client, settings, threads, brand):
    settings.ALLOWED_HOSTS = ["testserver", "*"]
    BrandDomainFactory(brand=brand, hostname="support.hoshino.example")
    response = client.get(
        URL, {"q": "battery drains", "brand": "kumo"}, HTTP_HOST="support.hoshino.example"
    )
    assert threads["elsewhere"].get_absolute_url() not in _links(response)
    assert threads["solved"].get_absolute_url() in _links(response)


def test_a_letter_or_nothing_asks_for_nothing(client, threads, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get(URL, {"q": "b"})
    assert response.status_code == 200
    assert _links(response) == []


def test_nothing_found_says_so(client, threads):
    response = client.get(URL, {"q": "zebra"})
    assert response.status_code == 200
    assert "No thread matches yet" in response.content.decode()


def test_suggestions_count_against_the_search_limit(client, settings, threads):
    settings.SODAN_RATE_LIMITS_ENABLED = True
    settings.SODAN_RATE_LIMITS = {**settings.SODAN_RATE_LIMITS, "search": (2, 60)}
    assert client.get(URL, {"q": "battery"}).status_code == 200
    assert client.get(reverse("search:search"), {"q": "battery"}).status_code == 200
    refused = client.get(URL, {"q": "battery drains"})
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert "searching faster than the community allows" in refused.content.decode()
