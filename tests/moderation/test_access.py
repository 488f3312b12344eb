"""Moderation's access helpers and the refusals its services used to write themselves:
the same sentences, now asked of moderation.permissions by every door."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from moderation import permissions, services
from qa.models import Answer, Visibility
from tests.qa.factories import AnswerFactory

pytestmark = pytest.mark.django_db


def test_a_post_is_found_whatever_its_visibility(thread, answer, customer):
    Answer.objects.filter(pk=answer.pk).update(visibility=Visibility.HIDDEN)
    assert permissions.access_post(customer, "thread", thread.pk) == thread
    assert permissions.access_post(customer, "answer", answer.pk) == answer
    with pytest.raises(Http404):
        permissions.access_post(customer, "thread", 999_999)
    with pytest.raises(PermissionDenied, match="Unknown kind of post"):
        permissions.access_post(customer, "comment", thread.pk)


def test_moderating_a_post_needs_a_neutral_moderator(thread, moderator, brand_rep, customer):
    assert permissions.access_post_to_moderate(moderator, "thread", thread.pk) == thread
    with pytest.raises(PermissionDenied, match="you can't moderate its customers' posts"):
        permissions.access_post_to_moderate(brand_rep, "thread", thread.pk)
    with pytest.raises(PermissionDenied, match="Only moderators can do that"):
        permissions.access_post_to_moderate(customer, "thread", thread.pk)


def test_only_published_answers_are_there_to_verify(answer, moderator, customer):
    assert permissions.access_answer_to_verify(moderator, answer.pk) == answer
    with pytest.raises(PermissionDenied):
        permissions.access_answer_to_verify(customer, answer.pk)
    Answer.objects.filter(pk=answer.pk).update(visibility=Visibility.HIDDEN)
    with pytest.raises(Http404):
        permissions.access_answer_to_verify(moderator, answer.pk)


def test_the_queue_is_for_moderators(moderator, brand_moderator, customer):
    permissions.check_can_see_queue(moderator)
    permissions.check_can_see_queue(brand_moderator)
    for viewer in (customer, AnonymousUser()):
        assert not permissions.can_see_queue(viewer)
        with pytest.raises(PermissionDenied, match="Only moderators can see the review queue"):
            permissions.check_can_see_queue(viewer)


def test_a_post_under_review_takes_no_more_flags(thread):
    permissions.check_flaggable(thread)
    thread.visibility = Visibility.HIDDEN
    with pytest.raises(PermissionDenied, match="This post is already under review"):
        permissions.check_flaggable(thread)


def test_the_flag_service_asks_the_same_rule(thread, customer):
    with pytest.raises(PermissionDenied, match="You can't flag your own post"):
        services.flag_create(flagger=customer, thread=thread, reason="spam")


def test_sanctions_refuse_oneself_and_staff(moderator, customer, django_user_model):
    staff = django_user_model.objects.create(username="boss-staff", is_staff=True)
    permissions.check_can_sanction_member(moderator, customer)
    with pytest.raises(PermissionDenied, match="You can't sanction yourself"):
        permissions.check_can_sanction_member(moderator, moderator)
    with pytest.raises(PermissionDenied, match="Staff accounts can't be sanctioned here"):
        services.member_suspend(moderator=moderator, member=staff, days=3, reason="Spam")


def test_a_moderator_does_not_verify_their_own_answer(thread, moderator):
    own = AnswerFactory(thread=thread, author=moderator)
    with pytest.raises(PermissionDenied, match="You can't verify your own answer"):
        services.answer_verify(moderator=moderator, answer=own)


def test_an_appeal_is_for_the_author_of_a_removed_post(answer, customer, other_customer):
    with pytest.raises(PermissionDenied, match="Only the author of a removed post"):
        permissions.check_can_appeal(customer, answer)
    with pytest.raises(PermissionDenied, match="has not been removed"):
        permissions.check_can_appeal(other_customer, answer)
