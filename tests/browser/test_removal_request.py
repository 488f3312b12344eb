"""A visitor without an account asks for a post's removal; a neutral moderator decides it
in the removal request queue; the visitor has the decision and its reasons by e-mail."""

import pytest
from django.core import mail

from legal.models import RemovalRequest
from moderation.models import ModeratorAppointment
from qa.models import Visibility
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


def test_a_visitor_files_a_removal_request_and_a_moderator_decides_it(
    new_page, live_server, screenshot
):
    moderator = UserFactory(username="mod", display_name="Mo Derator")
    ModeratorAppointment.objects.create(user=moderator)
    thread = ThreadFactory(title="Which shop repairs the Z5 lens?")
    answer = AnswerFactory(
        thread=thread,
        author=UserFactory(username="ken", display_name="Ken"),
        body="Sato Ichiro at 3-2-1 Nakano fixed mine, call him on 090-1234-5678.",
    )

    visitor = new_page()
    visitor.goto("/removal-request/")
    visitor.fill("input[name=name]", "Sato Ichiro")
    visitor.fill("input[name=email]", "sato@example.jp")
    visitor.fill("input[name=post_url]", f"{live_server.url}{answer.get_absolute_url()}")
    visitor.get_by_label("Privacy (my personal information is exposed)").check()
    visitor.fill("textarea[name=explanation]", "It gives my home address and phone number.")
    screenshot(visitor, "removal-request-form")
    visitor.get_by_role("button", name="Send the request").click()
    visitor.wait_for_url("**/removal-request/sent/")
    request = RemovalRequest.objects.get()
    assert f"request number {request.pk}" in visitor.locator("main").inner_text()
    assert any(m.to == ["sato@example.jp"] and "received" in m.subject for m in mail.outbox)

    mod = new_page()
    _log_in(mod, "mod")
    mod.goto("/moderation/removal-requests/")
    mod.get_by_role("link", name="Review and decide").click()
    assert "It gives my home address" in mod.locator("main").inner_text()
    mod.get_by_label("Remove the post").check()
    mod.fill("textarea[name=reason]", "Personal address and phone number of a private person.")
    screenshot(mod, "removal-request-decide")
    mod.get_by_role("button", name="Decide and tell the requester").click()
    mod.wait_for_url("**/moderation/removal-requests/")
    assert "No removal requests waiting." in mod.locator("main").inner_text()

    answer.refresh_from_db()
    assert answer.visibility == Visibility.DELETED
    [decision] = [m for m in mail.outbox if m.to == ["sato@example.jp"] and "Removed" in m.subject]
    assert "The post was removed." in decision.body
    assert "Personal address and phone number of a private person." in decision.body

    visitor.goto(thread.get_absolute_url())
    assert "090-1234-5678" not in visitor.content()
