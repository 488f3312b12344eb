"""The demo shows brand sites: two brands in their own look, one at its own local domain."""

import pytest

from community.demo import loader
from community.demo.themes import DEMO_DOMAIN
from themes.models import BrandDomain, BrandTheme

pytestmark = pytest.mark.django_db


def test_the_demo_has_two_themed_brands_one_on_its_own_domain(client, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.ALLOWED_HOSTS = ["testserver", ".localhost"]
    loader.load_demo_content(report=lambda line: None)

    themes = {t.brand.slug: t for t in BrandTheme.objects.published().select_related("brand")}
    assert set(themes) == {"hoshino-camera", "tsubame-kitchen"}
    domain = BrandDomain.objects.served().get()
    assert (domain.hostname, domain.brand.slug) == (DEMO_DOMAIN, "hoshino-camera")
    assert DEMO_DOMAIN.endswith(".localhost")  # resolves to this machine without DNS

    at_home = client.get("/", HTTP_HOST=f"{DEMO_DOMAIN}:8000").content.decode()
    assert themes["hoshino-camera"].published_accent_colour in at_home
    assert "Hoshino Camera" in at_home and "Tsubame Kitchen" not in at_home
    tsubame = themes["tsubame-kitchen"].brand
    page = client.get(tsubame.get_absolute_url()).content.decode()
    assert themes["tsubame-kitchen"].published_accent_colour in page
    assert "Community-run (unofficial)" in page
