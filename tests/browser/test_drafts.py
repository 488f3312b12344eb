"""What a person typed survives: a failed CSRF check and an ended session give the text back
in the form, with a notice, and a saved post leaves no draft behind."""

import re

import pytest
from django.conf import settings

from qa.models import Answer, Thread
from tests.brands.factories import BrandFactory
from tests.community.factories import PASSWORD, UserFactory
from tests.qa.factories import ThreadFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

NOTICE = "We restored text you had not sent."
DRAFT_KEYS = "() => Object.keys(localStorage).filter((key) => key.startsWith('sodan:draft:'))"


def _sign_in(page, user, path: str = "/accounts/login/") -> None:
    page.goto(path)
    page.fill("input[name=login]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form[action^='/accounts/login/'] button[type=submit]").click()
    page.wait_for_load_state()


def test_answer_survives_a_failed_csrf_check_and_is_forgotten_once_posted(new_page, screenshot):
    brand = BrandFactory(name="Hoshino Camera", slug="hoshino")
    thread = ThreadFactory(brand=brand, title="Lens cap stuck after firmware 2.1")
    helper = UserFactory(username="ken", display_name="Ken Ito")
    text = "Hold the shutter button while switching on; the lens resets."

    page = new_page()
    _sign_in(page, helper)
    page.goto(thread.get_absolute_url())
    page.fill("textarea[name=body]", text)
    # The page stayed open too long, or the browser dropped Sodan's cookies meanwhile.
    page.context.clear_cookies(name=settings.CSRF_COOKIE_NAME)
    with page.expect_response(re.compile(r"/-/answer/$")) as posted:
        page.get_by_role("button", name="Post your answer").click()
    assert posted.value.status == 403
    page.get_by_role("heading", name="Your post was not sent").wait_for()
    assert "kept in this browser" in page.locator("main").inner_text()
    screenshot(page, "drafts-csrf-failure")
    assert not Answer.objects.exists()

    # The way back leads to the thread, where the text is in the form again.
    page.get_by_role("link", name="Back to the page you were on").click()
    page.wait_for_url(re.compile(rf"/t/{thread.pk}/"))
    page.locator(".draft-notice").wait_for()
    assert NOTICE in page.locator(".draft-notice").inner_text()
    assert page.locator("textarea[name=body]").input_value() == text
    screenshot(page, "drafts-restored-answer")

    page.get_by_role("button", name="Post your answer").click()
    page.wait_for_url(re.compile(r"#answer-\d+$"))
    assert Answer.objects.get().body == text
    page.wait_for_function(f"() => ({DRAFT_KEYS})().length === 0")

    page.reload()
    assert page.locator("textarea[name=body]").input_value() == ""
    assert page.locator(".draft-notice").count() == 0
    assert page.evaluate(DRAFT_KEYS) == []
    assert not [c for c in page.context.cookies() if c["name"] == "sodan_drafts_saved"]


def test_question_survives_an_ended_session_and_signing_in_again(new_page):
    BrandFactory(name="Hoshino Camera", slug="hoshino")
    asker = UserFactory(username="aiko", display_name="Aiko")
    title = "Z5 shows E-12 after the 2.1 update"
    body = "Since firmware 2.1 the camera shows E-12 at start-up, with every lens."

    page = new_page()
    _sign_in(page, asker)
    page.goto("/b/hoshino/ask/")
    page.get_by_label("Problem").check()
    page.fill("input[name=title]", title)
    page.fill("textarea[name=body]", body)
    # The session ends while they write.
    page.context.clear_cookies(name=settings.SESSION_COOKIE_NAME)
    page.get_by_role("button", name="Post", exact=True).click()
    page.wait_for_url(re.compile(r"/accounts/login/"))
    assert not Thread.objects.filter(title=title).exists()

    # Signing in brings them back to the form, filled in again.
    page.fill("input[name=login]", asker.username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form[action^='/accounts/login/'] button[type=submit]").click()
    page.wait_for_url(re.compile(r"/b/hoshino/ask/$"))
    page.locator(".draft-notice").wait_for()
    assert NOTICE in page.locator(".draft-notice").inner_text()
    assert page.locator("input[name=title]").input_value() == title
    assert page.locator("textarea[name=body]").input_value() == body
    assert page.get_by_label("Problem").is_checked()

    page.get_by_role("button", name="Post", exact=True).click()
    page.wait_for_url(re.compile(r"/t/\d+/"))
    assert Thread.objects.get(title=title).type == Thread.Type.PROBLEM
    page.wait_for_function(f"() => ({DRAFT_KEYS})().length === 0")

    page.goto("/b/hoshino/ask/")
    assert page.locator("input[name=title]").input_value() == ""
    assert page.locator(".draft-notice").count() == 0


def test_a_restored_draft_can_be_discarded(new_page):
    brand = BrandFactory(name="Hoshino Camera", slug="hoshino")
    thread = ThreadFactory(brand=brand, title="Lens cap stuck after firmware 2.1")
    page = new_page()
    _sign_in(page, UserFactory(username="ken"))
    page.goto(thread.get_absolute_url())
    page.fill("textarea[name=body]", "Half a thought")
    page.wait_for_function(f"() => ({DRAFT_KEYS})().length === 1")

    page.goto(thread.get_absolute_url())  # a tab opened again later
    page.locator(".draft-notice").wait_for()
    page.get_by_role("button", name="Discard it").click()
    assert page.locator("textarea[name=body]").input_value() == ""
    assert page.locator(".draft-notice").count() == 0
    assert page.evaluate(DRAFT_KEYS) == []
