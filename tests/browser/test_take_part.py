"""An anonymous reader presses Me too, signs in, confirms once, and is back on the thread
with their me too counted."""

import re

import pytest

from qa.models import MeToo
from tests.brands.factories import BrandFactory
from tests.community.factories import PASSWORD, UserFactory
from tests.qa.factories import ThreadFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def test_me_too_pressed_before_signing_in_is_applied_once_after(new_page, screenshot):
    brand = BrandFactory(name="Hoshino Camera", slug="hoshino")
    thread = ThreadFactory(brand=brand, title="Lens cap stuck after firmware 2.1")
    reader = UserFactory(username="yui", display_name="Yui")

    page = new_page()
    page.goto(thread.get_absolute_url())
    page.locator("#me-too").get_by_role("link", name="Me too").click()
    page.wait_for_url(re.compile(r"/accounts/login/"))
    page.fill("input[name=login]", reader.username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form[action^='/accounts/login/'] button[type=submit]").click()

    page.get_by_role("heading", name="Do you have this too?").wait_for()
    assert not MeToo.objects.exists()  # signing in changed nothing by itself
    screenshot(page, "take-part-confirm-me-too")
    page.get_by_role("button", name="Yes, me too").click()

    page.wait_for_url(re.compile(rf"/t/{thread.pk}/[^#]*#me-too$"))
    button = page.locator("#me-too").get_by_role("button", name=re.compile("Me too"))
    assert button.get_attribute("aria-pressed") == "true"
    assert "1" in page.locator(".me-too-count").inner_text()
    screenshot(page, "take-part-me-too-applied")
    assert list(MeToo.objects.values_list("user__username", flat=True)) == ["yui"]

    page.go_back()  # the confirmation again: it says so, and changes nothing
    page.reload()
    assert "You already said you have this too." in page.locator("main").inner_text()
    assert MeToo.objects.count() == 1
