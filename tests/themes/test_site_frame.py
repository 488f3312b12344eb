"""The site's frame: the header's search on every kind of page, the error pages, the favicon,
the installable app, the avatars and the highlighted words' contrast."""

import json
import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from brands.models import Membership
from tests.brands.factories import MembershipFactory
from tests.community.factories import UserFactory
from tests.qa.factories import ThreadFactory
from tests.themes.factories import BrandDomainFactory
from themes import contrast
from themes.error_pages import server_error
from themes.templatetags.frame import initials

pytestmark = pytest.mark.django_db

HEADER_SEARCH = re.compile(
    r'<form class="header-search" role="search" method="get" action="/search/">(.*?)</form>',
    re.S,
)


def _header_search(html: str) -> str:
    found = HEADER_SEARCH.search(html)
    assert found, "the page has no search field in its header"
    assert 'name="q"' in found.group(1)
    assert 'hx-get="/search/suggest/"' in found.group(1)
    return found.group(1)


def _brand_field(form: str) -> str | None:
    found = re.search(r'<input type="hidden" name="brand" value="([^"]*)">', form)
    return found.group(1) if found else None


@pytest.fixture
def rep(brand):
    user = UserFactory(username="yuki")
    MembershipFactory(brand=brand, user=user, role=Membership.Role.REP)
    return user


def test_every_kind_of_page_has_the_header_search(client, login, brand, thread, customer, rep):
    pages = {
        "home": (client, "/", None),
        "brand": (client, brand.get_absolute_url(), brand.slug),
        "thread": (client, thread.get_absolute_url(), brand.slug),
        "search": (client, reverse("search:search") + "?q=lens", None),
        "not found": (client, "/t/999999/nothing/", None),
    }
    for kind, (viewer, url, scope) in pages.items():
        response = viewer.get(url)
        assert response.status_code in (200, 404), kind
        assert _brand_field(_header_search(response.content.decode())) == scope, kind
    ask = login(customer).get(reverse("qa:ask", args=[brand.slug]))
    assert _brand_field(_header_search(ask.content.decode())) == brand.slug
    inbox = login(rep).get(reverse("brands:inbox", args=[brand.slug]))
    assert inbox.status_code in (200, 403)  # the page's frame is there either way
    assert _brand_field(_header_search(inbox.content.decode())) == brand.slug


def test_the_header_search_finds_threads(client, brand, thread):
    from search import services

    services.outbox_process()
    form = _header_search(client.get(thread.get_absolute_url()).content.decode())
    response = client.get("/search/", {"q": "lens cap", "brand": _brand_field(form)})
    assert thread.get_absolute_url() in response.content.decode()


def test_on_a_brand_domain_the_header_searches_that_brand(client, settings, brand, thread):
    settings.ALLOWED_HOSTS = ["testserver", "*"]
    BrandDomainFactory(brand=brand, hostname="support.hoshino.example")
    html = client.get("/", HTTP_HOST="support.hoshino.example").content.decode()
    assert _brand_field(_header_search(html)) == brand.slug


def test_the_header_search_costs_no_query(client, settings, brand, thread):
    """The header reads the page's brand or the request's: the thread page's count is what
    tests/qa/test_views.py holds it to, with or without the field."""
    settings.SODAN_PAGE_CACHE = False
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(thread.get_absolute_url())
    with CaptureQueriesContext(connection) as queries:
        client.get(thread.get_absolute_url())
    assert not [q for q in queries.captured_queries if "search" in q["sql"].lower()]


def test_the_menu_folds_on_a_phone_and_works_without_script(client):
    html = client.get("/").content.decode()
    assert 'class="menu-toggle" aria-expanded="false" aria-controls="site-nav" hidden' in html
    assert '<nav class="site-nav" id="site-nav"' in html


# --- Error pages -------------------------------------------------------------------------------


