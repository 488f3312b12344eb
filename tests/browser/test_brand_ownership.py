"""A rep in a real browser: logs in, takes ownership of a customer's thread, answers it;
the thread shows "Official: <brand> is on it" and the answer carries the official badge."""

import re

import pytest

from brands.models import Brand, Membership, ThreadOwnership
from qa.models import Answer
from tests.brands.factories import BrandFactory, ProductFactory
from tests.community.factories import PASSWORD, UserFactory
from tests.qa.factories import AnswerFactory, ThreadFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def _log_in(page, username):
    page.goto("/accounts/login/")
    page.fill("input[name=login]", username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form[action='/accounts/login/'] button[type=submit]").click()
    page.wait_for_load_state()


def test_a_rep_takes_ownership_and_answers_officially(new_page, screenshot):
    brand = BrandFactory(
        name="Hoshino Camera",
        slug="hoshino",
        domain="hoshino-camera.example",
        accent_colour="#9b1c31",
        status=Brand.Status.OFFICIAL,
    )
    z5 = ProductFactory(brand=brand, name="Z5", slug="z5")
    asker = UserFactory(username="hana", display_name="Hana Sato")
    rep = UserFactory(username="yuki", display_name="Yuki (Hoshino support)")
    Membership.objects.create(brand=brand, user=rep, role=Membership.Role.REP)
    thread = ThreadFactory(
        brand=brand,
        author=asker,
        product=z5,
        title="Z5 firmware update fails with E-203",
        body="The update stops at 40% and shows **E-203**.",
    )
    AnswerFactory(thread=thread, body="Same here; a USB update worked for me.")

    page = new_page()
    _log_in(page, "yuki")
    assert page.locator(".team-link").inner_text() == "Hoshino Camera inbox"

    # The inbox lists the customer's thread as unowned; the rep opens it and takes it.
    page.locator(".team-link").click()
    page.get_by_role("link", name="Z5 firmware update fails with E-203").click()
    page.wait_for_url(re.compile(r"/t/\d+/"))
    page.get_by_role("button", name="Take ownership").click()
    page.locator("#ownership").wait_for()
    assert "Official: Hoshino Camera is on it" in page.locator("#ownership").inner_text()
    assert "Yuki (Hoshino support)" in page.locator("#ownership").inner_text()

    # The rep answers; the answer carries the official badge with the brand's name.
    page.fill(
        "textarea[name=body]", "Please update over USB with the 2.1.1 updater; it fixes E-203."
    )
    page.get_by_role("button", name="Post your answer").click()
    page.wait_for_url(re.compile(r"#answer-\d+$"))
    official = page.locator(".answer", has_text="2.1.1 updater")
    assert official.locator(".badge-official").inner_text() == "Official answer · Hoshino Camera"
    screenshot(page, "brand-ownership-official-answer")

    assert ThreadOwnership.objects.get(thread=thread).owner == rep
    assert Answer.objects.get(author=rep).is_official

    # The customer sees the same, without any of the team's tools.
    customer = new_page()
    _log_in(customer, "hana")
    customer.goto(thread.get_absolute_url())
    assert "Official: Hoshino Camera is on it" in customer.locator("#ownership").inner_text()
    assert customer.locator(".brand-tools").count() == 0
    assert customer.locator(".answer .badge-official").count() == 1
