"""The reports page in a real browser, as a brand admin reads it in English and in Japanese:
the per-channel table, deflection and a cross-tab chart of status by channel; a rep asks
Engineering about a thread from the thread page. Screenshots go to test-artifacts/."""

from datetime import timedelta

import pytest
from django.utils import timezone

from brands import services as brand_services
from brands.models import Brand, DepartmentRequest, Membership
from qa import services as qa_services
from qa.models import Thread
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


def test_an_admin_reads_the_reports_and_a_rep_asks_engineering(new_page, screenshot):
    brand = BrandFactory(
        name="Hoshino Camera",
        slug="hoshino",
        domain="hoshino-camera.example",
        status=Brand.Status.OFFICIAL,
        official_since=timezone.now() - timedelta(days=60),
    )
    z5 = ProductFactory(brand=brand, name="Z5", slug="z5")
    admin = UserFactory(username="takeshi", display_name="Takeshi")
    rep = UserFactory(username="yuki", display_name="Yuki")
    engineer = UserFactory(username="kenji", display_name="Kenji")
    Membership.objects.create(brand=brand, user=admin, role=Membership.Role.ADMIN)
    Membership.objects.create(brand=brand, user=rep, role=Membership.Role.REP)
    engineering = Membership.objects.create(
        brand=brand, user=engineer, role=Membership.Role.PRODUCT
    )
    brand_services.membership_department_set(
        actor=admin, membership=engineering, label="Engineering"
    )
    customers = [UserFactory(username=f"customer{n}") for n in range(4)]
    for n, channel in enumerate(["web", "web", "api", "line", "email", "web"]):
        thread = ThreadFactory(
            brand=brand,
            author=customers[n % 4],
            product=z5 if n % 2 else None,
            channel=channel,
            type=["question", "problem"][n % 2],
            title=f"Z5 のバッテリー {n}",
        )
        if n % 3 == 0:
            answer = qa_services.answer_create(author=rep, thread=thread, body="Try 2.2.")
            qa_services.answer_accept(actor=thread.author, answer=answer)
        Thread.objects.filter(pk=thread.pk).update(view_count=100 * (n + 1))

    page = new_page()
    _log_in(page, "takeshi")
    page.goto("/b/hoshino/reports/?row=status&column=channel")
    assert page.locator("#by_channel").is_visible()
    assert page.locator("#crosstab svg[role=img]").count() == 1
    assert page.locator("#deflection").is_visible()
    screenshot(page, "brand-reports-en")

    japanese = new_page(locale="ja-JP")
    _log_in(japanese, "takeshi")
    japanese.goto("/b/hoshino/reports/?row=status&column=channel")
    assert japanese.locator("html").get_attribute("lang") == "ja"
    assert japanese.locator("#crosstab svg[role=img]").count() == 1
    screenshot(japanese, "brand-reports-ja")

    asking = new_page()
    _log_in(asking, "yuki")
    thread = Thread.objects.filter(brand=brand).order_by("pk").first()
    asking.goto(thread.get_absolute_url())
    form = asking.locator(".department-request-form")
    form.locator("select[name=department]").select_option(label="Engineering")
    form.locator("input[name=due_on]").fill((timezone.localdate() + timedelta(days=2)).isoformat())
    form.locator("textarea[name=body]").fill("Is this the 2.1 battery table?")
    form.get_by_role("button", name="Send the request").click()
    asking.locator(".department-requests li").first.wait_for()
    assert "Is this the 2.1 battery table?" in asking.locator(".department-requests").inner_text()
    assert DepartmentRequest.objects.get().department.name == "Engineering"
