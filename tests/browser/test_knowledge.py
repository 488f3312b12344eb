"""A brand editor turns a solved, verified thread into a knowledge article in one step."""

from datetime import timedelta

import pytest
from django.utils import timezone

from brands.models import Membership, ProductVersion
from knowledge.models import ThreadArticle
from moderation import services as moderation
from moderation.models import ModeratorAppointment
from qa import services as qa
from tests.brands.factories import BrandFactory, ProductFactory
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


def test_a_brand_editor_turns_the_thread_into_an_article(new_page, screenshot):
    brand = BrandFactory(name="Hoshino Camera", slug="hoshino")
    z5 = ProductFactory(brand=brand, name="Z5", slug="z5")
    release = ProductVersion.objects.create(
        product=z5, name="2.1", released_at=timezone.now() - timedelta(days=20)
    )
    editor = UserFactory(username="eri", display_name="Eri")
    Membership.objects.create(brand=brand, user=editor, role=Membership.Role.ADMIN)
    asker = UserFactory(username="hana", display_name="Hana")
    thread = ThreadFactory(
        brand=brand,
        product=z5,
        version=release,
        author=asker,
        title="Lens error E12 after firmware 2.1",
        body="The lens shows E12 and will not extend after the update.",
    )
    answer = AnswerFactory(
        thread=thread,
        author=UserFactory(username="ken", display_name="Ken"),
        body="Hold the power button for ten seconds, then reinstall firmware 2.1.1.",
    )
    qa.answer_accept(actor=asker, answer=answer)
    mod = UserFactory(username="mod")
    ModeratorAppointment.objects.create(user=mod)
    moderation.answer_verify(moderator=mod, answer=answer)

    page = new_page()
    _log_in(page, "eri")
    page.goto(thread.get_absolute_url())
    page.get_by_role("button", name="Make and publish").click()
    page.wait_for_url("**/articles/**")
    assert page.locator("h1").inner_text() == "Lens error E12 after firmware 2.1"
    source = page.locator("#article-source")
    assert "Hana" in source.inner_text() and "Ken" in source.inner_text()
    assert "Z5 2.1" in source.inner_text()
    assert "ten seconds" in page.locator(".rich-text").inner_text()
    screenshot(page, "knowledge-article-from-thread")

    page.get_by_role("link", name="Read the community thread this came from").click()
    page.wait_for_url(f"**/t/{thread.pk}/**")
    assert "Lens error E12" in page.locator("#knowledge-article").inner_text()
    assert page.locator("[data-knowledge-make]").count() == 0
    screenshot(page, "knowledge-thread-links-article")
    assert ThreadArticle.objects.get().article.live
