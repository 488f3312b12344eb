"""A brand's own moderator edits its customers' posts, not what the brand's team wrote
(DOMAIN.md: brand mod "✔ (not own brand's staff posts)"); global moderators and staff
edit both. The edit link, the edit pages and the services say the same."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from moderation.models import ModeratorAppointment
from qa import services
from qa.models import Answer, Thread
from tests.brands.factories import MembershipFactory
from tests.community.factories import UserFactory
from tests.qa.factories import AnswerFactory, ThreadFactory

pytestmark = pytest.mark.django_db

REFUSAL = "was written by Hoshino Camera&#x27;s team"


@pytest.fixture
def brand_moderator(brand):
    user = UserFactory(username="brandmod")
    ModeratorAppointment.objects.create(user=user, brand=brand)
    return user


@pytest.fixture
def global_moderator(db):
    user = UserFactory(username="globalmod")
    ModeratorAppointment.objects.create(user=user)
    return user


@pytest.fixture
def rep(brand):
    return MembershipFactory(brand=brand, role="rep").user


@pytest.fixture
def official_answer(thread, rep) -> Answer:
    answer = AnswerFactory(thread=thread, author=rep, body="Firmware 2.2 fixes this.")
    assert answer.is_official
    return answer


def _edit_answer(client, answer, body="Edited by a moderator"):
    return client.post(
        reverse("qa:answer_edit", args=[answer.pk]), {"body": body, "reason": "Tidy up"}
    )


def test_a_brand_moderator_cannot_edit_a_reps_answer(login, brand_moderator, official_answer):
    client = login(brand_moderator)
    assert client.get(reverse("qa:answer_edit", args=[official_answer.pk])).status_code == 403
    response = _edit_answer(client, official_answer)
    assert response.status_code == 403
    assert REFUSAL in response.content.decode()
    assert Answer.objects.get(pk=official_answer.pk).body == "Firmware 2.2 fixes this."


def test_nor_a_product_members_answer_or_a_reps_thread(login, brand, thread, brand_moderator):
    product_member = MembershipFactory(brand=brand, role="product").user
    answer = AnswerFactory(thread=thread, author=product_member, body="We are on it.")
    assert not answer.is_official
    client = login(brand_moderator)
    assert _edit_answer(client, answer).status_code == 403
    rep_thread = ThreadFactory(brand=brand, author=MembershipFactory(brand=brand).user)
    response = client.post(
        reverse("qa:thread_edit", args=[rep_thread.pk]),
        {"title": "Edited title", "body": "Edited", "reason": "Tidy up"},
    )
    assert response.status_code == 403
    assert REFUSAL in response.content.decode()
    assert Thread.objects.get(pk=rep_thread.pk).title == rep_thread.title


def test_the_service_refuses_too(brand_moderator, official_answer):
    with pytest.raises(PermissionDenied, match="only global moderators and staff"):
        services.answer_edit(
            actor=brand_moderator, answer=official_answer, body="Changed", reason="Tidy up"
        )


def test_a_brand_moderator_still_edits_a_customers_answer(login, brand_moderator, answer):
    response = _edit_answer(login(brand_moderator), answer)
    assert response.status_code == 302
    assert Answer.objects.get(pk=answer.pk).body == "Edited by a moderator"


@pytest.mark.parametrize("who", ["global moderator", "staff"])
def test_global_moderators_and_staff_edit_the_brands_posts(login, official_answer, who):
    editor = UserFactory(is_staff=who == "staff")
    if who == "global moderator":
        ModeratorAppointment.objects.create(user=editor)
    assert _edit_answer(login(editor), official_answer).status_code == 302
    assert Answer.objects.get(pk=official_answer.pk).body == "Edited by a moderator"


def test_the_thread_page_offers_the_brand_moderator_only_the_edits_they_may_make(
    login, thread, answer, official_answer, brand_moderator
):
    html = login(brand_moderator).get(thread.get_absolute_url()).content.decode()
    assert reverse("qa:answer_edit", args=[answer.pk]) in html
    assert reverse("qa:answer_edit", args=[official_answer.pk]) not in html
    assert reverse("qa:thread_edit", args=[thread.pk]) in html  # a customer's question
