"""The foundation's journey in a real browser: sign up, verify by the e-mailed link, ask;
a second person answers; the asker votes it helpful and accepts it; the thread is solved."""

import re

import pytest
from django.core import mail

from qa.models import Thread
from tests.brands.factories import BrandFactory, ProductFactory
from tests.community.factories import PASSWORD, UserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def _confirmation_path(body: str) -> str:
    match = re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+)", body)
    assert match, body
    return match.group(1)


def test_sign_up_ask_answer_vote_accept(new_page, screenshot):
    brand = BrandFactory(name="Hoshino Camera", slug="hoshino", accent_colour="#9a3412")
    ProductFactory(brand=brand, name="Z5 mirrorless", slug="z5")
    helper = UserFactory(username="ken", display_name="Ken Ito")
    mail.outbox.clear()

    # A newcomer signs up and verifies their address from the e-mail.
    asker = new_page()
    asker.goto("/accounts/signup/")
    asker.fill("input[name=email]", "aiko@customers.example")
    asker.fill("input[name=username]", "aiko")
    asker.fill("input[name=password1]", "a-long-unusual-passphrase")
    asker.fill("input[name=password2]", "a-long-unusual-passphrase")
    asker.locator("form[action='/accounts/signup/'] button[type=submit]").click()
    asker.wait_for_url("**/accounts/confirm-email/")
    assert len(mail.outbox) == 1
    asker.goto(_confirmation_path(mail.outbox[0].body))
    asker.locator("main form button[type=submit]").click()
    asker.wait_for_load_state()

    # Verified and logged in, they ask the Hoshino community.
    asker.goto("/b/hoshino/")
    asker.get_by_role("link", name="Ask the community").click()
    asker.get_by_label("Problem").check()
    asker.select_option("select[name=product]", label="Z5 mirrorless")
    asker.fill("input[name=title]", "Z5 shows E-12 after the 2.1 update")
    asker.fill("textarea[name=body]", "Since **firmware 2.1** the camera shows `E-12` at start-up.")
    asker.get_by_role("button", name="Post").click()
    asker.wait_for_url(re.compile(r"/t/\d+/"))
    assert asker.locator("h1").inner_text() == "Z5 shows E-12 after the 2.1 update"
    assert asker.locator(".question .post-body strong").inner_text() == "firmware 2.1"
    thread_url = asker.url

    # A second person logs in and answers.
    other = new_page()
    other.goto("/accounts/login/")
    other.fill("input[name=login]", helper.username)
    other.fill("input[name=password]", PASSWORD)
    other.locator("form[action='/accounts/login/'] button[type=submit]").click()
    other.wait_for_load_state()
    other.goto(thread_url)
    other.fill("textarea[name=body]", "Remove the battery for 30 seconds, then update to 2.1.1.")
    other.get_by_role("button", name="Post your answer").click()
    other.wait_for_url(re.compile(r"#answer-\d+$"))
    assert other.locator(".answer .post-body").inner_text().startswith("Remove the battery")

    # The asker was notified, votes the answer helpful in place, and accepts it.
    asker.goto(thread_url)
    assert asker.locator(".notifications-link .badge-count").inner_text() == "1"
    asker.get_by_role("button", name="Helpful").click()
    asker.locator(".vote-button[aria-pressed=true]").wait_for()
    assert "1 found this helpful" in asker.locator(".helpful-count").inner_text()
    asker.get_by_role("button", name="Accept this answer").click()
    asker.locator(".thread-badges .badge-solved").wait_for()
    assert asker.locator(".answer.is-accepted .badge-solved").inner_text() == "Accepted answer"
    screenshot(asker, "journey-solved-thread")

    thread = Thread.objects.get()
    assert thread.status == Thread.Status.SOLVED
    assert thread.accepted_answer.author == helper

    # Anyone can now see it solved, even without JavaScript's help.
    visitor = new_page()
    visitor.goto("/b/hoshino/?status=solved")
    assert visitor.get_by_role("link", name="Z5 shows E-12 after the 2.1 update").is_visible()
