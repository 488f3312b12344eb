"""The frame's parts (the header, the brand's band, the footer) are rendered once per brand,
look, host and language and reused by every page, yet a change shows on the very next page,
each language has its own, and nothing of one reader's is ever in them."""

import pytest
from django.template import Context, Template
from django.test import RequestFactory, override_settings

from community import page_cache
from tests.brands.factories import MembershipFactory
from tests.community.factories import UserFactory
from tests.qa.factories import ThreadFactory
from themes import services
from themes.templatetags import frame

pytestmark = pytest.mark.django_db

BRAND_BAND = "includes/brand_header.html"


@pytest.fixture(autouse=True)
def _no_parts_kept():
    """Each test starts with no part kept (another test's brand may have had these values)."""
    frame._parts.clear()
    frame._static_urls.clear()
    frame._language_links.clear()


def _templates(response) -> list[str]:
    return [template.name for template in response.templates]


@pytest.fixture
def brand_admin(brand):
    user = UserFactory(username="aya")
    MembershipFactory(brand=brand, user=user, role="admin")
    return user


def _publish(admin, brand, *, link: str, footer: str) -> None:
    services.theme_save_draft(
        actor=admin,
        brand=brand,
        accent_colour="#9b1c31",
        background_colour="#faf6f2",
        text_colour="#1c1917",
        font="serif",
        header_links=[{"label": link, "url": "https://shop.example/"}],
        footer_text=footer,
    )
    services.theme_publish(actor=admin, brand=brand)


def test_a_brands_frame_is_rendered_once_and_reused_by_its_other_pages(client, brand, thread):
    other = ThreadFactory(brand=brand, title="Battery drains overnight")
    first = client.get(thread.get_absolute_url())
    assert BRAND_BAND in _templates(first)
    second = client.get(other.get_absolute_url())
    assert BRAND_BAND not in _templates(second)
    html = second.content.decode()
    assert '<a class="brand-name" href="/b/hoshino/">Hoshino Camera</a>' in html
    assert '<input type="hidden" name="brand" value="hoshino">' in html  # the header search
    assert "Community guidelines" in html  # the footer


def test_each_language_gets_its_own_frame(client, brand, thread):
    english = client.get(thread.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    japanese = client.get(thread.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="ja")
    assert BRAND_BAND in _templates(japanese)  # not the English one, reused
    html = japanese.content.decode()
    assert "本文へスキップ" in html and "ガイドライン" in html
    assert "コミュニティ運営（非公式）" in html and "コミュニティガイドライン" in html
    assert "Skip to content" in english and "Skip to content" not in html
    again = client.get(thread.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Skip to content" in again and "本文へスキップ" not in again


def test_a_published_look_shows_on_the_next_page(client, brand, brand_admin, thread):
    client.get(thread.get_absolute_url())  # the frame in the old look is kept
    _publish(brand_admin, brand, link="Shop", footer="Hoshino Camera Co.")
    html = client.get(thread.get_absolute_url()).content.decode()
    assert '<a href="https://shop.example/">Shop</a>' in html
    assert '<p class="brand-footer">Hoshino Camera Co.</p>' in html
    _publish(brand_admin, brand, link="Store", footer="Hoshino Camera K.K.")
    html = client.get(thread.get_absolute_url()).content.decode()
    assert '<a href="https://shop.example/">Store</a>' in html
    assert '<p class="brand-footer">Hoshino Camera K.K.</p>' in html
    assert ">Shop</a>" not in html and "Hoshino Camera Co." not in html


def test_a_renamed_brand_shows_its_new_name_on_the_next_page(client, brand, thread):
    client.get(thread.get_absolute_url())
    brand.name = "Hoshino Optics"
    brand.save(update_fields=["name"])
    page_cache.site_changed()  # as the Django admin does when a brand is saved
    html = client.get(thread.get_absolute_url()).content.decode()
    assert '<a class="brand-name" href="/b/hoshino/">Hoshino Optics</a>' in html
    assert "Search Hoshino Optics" in html
    assert "Hoshino Camera" not in html.split("<main")[0]


def test_a_signed_in_readers_header_is_never_shared(client, brand, thread):
    rep = MembershipFactory(brand=brand, role="rep", user__display_name="Rina Rep").user
    client.force_login(rep)  # the brand's people get a page rendered for them alone
    assert "Rina Rep" in client.get(thread.get_absolute_url()).content.decode()
    client.logout()
    anonymous = client.get(thread.get_absolute_url()).content.decode()
    assert "Rina Rep" not in anonymous
    assert "Log in" in anonymous.split("</header>")[0]
    client.force_login(UserFactory(display_name="Kai Reader"))
    header = client.get(thread.get_absolute_url()).content.decode().split("</header>")[0]
    assert "Kai Reader" in header
    assert "Rina Rep" not in header


def test_a_part_that_holds_a_token_or_a_slot_is_rendered_each_time():
    template = Template(
        '{% load frame viewer_slots %}{% frame_part "test" %}{% csrf_token %}'
        '{% viewer_slot "nav" %}nav{% endviewer_slot %}{% endframe_part %}'
    )
    request = RequestFactory().get("/")
    first = template.render(Context({"request": request, "csrf_token": "one-token"}))
    second = template.render(Context({"request": request, "csrf_token": "another-token"}))
    assert "one-token" in first
    assert "another-token" in second
    assert not [key for key in frame._parts if key[0] == "test"]


def test_the_language_switch_comes_back_to_each_pages_own_address(client, brand, thread):
    switch = '<span class="language-switch">'
    html = client.get(thread.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert (
        f'{switch}<span aria-current="true" lang="en">English</span>'
        f'<a href="/language/ja/?next={thread.get_absolute_url()}" lang="ja" hreflang="ja" '
        'rel="nofollow">日本語</a></span>'
    ) in html
    # Another page in the same language: the same links, back to that page (its query
    # quoted once more, as the address it is).
    html = client.get(brand.get_absolute_url() + '?sort=new&q=<b>"', HTTP_ACCEPT_LANGUAGE="en")
    assert (
        f'<a href="/language/ja/?next={brand.get_absolute_url()}%3Fsort%3Dnew%26q%3D%253Cb%253E'
        '%2522" lang="ja"'
    ) in html.content.decode()
    html = client.get(thread.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert (
        f'{switch}<a href="/language/en/?next={thread.get_absolute_url()}" lang="en" '
        'hreflang="en" rel="nofollow">English</a>'
        '<span aria-current="true" lang="ja">日本語</span></span>'
    ) in html


def test_a_static_address_is_what_the_static_tag_writes_and_follows_the_settings():
    paths = ["themes/sodan.css", "themes/vendor/htmx-2.0.11.min.js", "themes/a b&c.js"]
    ours = Template("".join(f"{{% load frame %}}{{% static_url '{path}' %}}|" for path in paths))
    django = Template("".join(f"{{% load static %}}{{% static '{path}' %}}|" for path in paths))
    assert ours.render(Context()) == django.render(Context())
    assert "/static/themes/a%20b%26c.js|" in ours.render(Context())
    with override_settings(STATIC_URL="/assets/"):
        assert ours.render(Context()).startswith("/assets/themes/sodan.css|")
    assert ours.render(Context()) == django.render(Context())
