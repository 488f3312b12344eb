"""A moderator verifies an answer; its author edits it; the verification is withdrawn and
the answer waits in the re-check queue."""

import pytest

from moderation.models import ModeratorAppointment, Verification
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


def test_verify_then_edit_withdraws_the_verification(new_page, screenshot):
    moderator = UserFactory(username="mod", display_name="Mo Derator")
    ModeratorAppointment.objects.create(user=moderator)
    thread = ThreadFactory(title="How do I reset the Z5 to factory settings?")
    answer = AnswerFactory(
        thread=thread,
        author=UserFactory(username="ken", display_name="Ken"),
        body="Hold MENU and the shutter for 10 seconds while switching on.",
    )

    mod = new_page()
    _log_in(mod, "mod")
    mod.goto(thread.get_absolute_url())
    mod.locator(f"#answer-{answer.pk}").get_by_role("link", name="Verify").click()
    mod.fill("textarea[name=note]", "Matches page 112 of the manual.")
    mod.fill("input[name=source_url]", "https://hoshino.example/manual#p112")
    mod.get_by_role("button", name="Verify").click()
    badge = mod.locator(f"#answer-{answer.pk} .badge-verified")
    badge.wait_for()
    assert "Verified accurate by Mo Derator" in badge.inner_text()
    screenshot(mod, "verification-verified")

    author = new_page()
    _log_in(author, "ken")
    author.goto(thread.get_absolute_url())
    assert author.locator(f"#answer-{answer.pk} .badge-verified").is_visible()
    author.locator(f"#answer-{answer.pk}").get_by_role("link", name="Edit").click()
    author.fill("textarea[name=body]", "Hold MENU and the shutter for 15 seconds instead.")
    author.get_by_role("button", name="Save changes").click()
    author.wait_for_url(f"**#answer-{answer.pk}")
    assert author.locator(f"#answer-{answer.pk} .badge-verified").count() == 0
    assert author.locator(".thread-badges .badge-verified").count() == 0

    mod.goto("/moderation/rechecks/")
    assert "15 seconds instead" in mod.locator(".queue-item").inner_text()
    screenshot(mod, "verification-recheck-queue")
    assert Verification.objects.get().status == Verification.Status.WITHDRAWN
