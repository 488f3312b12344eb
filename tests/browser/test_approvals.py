"""Approval before an official answer, in a real browser: a rep in training drafts an
official answer (starting from a canned reply), the approver asks for a change, the rep
revises, the approver approves, and the customer sees the official badge with the
approval time."""

import re

import pytest
from django.utils import formats, timezone

from brands.models import AnswerApproval, Brand, CannedReply, Membership
from qa.models import Answer
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


def test_a_trainees_answer_is_approved_after_a_change_and_the_customer_sees_it(
    new_page, screenshot
):
    brand = BrandFactory(
        name="Hoshino Camera",
        slug="hoshino",
        status=Brand.Status.OFFICIAL,
        domain="hoshino.example",
    )
    z5 = ProductFactory(brand=brand, name="Z5", slug="z5")
    asker = UserFactory(username="hana", display_name="Hana Sato")
    trainee = UserFactory(username="mio", display_name="Mio (new at Hoshino)")
    approver = UserFactory(username="sora", display_name="Sora Ito")
    Membership.objects.create(brand=brand, user=trainee, role="rep", in_training=True)
    Membership.objects.create(brand=brand, user=approver, role="rep", is_approver=True)
    CannedReply.objects.create(
        brand=brand,
        title="Firmware update",
        language="en",
        body="Hello {customer_name}, thank you for reporting this about the {product}.",
    )
    thread = ThreadFactory(
        brand=brand,
        author=asker,
        product=z5,
        title="Z5 shows E-12 after the update",
        body="Since the update the lens shows **E-12**.",
    )

    # The trainee starts from the canned reply, edits it, and posts: a draft, not an answer.
    rep = new_page()
    _log_in(rep, "mio")
    rep.goto(thread.get_absolute_url())
    rep.locator(".canned-picker summary", has_text="Firmware update").click()
    rep.get_by_role("button", name="Insert into answer").click()
    answer_box = rep.locator("#answer-form textarea[name=body]")
    assert "Hello Hana Sato, thank you for reporting this about the Z5." in answer_box.input_value()
    answer_box.press("End")
    answer_box.type(" Please update to firmware 2.1.")
    rep.get_by_role("button", name="Post your answer").click()
    rep.wait_for_url(re.compile(r"/b/hoshino/approvals/\d+/$"))
    assert "waits for an approver" in rep.locator("body").inner_text()
    draft_url = rep.url
    assert not Answer.objects.exists()
    assert CannedReply.objects.get().use_count == 1

    # The customer sees nothing yet.
    customer = new_page()
    _log_in(customer, "hana")
    customer.goto(thread.get_absolute_url())
    assert "firmware 2.1" not in customer.locator("#answers").inner_text()

    # The approver finds it in the queue and asks for a change.
    boss = new_page()
    _log_in(boss, "sora")
    boss.goto("/b/hoshino/approvals/")
    boss.get_by_role("link", name="Z5 shows E-12 after the update").click()
    boss.fill("textarea[name=comment]", "Say how to check the firmware version first.")
    boss.get_by_role("button", name="Ask for changes").click()
    boss.wait_for_url(re.compile(r"/b/hoshino/approvals/$"))

    # The rep reads the comment, revises, and sends it again.
    rep.goto(draft_url)
    assert (
        "Say how to check the firmware version first." in rep.locator("#draft-comment").inner_text()
    )
    revise = rep.locator("form[action$='/revise/'] textarea[name=body]")
    revise.fill(
        "Hello Hana Sato, thank you for reporting this about the Z5. Check Menu > Setup > "
        "Firmware; if it says 2.0, please update to firmware 2.1."
    )
    rep.get_by_role("button", name="Send for approval").click()
    rep.wait_for_load_state()
    assert rep.locator("#draft-status").inner_text() == "Waiting for approval"

    # The approver approves it; the answer is published.
    boss.goto(draft_url)
    boss.get_by_role("button", name="Approve and publish").click()
    boss.wait_for_url(re.compile(r"#answer-\d+$"))
    answer = Answer.objects.get()
    approval = AnswerApproval.objects.get(answer=answer)
    assert answer.author == trainee and approval.approved_by == approver

    # The customer sees the official badge with who approved it and when.
    customer.goto(thread.get_absolute_url())
    published = customer.locator(".answer", has_text="Menu > Setup > Firmware")
    assert published.locator(".badge-official").inner_text() == "Official answer · Hoshino Camera"
    when = formats.date_format(timezone.localtime(approval.approved_at), "DATETIME_FORMAT")
    assert published.locator(".badge-approved").inner_text() == f"Approved by Sora Ito · {when}"
    screenshot(customer, "approvals-approved-official-answer")
