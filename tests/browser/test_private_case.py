"""A rep in a real browser turns a customer's public thread into a private case; the customer
adds their order number privately; the rep solves it and proposes a public summary; the
customer approves it, and the thread shows it as the brand's official answer. Nobody else
ever sees the order number."""

import re

import pytest

from brands.models import Brand, Membership
from cases.models import Case
from tests.brands.factories import BrandFactory, ProductFactory
from tests.community.factories import PASSWORD, UserFactory
from tests.qa.factories import ThreadFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

ORDER = "HC-4411-2287"


def _log_in(page, username):
    page.goto("/accounts/login/")
    page.fill("input[name=login]", username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form[action='/accounts/login/'] button[type=submit]").click()
    page.wait_for_load_state()


def test_a_rep_escalates_and_the_customer_approves_the_summary(new_page, screenshot):
    brand = BrandFactory(
        name="Hoshino Camera",
        slug="hoshino",
        domain="hoshino-camera.example",
        status=Brand.Status.OFFICIAL,
    )
    z5 = ProductFactory(brand=brand, name="Z5", slug="z5")
    UserFactory(username="hana", display_name="Hana Sato")
    rep = UserFactory(username="yuki", display_name="Yuki (Hoshino support)")
    Membership.objects.create(brand=brand, user=rep, role=Membership.Role.REP)
    thread = ThreadFactory(
        brand=brand,
        author=type(rep).objects.get(username="hana"),
        product=z5,
        title="My Z5 arrived with a cracked lens cap",
        body="The box was fine but the cap is cracked.",
    )

    # The rep continues the thread privately, asking for the order number.
    rep_page = new_page()
    _log_in(rep_page, "yuki")
    rep_page.goto(thread.get_absolute_url())
    rep_page.fill("#case-body", "Sorry about that! Could you send us your order number here?")
    rep_page.get_by_role("button", name="Continue privately").click()
    rep_page.wait_for_url(re.compile(r"/cases/\d+/$"))
    case = Case.objects.get()
    assert "Private case: My Z5 arrived with a cracked lens cap" in rep_page.content()

    # The customer finds it from their notifications and adds the order number privately.
    customer = new_page()
    _log_in(customer, "hana")
    customer.goto("/notifications/")
    customer.get_by_role("link", name=re.compile("continued your thread privately")).click()
    customer.wait_for_url(re.compile(rf"/cases/{case.pk}/$"))
    customer.fill("textarea[name=body]", f"Of course: order {ORDER}.")
    customer.get_by_role("button", name="Send privately").click()
    customer.wait_for_url(re.compile(r"#latest$"))
    assert ORDER in customer.locator(".case-messages").inner_text()

    # The public thread says only that it continued privately.
    visitor = new_page()
    visitor.goto(thread.get_absolute_url())
    marker = visitor.locator(".case-marker").inner_text()
    assert "Continued privately with Hoshino Camera on" in marker
    assert ORDER not in visitor.content()

    # The rep reads the order number, solves the case and proposes a public summary.
    rep_page.goto(case.get_absolute_url())
    assert ORDER in rep_page.locator(".case-messages").inner_text()
    rep_page.get_by_role("button", name="Close the case").click()
    rep_page.wait_for_load_state()
    rep_page.fill(
        ".case-summary textarea[name=body]",
        "We sent a replacement lens cap; damaged caps are replaced free of charge.",
    )
    rep_page.get_by_role("button", name="Ask the customer to approve").click()
    rep_page.locator(".summary-proposed").wait_for()
    screenshot(rep_page, "private-case-summary-proposed")

    # The customer approves; the summary is the brand's official answer in the thread.
    customer.goto(case.get_absolute_url())
    assert "replacement lens cap" in customer.locator(".summary-proposed").inner_text()
    customer.get_by_role("button", name="Approve and publish").click()
    customer.wait_for_url(re.compile(r"#answer-\d+$"))
    official = customer.locator(".answer", has_text="replacement lens cap")
    assert official.locator(".badge-official").inner_text() == "Official answer · Hoshino Camera"
    screenshot(customer, "private-case-summary-published")

    visitor.goto(thread.get_absolute_url())
    assert (
        "Resolved privately with Hoshino Camera on" in visitor.locator(".case-marker").inner_text()
    )
    assert "replacement lens cap" in visitor.locator("#answers").inner_text()
    assert ORDER not in visitor.content()
    assert "Could you send us your order number" not in visitor.content()
