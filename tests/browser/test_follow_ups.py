"""The asker receives the "is it solved?" follow-up and marks an answer with one click,
without signing in; three me-too people confirm, and the thread shows "fixed for 3 of 3"."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from follows import follow_ups
from qa.models import Answer, Thread
from qa.services import thread_me_too_toggle
from tests.brands.factories import BrandFactory
from tests.community.factories import UserFactory
from tests.qa.factories import AnswerFactory, ThreadFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def _link(person) -> str:
    message = next(m for m in mail.outbox if m.to == [person.email])
    return "/" + re.findall(r"https?://\S+?/(solved/\S+/)", message.body)[0]


def test_the_asker_accepts_by_one_click_and_three_confirm(new_page, screenshot):
    brand = BrandFactory(name="Hoshino Camera", slug="hoshino")
    asker = UserFactory(username="hana", display_name="Hana")
    thread = ThreadFactory(brand=brand, author=asker, title="Lens cap stuck after firmware 2.1")
    helper = UserFactory(username="ken", display_name="Ken")
    answer = AnswerFactory(thread=thread, author=helper, body="Hold the reset key for ten seconds.")
    pressers = [UserFactory(username=f"had{n}", display_name=f"Had {n}") for n in range(3)]
    for person in pressers:
        thread_me_too_toggle(user=person, thread=thread)
    Answer.objects.filter(thread=thread).update(created_at=timezone.now() - timedelta(days=4))
    mail.outbox.clear()

    assert follow_ups.follow_ups_send() == 4

    page = new_page()  # nobody signed in: the link stands for the asker
    page.goto(_link(asker))
    page.get_by_role("heading", name="Is it solved?").wait_for()
    assert "The answer by Ken solved it." in page.locator("main").inner_text()
    assert Thread.objects.get(pk=thread.pk).accepted_answer_id is None  # a GET changes nothing
    screenshot(page, "follow-up-asker-confirm")
    page.get_by_role("button", name="Yes, that's right").click()
    page.get_by_role("heading", name="Thank you").wait_for()
    assert Thread.objects.get(pk=thread.pk).accepted_answer_id == answer.pk

    for person in pressers:
        other = new_page()
        other.goto(_link(person))
        assert "fixed it for me too" in other.locator("main").inner_text()
        other.get_by_role("button", name="Yes, that's right").click()
        other.get_by_role("heading", name="Thank you").wait_for()

    page.goto(thread.get_absolute_url())
    fixed = page.locator(".fixed-for")
    assert fixed.inner_text() == "Fixed for 3 of 3 who had this"
    screenshot(page, "follow-up-fixed-for-3-of-3")

    page.goto(_link(asker))  # used: says so, changes nothing
    assert "already used" in page.locator("main").inner_text()
