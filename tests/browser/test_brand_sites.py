"""A brand's own support site in a real browser: themed on a desktop and a phone at its own
domain, the widget on a plain host page with a strict CSP, and axe-core on the main pages."""

from __future__ import annotations

import http.server
import threading
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.base import AXE_SCRIPT
from django.contrib.contenttypes.models import ContentType

from qa import services as qa_services
from tests.brands.factories import BrandFactory, MembershipFactory, ProductFactory
from tests.community.factories import PASSWORD, UserFactory
from tests.qa.factories import AnswerFactory, ThreadFactory
from tests.themes.factories import BrandDomainFactory, WidgetOriginFactory
from themes import services

# Transactional without serialized_rollback: reloading the serialized database in a second
# test of the same worker collides with content types that survive the flush (see the
# report); these tests build what they need (site_pages_ensure) and leave a database that
# post_migrate has refilled.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ACCENT = "#9b1c31"
ACCENT_RGB = "rgb(155, 28, 49)"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(autouse=True)
def _hosts(settings):
    # *.localhost resolves to this machine in chromium: the brand's own domain for the test.
    settings.ALLOWED_HOSTS = ["localhost", "127.0.0.1", "testserver", ".localhost"]
    settings.SODAN_PAGE_CACHE = False
    yield
    ContentType.objects.clear_cache()  # the flush gives content types new ids


@pytest.fixture
def themed_brand():
    services.site_pages_ensure()
    brand = BrandFactory(name="Hoshino Camera", slug="hoshino-camera", status="official")
    ProductFactory(brand=brand, name="Hoshino Z5", slug="z5")
    admin = UserFactory(username="aya")
    MembershipFactory(brand=brand, user=admin, role="admin")
    services.theme_save_draft(
        actor=admin,
        brand=brand,
        accent_colour=ACCENT,
        background_colour="#faf6f2",
        text_colour="#1c1917",
        font="serif",
        header_links=[
            {"label": "hoshino-camera.example", "url": "https://hoshino-camera.example/"}
        ],
        footer_text="Hoshino Camera Co., Ltd.",
    )
    services.theme_publish(actor=admin, brand=brand)
    thread = ThreadFactory(brand=brand, title="Z5 battery drains overnight")
    answer = AnswerFactory(thread=thread, body="Turn off Bluetooth standby.")
    qa_services.answer_accept(actor=thread.author, answer=answer)
    page = services.brand_page_ensure(brand)
    page.content = [
        {"type": "hero", "value": {"heading": "Hoshino support community", "text": "Ask us.",
                                   "image": None, "button_label": "Ask a question",
                                   "button_url": ""}},
        {"type": "featured_threads", "value": {"heading": "Solved", "threads": [thread.pk]}},
    ]  # fmt: skip
    page.save_revision().publish()
    BrandDomainFactory(brand=brand, hostname="hoshino.localhost")
    return brand


def _brand_host(live_server) -> str:
    port = urlsplit(live_server.url).port
    return f"http://hoshino.localhost:{port}"


def _page(browser, viewport, **options):
    context = browser.new_context(viewport=viewport, **options)
    context.set_default_timeout(15_000)
    return context, context.new_page()


def test_themed_brand_on_its_own_domain_on_desktop_and_phone(
    browser, live_server, themed_brand, screenshot
):
    host = _brand_host(live_server)
    for name, viewport, extra in (
        ("desktop", DESKTOP, {}),
        ("phone", PHONE, {"is_mobile": True, "has_touch": True, "device_scale_factor": 2}),
    ):
        context, page = _page(browser, viewport, **extra)
        page.goto(host + "/")
        assert page.locator(".brand-site-name").inner_text() == "Hoshino Camera"
        assert page.locator("h2.brand-hero-heading").inner_text() == "Hoshino support community"
        if name == "phone":  # the header's links fold under the menu on a phone
            assert not page.get_by_role("link", name="hoshino-camera.example").is_visible()
            page.get_by_role("button", name="Menu").click()
            assert page.get_by_role("link", name="hoshino-camera.example").is_visible()
            page.goto(host + "/")  # folded again, and the focus back at the page's start
        else:
            assert page.get_by_role("link", name="hoshino-camera.example").is_visible()
        assert (
            page.locator(".site-header").evaluate("el => getComputedStyle(el).borderBottomColor")
            == ACCENT_RGB
        )
        assert "Charter" in page.evaluate("getComputedStyle(document.body).fontFamily")
        # Nothing overflows sideways on a phone.
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        screenshot(page, f"brand-site-{name}")
        # The first Tab shows the skip link, with a visible focus.
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.className") == "skip-link"
        assert page.locator(".skip-link").bounding_box()["x"] >= 0
        # Its thread, on its domain; the directory of brands is not there.
        page.get_by_role("link", name="Z5 battery drains overnight").first.click()
        page.wait_for_url("**/t/*/**")
        assert urlsplit(page.url).hostname == "hoshino.localhost"
        assert page.locator("h1").inner_text() == "Z5 battery drains overnight"
        assert page.goto(host + "/brands/").status == 404
        context.close()


def _serve_host_page(html: str, csp: str):
    """A plain web site on another port, with its own strict CSP."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            body = html.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Security-Policy", csp)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


HOST_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Hoshino shop</title></head><body><main><h1>Hoshino shop</h1>
<div data-sodan-widget="{slug}"><a href="{sodan}/b/{slug}/">Hoshino Camera community</a></div>
<script src="{sodan}/widget/{slug}.js" async></script></main></body></html>"""


