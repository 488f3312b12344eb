"""A brand's look: validation (WCAG AA), draft and publish, preview, who may change it."""

import re
from html import unescape

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from moderation.models import AuditLogEntry
from tests.brands.factories import BrandFactory, MembershipFactory
from tests.community.factories import UserFactory
from themes import services
from themes.models import BrandTheme

pytestmark = pytest.mark.django_db

GOOD = {
    "accent_colour": "#9b1c31",
    "background_colour": "#faf6f2",
    "text_colour": "#1c1917",
    "font": "serif",
    "header_links": [{"label": "Shop", "url": "https://shop.example/"}],
    "footer_text": "Hoshino Camera Co.",
}


@pytest.fixture
def brand_admin(brand):
    user = UserFactory(username="aya")
    MembershipFactory(brand=brand, user=user, role="admin")
    return user


def _save(actor, brand, **changes):
    return services.theme_save_draft(actor=actor, brand=brand, **{**GOOD, **changes})


# --- Validation -------------------------------------------------------------------------------


def test_a_low_contrast_accent_is_refused_with_its_ratio_and_a_passing_shade(brand, brand_admin):
    with pytest.raises(ValidationError) as refused:
        _save(brand_admin, brand, accent_colour="#f59e0b")
    message = refused.value.message_dict["accent_colour"][0]
    assert "2.14:1" in message
    assert "4.5:1" in message
    suggested = re.search(r"darker (#[0-9a-f]{6})", message).group(1)
    _save(brand_admin, brand, accent_colour=suggested)  # the suggestion really passes
    assert BrandTheme.objects.get(brand=brand).accent_colour == suggested


def test_text_must_read_on_the_background(brand, brand_admin):
    with pytest.raises(ValidationError) as refused:
        _save(brand_admin, brand, text_colour="#9ca3af", background_colour="#ffffff")
    message = refused.value.message_dict["text_colour"][0]
    assert "2.53:1" in message and "Try the darker" in message


def test_accent_links_must_read_on_a_tinted_background(brand, brand_admin):
    with pytest.raises(ValidationError) as refused:
        _save(brand_admin, brand, accent_colour="#2563eb", background_colour="#c7d2fe")
    assert "the background (links)" in refused.value.message_dict["accent_colour"][0]


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "data:text/html,hi", "//evil.example", "ftp://x.example"]
)
def test_header_links_must_be_web_addresses(brand, brand_admin, url):
    with pytest.raises(ValidationError) as refused:
        _save(brand_admin, brand, header_links=[{"label": "Home", "url": url}])
    assert "https://" in str(refused.value)
    assert not BrandTheme.objects.filter(brand=brand).exists()


def test_fonts_come_from_the_safe_list(brand, brand_admin):
    with pytest.raises(ValidationError) as refused:
        _save(brand_admin, brand, font="Comic Sans'; } body { display:none")
    assert "font" in refused.value.message_dict


def test_an_svg_logo_is_refused(brand, brand_admin):
    svg = SimpleUploadedFile("logo.svg", b"<svg onload='alert(1)'/>", content_type="image/svg+xml")
    with pytest.raises(ValidationError) as refused:
        _save(brand_admin, brand, logo=svg)
    assert "SVG" in refused.value.message_dict["logo"][0]


# --- Draft, publish, who may ---------------------------------------------------------------------


def test_saving_a_draft_changes_nothing_visitors_see(client, brand, brand_admin):
    _save(brand_admin, brand)
    page = client.get(brand.get_absolute_url()).content.decode()
    assert "--bg: #faf6f2" not in page
    assert "Hoshino Camera Co." not in page


def test_publishing_shows_the_look_everywhere_and_is_audited(client, brand, brand_admin, thread):
    client.get(thread.get_absolute_url())  # cached anonymous page, in the old look
    _save(brand_admin, brand)
    services.theme_publish(actor=brand_admin, brand=brand)
    for url in (brand.get_absolute_url(), thread.get_absolute_url()):
        response = client.get(url)
        html = response.content.decode()
        nonce = response["Content-Security-Policy"].split("'nonce-")[1].split("'")[0]
        assert f'<style nonce="{nonce}">:root {{ --accent: #9b1c31; }}</style>' in html
        assert "--bg: #faf6f2; --text: #1c1917;" in html
        assert "Charter" in html  # the serif stack
        assert '<a href="https://shop.example/">Shop</a>' in html
        assert "Hoshino Camera Co." in html
    assert AuditLogEntry.objects.filter(action="theme.publish", brand=brand).count() == 1


def test_customers_reps_and_other_brands_admins_may_not_change_the_look(brand, customer):
    rep = UserFactory()
    MembershipFactory(brand=brand, user=rep, role="rep")
    other_admin = UserFactory()
    MembershipFactory(brand=BrandFactory(name="Kumo"), user=other_admin, role="admin")
    for person in (customer, rep, other_admin):
        with pytest.raises(PermissionDenied):
            _save(person, brand)
        with pytest.raises(PermissionDenied):
            services.theme_publish(actor=person, brand=brand)
    with pytest.raises(PermissionDenied) as refused:
        _save(other_admin, brand)
    assert "Kumo" in str(refused.value) and "stay inside your own brand" in str(refused.value)


def test_staff_may_theme_any_brand(brand):
    staff = UserFactory(is_staff=True)
    _save(staff, brand)
    assert services.theme_publish(actor=staff, brand=brand).published_at is not None


# --- Pages -------------------------------------------------------------------------------------