def test_the_404_page_is_sodans_even_with_debug_on(client, settings):
    settings.DEBUG = True
    response = client.get("/t/999999/nothing/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "We couldn't find that page" in html
    assert "DEBUG = True" not in html
    assert 'id="error-q"' in html  # search from the error page


def test_the_404_page_is_translated(client, settings):
    settings.DEBUG = True
    response = client.get("/t/999999/nothing/", HTTP_ACCEPT_LANGUAGE="ja")
    assert '<html lang="ja">' in response.content.decode()


def test_with_the_setting_off_django_debug_pages_come_back(client, settings):
    settings.DEBUG = True
    settings.SODAN_OWN_ERROR_PAGES = False
    assert "DEBUG = True" in client.get("/t/999999/nothing/").content.decode()


def test_the_403_page_is_sodans_even_with_debug_on(login, settings, brand, customer):
    settings.DEBUG = True
    response = login(customer).get(reverse("brands:inbox", args=[brand.slug]))
    html = response.content.decode()
    assert response.status_code == 403
    assert "You can't do that here" in html and 'id="error-q"' in html


def test_the_500_page_is_translated_with_search(brand):
    request = RequestFactory().get("/")
    request.brand_site = None
    with translation.override("ja"):
        response = server_error(request)
    html = response.content.decode()
    assert response.status_code == 500
    assert '<html lang="ja">' in html
    assert 'action="/search/"' in html


def test_the_500_page_renders_without_a_request():
    response = server_error(None)
    assert response.status_code == 500
    assert 'action="/search/"' in response.content.decode()


def test_a_brand_domains_404_wears_the_brands_look(client, settings, brand):
    settings.ALLOWED_HOSTS = ["testserver", "*"]
    BrandDomainFactory(brand=brand, hostname="support.hoshino.example")
    response = client.get("/t/999999/nothing/", HTTP_HOST="support.hoshino.example")
    html = response.content.decode()
    assert response.status_code == 404
    assert "brand-site-header" in html and brand.name in html


# --- Favicon and the installable app ---------------------------------------------------------


def test_the_favicon_is_answered_and_linked(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith(".svg")
    assert 'rel="icon"' in client.get("/").content.decode()
    svg = Path(django_settings.BASE_DIR, "themes/static/themes/favicon.svg").read_text()
    assert svg.startswith("<svg")


def test_the_manifest_is_served_from_the_root(client):
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["start_url"] == "/" and manifest["display"] == "standalone"
    assert manifest["icons"][0]["type"] == "image/svg+xml"
    assert 'rel="manifest" href="/manifest.webmanifest"' in client.get("/").content.decode()


def test_the_service_worker_is_served_from_the_root(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    script = response.content.decode()
    assert '"/offline/"' in script and "var CAP = 20;" in script
    assert "no-cache" in response["Cache-Control"]
    assert client.get("/offline/").status_code == 200


def test_the_content_security_policy_allows_the_worker_and_manifest(client):
    policy = client.get("/")["Content-Security-Policy"]
    assert "worker-src 'self'" in policy and "manifest-src 'self'" in policy


# --- Lists, avatars, highlights ----------------------------------------------------------------


def test_thread_rows_show_the_authors_initials(client, brand):
    author = UserFactory(display_name="Ada Lovelace")
    ThreadFactory(brand=brand, author=author, title="Shutter sticks")
    html = client.get(brand.get_absolute_url()).content.decode()
    assert '<span class="avatar" aria-hidden="true">AL</span>' in html


@pytest.mark.parametrize(
    ("name", "expected"),
    [("Ada Lovelace", "AL"), ("yuki", "Y"), ("山田太郎", "山"), ("", "?"), ("  ", "?")],
)
def test_initials(name, expected):
    assert initials(name) == expected


def _css_rule(selector: str) -> dict[str, str]:
    css = Path(django_settings.BASE_DIR, "themes/static/themes/sodan.css").read_text()
    rules = re.findall(r"(?m)^" + re.escape(selector) + r" \{([^}]*)\}", css)
    assert rules, selector
    declarations = dict(
        part.split(":", 1) for part in rules[-1].split(";") if ":" in part
    )  # the last rule wins, as in the browser
    return {key.strip(): value.strip() for key, value in declarations.items()}


def test_highlighted_words_have_contrast_everywhere():
    """<mark> sets its own text colour, so a brand's text colour or muted text cannot lower
    it: at least 4.5:1 on its background."""
    rule = _css_rule("mark")
    assert contrast.is_hex_colour(rule["color"]), "mark must set its own text colour"
    assert contrast.contrast_ratio(rule["color"], rule["background"]) >= 4.5


def test_the_500_page_on_a_brands_domain_wears_the_brands_colours(brand):
    from types import SimpleNamespace

    from themes import selectors

    request = RequestFactory().get("/")
    request.brand_site = SimpleNamespace(brand=brand)
    request.csp_nonce = "n0nce"
    html = server_error(request).content.decode()
    accent = selectors.brand_look(brand).accent
    assert f'<style nonce="n0nce">:root {{ --accent: {accent}; }}</style>' in html