def test_widget_on_a_plain_host_page_with_a_strict_csp(
    browser, live_server, themed_brand, screenshot
):
    sodan = live_server.url
    # No 'unsafe-inline', no style-src at all: only Sodan's script and its JSON.
    csp = f"default-src 'none'; script-src {sodan}; connect-src {sodan}; img-src 'self'"
    html = HOST_PAGE.format(slug=themed_brand.slug, sodan=sodan)
    approved_server, approved = _serve_host_page(html, csp)
    other_server, unapproved = _serve_host_page(html, csp)
    WidgetOriginFactory(brand=themed_brand, origin=approved)
    try:
        context, page = _page(browser, {"width": 900, "height": 900})
        problems: list[str] = []
        page.on(
            "console",
            lambda message: problems.append(message.text) if message.type == "error" else None,
        )
        page.goto(approved + "/")
        widget = page.locator("[data-sodan-widget] .sodan")
        widget.wait_for()
        assert page.locator("[data-sodan-widget] h2").inner_text() == "Hoshino Camera community"
        assert widget.evaluate("el => getComputedStyle(el).borderTopColor") == ACCENT_RGB
        assert (
            page.get_by_role("link", name="Ask the community")
            .get_attribute("href")
            .endswith(f"/b/{themed_brand.slug}/ask/")
        )
        page.get_by_label("Search the Hoshino Camera community").fill("battery")
        page.get_by_role("button", name="Search").click()
        page.locator("[data-sodan-widget] [aria-live] li a").first.wait_for()
        assert (
            "Z5 battery drains overnight"
            in page.locator("[data-sodan-widget] [aria-live]").inner_text()
        )
        assert page.context.cookies() == []  # no cookie from Sodan, none needed
        assert not [p for p in problems if "Content Security Policy" in p or "CORS" in p], problems
        screenshot(page, "widget-on-host-page")
        context.close()

        # A site the brand did not approve keeps the plain link.
        context, page = _page(browser, {"width": 900, "height": 600})
        page.goto(unapproved + "/")
        page.wait_for_timeout(1500)
        assert page.locator("[data-sodan-widget]").evaluate("el => el.shadowRoot") is None
        assert page.get_by_role("link", name="Hoshino Camera community").is_visible()
        context.close()
    finally:
        approved_server.shutdown()
        other_server.shutdown()


def _axe_violations(page) -> list[str]:
    page.evaluate(AXE_SCRIPT)
    results = page.evaluate(
        "axe.run(document, {resultTypes: ['violations'], runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})"
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(node["target"][0] if isinstance(node["target"][0], str) else str(node["target"])
                    for node in v["nodes"][:3])
        for v in results["violations"]
        if v["impact"] in ("serious", "critical")
    ]  # fmt: skip


def test_no_serious_accessibility_violations_on_the_main_pages(
    browser, live_server, themed_brand, new_page
):
    thread = themed_brand.threads.first()
    customer = UserFactory(username="hana")
    anonymous = new_page()
    checked = {}
    for path in ("/", f"/b/{themed_brand.slug}/", thread.get_absolute_url(), "/accounts/login/"):
        anonymous.goto(path)
        checked[path] = _axe_violations(anonymous)
    anonymous.goto(_brand_host(live_server) + "/")
    checked["brand domain /"] = _axe_violations(anonymous)

    member = new_page()
    member.goto("/accounts/login/")
    member.fill("input[name=login]", customer.username)
    member.fill("input[name=password]", PASSWORD)
    member.locator("form[action='/accounts/login/'] button[type=submit]").click()
    member.wait_for_load_state()
    member.goto(f"/b/{themed_brand.slug}/ask/")
    assert member.locator("textarea[name=body]").is_visible()
    checked["ask form"] = _axe_violations(member)
    failing = {page: found for page, found in checked.items() if found}
    assert not failing, failing


def test_a_brand_admin_previews_and_publishes_a_theme(browser, live_server, themed_brand, new_page):
    admin = themed_brand.memberships.get(role="admin").user
    page = new_page()
    page.goto("/accounts/login/")
    page.fill("input[name=login]", admin.username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form[action='/accounts/login/'] button[type=submit]").click()
    page.wait_for_load_state()
    page.goto(f"/b/{themed_brand.slug}/theme/")
    assert _axe_violations(page) == []
    page.get_by_label("Accent colour").fill("#f59e0b")
    page.get_by_role("button", name="Save draft").click()
    error = page.locator(".field-error .errorlist").first.inner_text()
    assert "2.14:1" in error and "Try the darker" in error
    assert _axe_violations(page) == []  # the refused form, errors beside the fields
    page.get_by_label("Accent colour").fill("#1d4ed8")
    with page.expect_navigation():
        page.get_by_role("button", name="Save draft").click()
    with page.expect_navigation():
        page.get_by_role("link", name="Preview the draft").click()
    page.locator(".preview-notice").wait_for()  # visible, once the page has loaded
    assert (
        page.locator(".brand-header").evaluate("el => getComputedStyle(el).backgroundColor")
        == "rgb(29, 78, 216)"
    )
    with page.expect_navigation():
        page.get_by_role("button", name="Publish this look").click()
    page.goto(f"/b/{themed_brand.slug}/")
    assert (
        page.locator(".brand-header").evaluate("el => getComputedStyle(el).backgroundColor")
        == "rgb(29, 78, 216)"
    )
