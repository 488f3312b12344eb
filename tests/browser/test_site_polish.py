"""The site's frame in a real browser, at a desk (1280 × 800) and on a phone (390 × 844), in
English and Japanese: screenshots of the pages people use most, axe-core on each, the
header's search on every kind of page, the folding menu and the team pages' first screen."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe

from brands.models import Membership
from moderation.models import ModeratorAppointment
from qa import services as qa_services
from search import services as search_services
from tests.brands.factories import BrandFactory, MembershipFactory, ProductFactory
from tests.community.factories import PASSWORD, UserFactory
from tests.qa.factories import AnswerFactory, ThreadFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

DESK = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
LOCALES = {"en": "en-US", "ja": "ja-JP"}
TEAM_PAGES = ("inbox", "board", "moderation")


def _community():
    """A brand with a solved thread, open ones of every type, and a person who is its admin
    and a moderator, so every page of the walk opens for one signed-in person."""
    brand = BrandFactory(name="Hoshino Camera", slug="hoshino", accent_colour="#9a3412")
    product = ProductFactory(brand=brand, name="Z5 mirrorless", slug="z5")
    asker = UserFactory(username="aiko", display_name="Aiko Tanaka")
    solved = ThreadFactory(
        brand=brand, product=product, author=asker, title="Battery drains overnight on the Z5"
    )
    answer = AnswerFactory(
        thread=solved, author=UserFactory(username="ken", display_name="Ken Ito"),
        body="Turn off **Bluetooth wake** in Settings, then restart.",
    )  # fmt: skip
    qa_services.answer_accept(actor=asker, answer=answer)
    for title, kind in (
        ("Battery icon shows 0% after the update", "problem"),
        ("Lens cap stuck after firmware 2.1", "question"),
        ("A silent shutter mode for concerts", "idea"),
        ("The new autofocus is wonderful", "praise"),
    ):
        ThreadFactory(brand=brand, product=product, title=title, type=kind)
    search_services.outbox_process()
    team = UserFactory(username="yuki", display_name="Yuki Sato")
    MembershipFactory(brand=brand, user=team, role=Membership.Role.ADMIN)
    ModeratorAppointment.objects.create(user=team)
    return {"brand": brand, "thread": solved, "team": team}


def _log_in(page, username):
    page.goto("/accounts/login/")
    page.fill("input[name=login]", username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form[action='/accounts/login/'] button[type=submit]").click()
    page.wait_for_load_state()


def _pages(data) -> dict[str, str]:
    slug = data["brand"].slug
    return {
        "home": "/",
        "brand": f"/b/{slug}/",
        "thread": data["thread"].get_absolute_url(),
        "search": f"/search/?q=battery&brand={slug}",
        "ask": f"/b/{slug}/ask/",
        "inbox": f"/b/{slug}/inbox/",
        "board": f"/b/{slug}/feedback/",
        "moderation": "/moderation/",
    }


def _serious(results) -> list[str]:
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(node["target"][0] for node in v["nodes"][:3])
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("language", ["en", "ja"])
def test_screenshots_and_axe_at_a_desk_and_on_a_phone(new_page, screenshot, language):
    data = _community()
    page = new_page(locale=LOCALES[language])
    _log_in(page, data["team"].username)
    axe = Axe()
    problems = {}
    for name, url in _pages(data).items():
        for label, size in (("desk", DESK), ("phone", PHONE)):
            page.set_viewport_size(size)
            response = page.goto(url)
            assert response.status == 200, (name, url, response.status)
            assert page.locator("html").get_attribute("lang") == language
            screenshot(page, f"site-{name}-{language}-{size['width']}x{size['height']}")
            found = _serious(axe.run(page))
            if found:
                problems[f"{name} {label}"] = found
            if label == "phone" and name in TEAM_PAGES:
                # The page's own content starts in the first screen, under a folded menu.
                assert page.locator("#site-nav").is_hidden(), name
                top = page.locator("main h1").first.bounding_box()["y"]
                assert top < PHONE["height"] / 2, (name, top)
    assert problems == {}


def test_the_header_search_suggests_and_searches_on_every_kind_of_page(new_page):
    data = _community()
    page = new_page()
    _log_in(page, data["team"].username)
    kinds = {**_pages(data), "error": "/t/999999/nothing-here/"}
    for kind in ("home", "brand", "thread", "search", "ask", "inbox", "error"):
        page.goto(kinds[kind])
        field = page.locator("header .header-search input[name=q]")
        field.fill("")
        field.press_sequentially("battery dr", delay=20)
        first = page.locator("#header-suggestions .suggestion-list a").first
        first.wait_for()
        # Solved threads first.
        assert "Battery drains overnight" in first.inner_text(), kind
        field.press("Enter")
        page.wait_for_url(re.compile(r"/search/\?"))
        assert "battery" in page.url, kind
        scoped = kind not in ("home", "error")  # the search page was the brand's search
        assert ("brand=hoshino" in page.url) == scoped, (kind, page.url)
        assert page.locator(".search-results .thread-title").count() >= 1, kind


def test_the_phone_menu_folds_and_its_targets_are_large_enough(new_page):
    _community()
    page = new_page()
    page.set_viewport_size(PHONE)
    page.goto("/")
    toggle = page.locator("button.menu-toggle")
    assert toggle.get_attribute("aria-expanded") == "false"
    assert page.locator("#site-nav").is_hidden()
    for target in (toggle, page.locator(".header-search button")):
        assert target.bounding_box()["height"] >= 44
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "true"
    nav = page.locator("#site-nav")
    assert nav.is_visible()
    for link in nav.locator("a").all():
        assert link.bounding_box()["height"] >= 44, link.inner_text()
    # Without script the menu is simply open: nothing is hidden from the reader.
    context = page.context.browser.new_context(java_script_enabled=False, base_url=page.url)
    plain = context.new_page()
    plain.set_viewport_size(PHONE)
    plain.goto("/")
    assert plain.locator("#site-nav").is_visible()
    assert plain.locator("button.menu-toggle").is_hidden()
    context.close()


def test_the_offline_copy_of_a_thread_read_recently(new_page):
    data = _community()
    page = new_page()
    page.goto("/")
    page.wait_for_function(
        "navigator.serviceWorker && navigator.serviceWorker.controller !== null"
        " || navigator.serviceWorker.ready.then(() => true)"
    )
    page.evaluate("navigator.serviceWorker.ready")
    page.reload()  # now controlled by the worker
    page.goto(data["thread"].get_absolute_url())
    page.wait_for_function(
        "caches.open('sodan-threads').then(c => c.keys()).then(k => k.length > 0)"
    )
    page.context.set_offline(True)
    page.goto(data["thread"].get_absolute_url())
    assert "Battery drains overnight on the Z5" in page.locator("h1").inner_text()
    page.goto(f"/b/{data['brand'].slug}/feedback/")
    assert page.locator("h1").inner_text() == "You're offline"
    page.context.set_offline(False)


def test_thread_pages_kept_while_signed_in_are_dropped_after_logging_out(new_page):
    data = _community()
    page = new_page()
    page.goto("/")
    page.evaluate("navigator.serviceWorker.ready")
    page.reload()  # now controlled by the worker
    _log_in(page, "aiko")
    page.goto(data["thread"].get_absolute_url())
    page.wait_for_function(
        "caches.open('sodan-threads').then(c => c.keys()).then(k => k.length > 0)"
    )
    page.goto("/accounts/logout/")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("body[data-signed-in]").count() == 0
    page.wait_for_function(
        "caches.open('sodan-threads').then(c => c.keys()).then(k => k.length === 0)"
    )