def _form(**changes):
    data = {
        "accent_colour": GOOD["accent_colour"],
        "background_colour": GOOD["background_colour"],
        "text_colour": GOOD["text_colour"],
        "font": GOOD["font"],
        "footer_text": GOOD["footer_text"],
        "link_1_label": "Shop",
        "link_1_url": "https://shop.example/",
        "action": "save",
    }
    data.update(changes)
    return data


def test_the_theme_page_refuses_bad_colours_beside_the_field_and_keeps_the_input(
    login, brand, brand_admin
):
    client = login(brand_admin)
    response = client.post(f"/b/{brand.slug}/theme/", _form(accent_colour="#fbbf24"))
    assert response.status_code == 400
    html = response.content.decode()
    assert "1.66:1" in html
    assert 'value="#fbbf24"' in html
    assert 'value="https://shop.example/"' in html
    assert not BrandTheme.objects.filter(brand=brand).exists()


def test_the_theme_page_refuses_a_script_link_beside_its_field(login, brand, brand_admin):
    client = login(brand_admin)
    response = client.post(
        f"/b/{brand.slug}/theme/", _form(link_2_label="Bad", link_2_url="javascript:alert(1)")
    )
    assert response.status_code == 400
    assert "starts with https://" in response.content.decode()


def test_save_preview_publish(login, client, brand, brand_admin):
    client = login(brand_admin)
    assert client.get(f"/b/{brand.slug}/theme/").status_code == 200
    response = client.post(f"/b/{brand.slug}/theme/", _form())
    assert response.status_code == 302
    preview = client.get(f"/b/{brand.slug}/?preview=theme").content.decode()
    assert "--bg: #faf6f2" in preview and "Preview of the draft theme" in preview
    assert "--bg: #faf6f2" not in client.get(f"/b/{brand.slug}/").content.decode()
    assert client.post(f"/b/{brand.slug}/theme/publish/").status_code == 302
    assert "--bg: #faf6f2" in client.get(f"/b/{brand.slug}/").content.decode()


def test_only_admins_may_preview_a_draft(client, login, brand, customer):
    assert client.get(f"/b/{brand.slug}/?preview=theme").status_code == 403
    response = login(customer).get(f"/b/{brand.slug}/?preview=theme")
    assert response.status_code == 403
    assert "Only Hoshino Camera's admins can preview" in unescape(response.content.decode())


def test_theme_domains_and_widget_pages_are_for_the_brands_admins(client, login, brand, customer):
    for path in ("theme", "domains", "widget"):
        assert client.get(f"/b/{brand.slug}/{path}/").status_code == 302  # log in first
    for path in ("theme", "domains", "widget"):
        response = login(customer).get(f"/b/{brand.slug}/{path}/")
        assert response.status_code == 403
        assert "Only Hoshino Camera's admins and Sodan staff" in unescape(response.content.decode())


def test_an_admin_of_one_brand_is_refused_on_another(login, brand, brand_admin):
    other = BrandFactory(name="Kumo Mobile", slug="kumo")
    client = login(brand_admin)
    for path in ("theme/", "domains/", "widget/"):
        response = client.get(f"/b/{other.slug}/{path}")
        assert response.status_code == 403
        assert "stay inside your own brand" in response.content.decode()
    assert client.post(f"/b/{other.slug}/theme/", _form()).status_code == 403
    assert not BrandTheme.objects.filter(brand=other).exists()


def test_admins_see_the_look_tab_on_their_team_pages(login, brand, brand_admin):
    html = login(brand_admin).get(f"/b/{brand.slug}/team/").content.decode()
    assert f'href="/b/{brand.slug}/theme/"' in html


def test_a_png_logo_is_published_with_the_look(
    client, login, brand, brand_admin, settings, tmp_path
):
    import io

    from PIL import Image

    settings.MEDIA_ROOT = tmp_path
    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), "#9b1c31").save(buffer, format="PNG")
    logo = SimpleUploadedFile("logo.png", buffer.getvalue(), content_type="image/png")
    admin_client = login(brand_admin)
    response = admin_client.post(
        f"/b/{brand.slug}/theme/", {**_form(action="publish"), "logo": logo}
    )
    assert response.status_code == 302
    theme = BrandTheme.objects.get(brand=brand)
    assert theme.published_logo.name.startswith("brand-themes/")
    admin_client.logout()
    assert (
        f'src="{theme.published_logo.url}"' in client.get(brand.get_absolute_url()).content.decode()
    )


@pytest.mark.parametrize("published", [False, True])
def test_the_looks_style_is_written_with_the_nonce_and_its_colours(brand, brand_admin, published):
    from types import SimpleNamespace

    from django.template import Context, Template

    from themes import selectors

    if published:
        _save(brand_admin, brand)
        services.theme_publish(actor=brand_admin, brand=brand)
    look = selectors.brand_look(brand)
    context = {"look": look, "csp_nonce": 'n"<&>', "request": SimpleNamespace(csp_nonce="")}
    ours = Template("{% load look %}{% look_style look csp_nonce %}").render(Context(context))
    accent = f'<style nonce="n&quot;&lt;&amp;&gt;">:root {{ --accent: {look.accent}; }}</style>'
    assert ours.startswith(accent)
    assert (ours == accent + "\n") is not published
    assert ('<style nonce="n&quot;&lt;&amp;&gt;">:root { --accent: ' in ours) is True
    assert ("--bg: #faf6f2; --text: #1c1917;" in ours) is published
