"""The product team in a real browser: a product member gathers two customers' threads
into a feedback item, ships it with a message, and the customer who raised it finds the
notification and the resolution on her thread."""

import re

import pytest

from brands.models import Brand, Membership
from community.models import Notification
from feedback.models import FeedbackItem
from qa import services as qa_services
from tests.brands.factories import BrandFactory, ProductFactory
from tests.community.factories import PASSWORD, UserFactory
from tests.qa.factories import ThreadFactory

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


def test_a_product_member_links_threads_ships_and_the_customer_hears(
    new_page, screenshot, live_server
):
    brand = BrandFactory(
        name="Hoshino Camera",
        slug="hoshino",
        domain="hoshino-camera.example",
        accent_colour="#9b1c31",
        status=Brand.Status.OFFICIAL,
    )
    z5 = ProductFactory(brand=brand, name="Z5", slug="z5")
    hana = UserFactory(username="hana", display_name="Hana Sato")
    ken = UserFactory(username="ken", display_name="Ken Ito")
    ren = UserFactory(username="ren", display_name="Ren (Hoshino product)")
    Membership.objects.create(brand=brand, user=ren, role=Membership.Role.PRODUCT)
    first = ThreadFactory(
        brand=brand,
        author=hana,
        product=z5,
        type="problem",
        title="Z5 battery drains overnight",
        body="Full in the evening, empty in the morning since 2.1.0.",
    )
    second = ThreadFactory(
        brand=brand,
        author=ken,
        product=z5,
        type="problem",
        title="Battery empty after a night in the bag",
    )
    qa_services.thread_me_too_toggle(
        user=UserFactory(), thread=second, version="2.1.0", platform="Z5 + grip"
    )

    team = new_page()
    _log_in(team, "ren")
    team.goto(f"/b/{brand.slug}/feedback/")
    team.get_by_role("link", name="New feedback item").click()
    team.fill("input[name=title]", "Battery drain since 2.1.0")
    team.get_by_role("button", name="Create item").click()
    team.wait_for_url(re.compile(r"/feedback/\d+/$"))

    # Two threads, one by number and one by its address, as a person pastes them.
    team.fill("#link-form [name=threads]", f"#{first.pk}, {live_server.url}/t/{second.pk}/")
    team.get_by_role("button", name="Link threads").click()
    team.wait_for_load_state()
    assert team.get_by_role("link", name="Z5 battery drains overnight").count() == 1
    assert team.get_by_role("link", name="Battery empty after a night in the bag").count() == 1
    # Two askers and one "me too", each once.
    assert team.locator("#people-affected").inner_text() == "3"

    team.select_option("select[name=status]", "shipped")
    team.fill("input[name=shipped_in]", "2.1.2")
    team.fill(
        "textarea[name=message]",
        "Firmware 2.1.2 turns Wi-Fi standby off. Thank you for telling us!",
    )
    team.get_by_role("button", name="Save status").click()
    team.wait_for_load_state()
    assert "Fixed in version 2.1.2" in team.locator(".feedback-public").inner_text()
    screenshot(team, "feedback-item-shipped")

    item = FeedbackItem.objects.get(brand=brand)
    assert (item.status, item.links.count()) == ("shipped", 2)

    # The customer who raised it: a fresh notification, with the team's message.
    customer = new_page()
    _log_in(customer, "hana")
    badge = customer.locator(".notifications-link .badge-count")
    assert badge.inner_text() == "1"
    customer.locator(".notifications-link").click()
    notice = customer.locator(".notification.is-unread")
    assert "Fixed in version 2.1.2" in notice.inner_text()
    assert "Thank you for telling us!" in notice.inner_text()
    screenshot(customer, "feedback-customer-notification")
    notice.locator("a").click()
    customer.wait_for_url(re.compile(rf"/t/{first.pk}/"))
    status = customer.locator("#feedback-status").inner_text()
    assert "Fixed in version 2.1.2" in status and "Thank you for telling us!" in status
    assert "Battery drain since 2.1.0" not in customer.content()  # the team's title stays inside
    assert Notification.objects.filter(kind="feedback_shipped").count() == 3
