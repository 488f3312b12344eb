"""Browser tests: Playwright drives the system chromium against pytest-django's live server.

Playwright's own browser download does not exist here; Debian's chromium does
(`apt-get install chromium`). Without it these tests skip and say why.
"""

import os
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("SODAN_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def pytest_collection_modifyitems(config, items):
    if Path(CHROMIUM).exists():
        return
    skip = pytest.mark.skip(reason=f"chromium not found at {CHROMIUM} (apt-get install chromium)")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _site_pages(request):
    """Browser tests are transactional: each ends with a flush, which empties the tables the
    data migrations filled (the home and guidelines pages) and gives content types new ids.
    Each builds those pages first, and leaves no stale content-type ids behind. (Reloading
    a serialized database instead collides with the content types Wagtail's page models
    look up while they are being reloaded, in the second such test of a process.)"""
    if "browser" not in request.keywords:
        yield
        return
    from django.contrib.contenttypes.models import ContentType

    from themes.services import site_pages_ensure

    request.getfixturevalue("transactional_db")
    site_pages_ensure()
    yield
    ContentType.objects.clear_cache()


@pytest.fixture(scope="session")
def browser():
    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
    # between page actions are still plain synchronous calls.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser, live_server):
    """Open a page in a fresh browser context (its own cookies: one person each)."""
    contexts = []

    def _new_page(locale: str = "en-US"):
        context = browser.new_context(base_url=live_server.url, locale=locale)
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield _new_page
    for context in contexts:
        context.close()


@pytest.fixture
def screenshot():
    ARTIFACTS.mkdir(exist_ok=True)

    def _shot(page, name: str) -> Path:
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return _shot
