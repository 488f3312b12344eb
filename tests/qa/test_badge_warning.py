"""Editing a verified or endorsed answer says, before saving, that the badge will go."""

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from qa.models import Answer

pytestmark = pytest.mark.django_db

WARNING = "Saving a change removes this answer"


def _badge(answer, **fields):
    Answer.objects.filter(pk=answer.pk).update(**fields)
    answer.refresh_from_db()


def test_a_verified_answer_warns_on_its_edit_page(login, answer, moderator_user):
    _badge(answer, verified_at=timezone.now(), verified_by=moderator_user)
    page = login(answer.author).get(reverse("qa:answer_edit", args=[answer.pk])).content.decode()
    assert "Saving a change removes this answer&#x27;s Verified badge." in page or (
        "Saving a change removes this answer's Verified badge." in page
    )
    assert 'aria-describedby="badge-warning"' in page


def test_an_endorsed_and_verified_answer_names_both(login, answer, moderator_user):
    now = timezone.now()
    _badge(answer, verified_at=now, verified_by=moderator_user, endorsed_at=now)
    page = login(answer.author).get(reverse("qa:answer_edit", args=[answer.pk])).content.decode()
    assert "Verified and Endorsed badges" in page


def test_an_answer_without_a_badge_has_no_warning(login, answer):
    page = login(answer.author).get(reverse("qa:answer_edit", args=[answer.pk])).content.decode()
    assert WARNING not in page


def test_the_warning_stays_and_the_text_is_kept_when_the_form_comes_back(
    login, answer, moderator_user
):
    _badge(answer, endorsed_at=timezone.now())
    too_long = "My new wording " + "x" * settings.SODAN_MAX_BODY_CHARS
    response = login(answer.author).post(
        reverse("qa:answer_edit", args=[answer.pk]),
        {"body": too_long, "base_revision": answer.revision_count},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Endorsed badge" in page
    assert "My new wording xxx" in page
    answer.refresh_from_db()
    assert answer.is_endorsed  # nothing saved, nothing withdrawn


@pytest.fixture
def moderator_user(db):
    from moderation.models import ModeratorAppointment
    from tests.community.factories import UserFactory

    user = UserFactory(username="checker")
    ModeratorAppointment.objects.create(user=user)
    return user
