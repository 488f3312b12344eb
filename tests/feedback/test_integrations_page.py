"""The integrations page shows the signature's format with its placeholders, and the
inbound address on the site's own address (SITE_URL, which `make demo` sets from PORT)."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_signature_help_shows_its_placeholders(login, official, brand_admin):
    html = login(brand_admin).get(reverse("feedback:integrations", args=[official.slug]))
    page = html.content.decode()
    assert "t=&lt;unix time&gt;,v1=&lt;hex HMAC-SHA256 of “t.body”&gt;" in page
    assert "<unix time>" not in page


def test_the_inbound_address_follows_the_site_url(login, official, brand_admin, settings):
    settings.SITE_URL = "http://127.0.0.1:9123"
    page = login(brand_admin).get(reverse("feedback:integrations", args=[official.slug]))
    inbound = reverse("feedback:integrations_inbound", args=[official.slug])
    assert f"http://127.0.0.1:9123{inbound}" in page.content.decode()
    assert "127.0.0.1:8000" not in page.content.decode()
