"""The embeddable widget: its script's size and its data, readable only by approved sites."""

import gzip
import json
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.brands.factories import BrandFactory, MembershipFactory
from tests.community.factories import UserFactory
from tests.qa.factories import AnswerFactory, ThreadFactory
from tests.themes.factories import WidgetOriginFactory
from themes import services
from themes.models import WidgetOrigin
from themes.views.widget import WIDGET_SCRIPT

pytestmark = pytest.mark.django_db

SHOP = "https://shop.hoshino.example"


@pytest.fixture
def approved(brand):
    return WidgetOriginFactory(brand=brand, origin=SHOP)


def _data(client, brand, origin=SHOP, **params):
    return client.get(f"/widget/{brand.slug}/data.json", params, HTTP_ORIGIN=origin)


def test_the_script_stays_under_15_kb_gzipped():
    size = len(gzip.compress(WIDGET_SCRIPT.read_bytes(), compresslevel=9))
    assert size < 15 * 1024, f"{size} bytes gzipped"


def test_the_script_builds_dom_without_inline_code():
    source = re.sub(r"/\*.*?\*/", "", WIDGET_SCRIPT.read_text(), flags=re.S)  # code only
    for forbidden in (
        "innerHTML",
        "eval(",
        "new Function",
        "document.write",
        ".style.",
        'setAttribute("style',
    ):
        assert forbidden not in source


def test_the_script_is_served_with_a_long_cache(client, brand):
    response = client.get(f"/widget/{brand.slug}.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert "max-age=86400" in response["Cache-Control"]
    assert response["Cross-Origin-Resource-Policy"] == "cross-origin"
    assert "Set-Cookie" not in response
    assert client.get("/widget/no-such-brand.js").status_code == 404


def test_an_approved_site_reads_the_data_with_cors_and_no_credentials(client, brand, approved):
    solved = ThreadFactory(brand=brand, title="Lens cap stuck after the update")
    services_accept(solved)
    response = _data(client, brand)
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == SHOP
    assert "Access-Control-Allow-Credentials" not in response
    assert "Origin" in response["Vary"]
    assert not response.cookies
    data = json.loads(response.content)
    assert data["strings"]["ask"] == "Ask the community"
    assert data["ask_url"].endswith(f"/b/{brand.slug}/ask/")
    assert [item["title"] for item in data["top_solved"]] == ["Lens cap stuck after the update"]
    assert data["top_solved"][0]["meta"].startswith("Solved")


def services_accept(thread):
    from qa import services as qa_services

    answer = AnswerFactory(thread=thread)
    qa_services.answer_accept(actor=thread.author, answer=answer)


def test_an_unapproved_site_gets_403_and_no_cors_header(client, brand, approved):
    response = _data(client, brand, origin="https://evil.example")
    assert response.status_code == 403
    assert "Access-Control-Allow-Origin" not in response
    assert "not approved" in json.loads(response.content)["error"]


def test_approval_is_per_brand(client, brand, approved):
    kumo = BrandFactory(slug="kumo")
    assert _data(client, kumo).status_code == 403


def test_preflight_answers_only_approved_sites(client, brand, approved):
    ok = client.options(f"/widget/{brand.slug}/data.json", HTTP_ORIGIN=SHOP)
    assert ok.status_code == 204 and ok["Access-Control-Allow-Origin"] == SHOP
    refused = client.options(f"/widget/{brand.slug}/data.json", HTTP_ORIGIN="https://evil.example")
    assert refused.status_code == 403 and "Access-Control-Allow-Origin" not in refused


def test_search_finds_the_brands_listed_threads_only(client, brand, approved):
    ThreadFactory(brand=brand, title="Battery drains overnight")
    hidden = ThreadFactory(brand=brand, title="Battery secret")
    type(hidden).objects.filter(pk=hidden.pk).update(visibility="hidden")
    ThreadFactory(brand=BrandFactory(), title="Battery of another brand")
    data = json.loads(_data(client, brand, q="battery").content)
    assert [item["title"] for item in data["results"]] == ["Battery drains overnight"]


def test_same_origin_and_server_requests_need_no_approval(client, brand):
    assert client.get(f"/widget/{brand.slug}/data.json").status_code == 200


@pytest.fixture
def brand_admin(brand):
    user = UserFactory()
    MembershipFactory(brand=brand, user=user, role="admin")
    return user


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("https://www.Example.com/", "https://www.example.com"),
        ("https://www.example.com:443", "https://www.example.com"),
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
    ],
)
def test_origins_are_stored_as_browsers_send_them(brand, brand_admin, typed, stored):
    assert services.widget_origin_add(actor=brand_admin, brand=brand, origin=typed).origin == stored


@pytest.mark.parametrize(
    "bad", ["www.example.com", "https://example.com/shop", "javascript:alert(1)", "ftp://x.example"]
)
def test_bad_origins_are_refused(brand, brand_admin, bad):
    with pytest.raises(ValidationError):
        services.widget_origin_add(actor=brand_admin, brand=brand, origin=bad)


def test_only_the_brands_admins_approve_sites(brand, customer):
    with pytest.raises(PermissionDenied):
        services.widget_origin_add(actor=customer, brand=brand, origin=SHOP)


def test_widget_page_shows_the_snippet_and_manages_sites(login, brand, brand_admin):
    client = login(brand_admin)
    page = client.get(f"/b/{brand.slug}/widget/").content.decode()
    assert f'data-sodan-widget="{brand.slug}"' in page
    assert f"/widget/{brand.slug}.js" in page
    bad = client.post(f"/b/{brand.slug}/widget/", {"origin": "not a site"})
    assert bad.status_code == 400 and 'value="not a site"' in bad.content.decode()
    assert client.post(f"/b/{brand.slug}/widget/", {"origin": SHOP}).status_code == 302
    row = WidgetOrigin.objects.get()
    assert client.post(f"/b/{brand.slug}/widget/sites/{row.pk}/remove/").status_code == 302
    assert not WidgetOrigin.objects.exists()
