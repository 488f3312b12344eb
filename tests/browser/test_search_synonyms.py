"""A brand admin's synonym in a real browser: the admin adds a product's nickname on the
brand's settings, and a customer's search by the nickname then finds the thread."""

import pytest

from brands.models import Brand, Membership
from search import services as search_services
from tests.brands.factories import BrandFactory, MembershipFactory
from tests.community.factories import PASSWORD, UserFactory
from tests.qa.factories import ThreadFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _log_in(page, username):
    page.goto("/accounts/login/")
    page.fill("input[name=login]", username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form[action='/accounts/login/'] button[type=submit]").click()
    page.wait_for_load_state()


def test_a_brand_admins_synonym_lets_a_customer_find_the_thread(new_page, screenshot):
    brand = BrandFactory(name="Hoshino Camera", slug="hoshino", status=Brand.Status.OFFICIAL)
    admin = UserFactory(username="aya")
    MembershipFactory(brand=brand, user=admin, role=Membership.Role.ADMIN)
    ThreadFactory(brand=brand, title="X5の電源が入らない", body="ボタンを押しても反応しません。")
    search_services.outbox_process()

    customer = new_page()
    customer.goto("/search/?q=エックスファイブ&brand=hoshino")
    assert customer.locator("main").get_by_text("X5の電源が入らない").count() == 0

    page = new_page()
    _log_in(page, "aya")
    page.goto("/b/hoshino/settings/synonyms/")
    page.fill("input[name=words]", "X5, エックスファイブ")
    page.get_by_role("button", name="Add these synonyms").click()
    page.wait_for_load_state()
    assert page.locator(".queue-item span", has_text="X5, エックスファイブ").count() == 1
    screenshot(page, "search-synonyms-settings")

    customer.goto("/search/?q=エックスファイブ&brand=hoshino")
    assert customer.locator("main").get_by_text("X5の電源が入らない").count() == 1
    screenshot(customer, "search-synonyms-found")
