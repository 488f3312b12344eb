"""qa.permissions.access_thread / access_answer: a view gets the thread or answer the viewer
may see, a 404 for what they may not know exists, a 403 with the reason for what they may
not do with it."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from brands import permissions as brand_permissions
from brands import selectors as brand_selectors
from brands.models import Membership
from qa.models import Answer, Thread, Visibility
from qa.permissions import access_answer, access_thread
from tests.brands.factories import MembershipFactory
from tests.qa.factories import ThreadFactory

pytestmark = pytest.mark.django_db


def _hide(post, visibility=Visibility.HIDDEN):
    type(post).objects.filter(pk=post.pk).update(visibility=visibility)


def test_anyone_gets_a_published_thread_with_its_brand(thread):
    found = access_thread(AnonymousUser(), thread.pk)
    assert found == thread
    with CaptureQueriesContext(connection) as ctx:
        assert found.brand.slug == "hoshino"
    assert ctx.captured_queries == []


def test_an_unknown_thread_is_a_404(customer):
    with pytest.raises(Http404):
        access_thread(customer, 999_999)


def test_a_hidden_thread_is_a_404_for_everyone_but_its_author(thread, customer, other_customer):
    _hide(thread)
    for viewer in (AnonymousUser(), other_customer):
        with pytest.raises(Http404):
            access_thread(viewer, thread.pk)
    assert access_thread(customer, thread.pk) == thread  # they see why it is hidden


def test_a_deleted_thread_is_a_404_even_for_its_author(thread, customer):
    _hide(thread, Visibility.DELETED)
    with pytest.raises(Http404):
        access_thread(customer, thread.pk)


def test_for_edit_refuses_with_the_reason(thread, customer, other_customer):
    assert access_thread(customer, thread.pk, for_edit=True) == thread
    with pytest.raises(PermissionDenied, match="Only the person who asked can edit"):
        access_thread(other_customer, thread.pk, for_edit=True)
    with pytest.raises(PermissionDenied, match="Log in or sign up"):
        access_thread(AnonymousUser(), thread.pk, for_edit=True)


def test_for_edit_still_hides_what_the_viewer_may_not_see(thread, other_customer):
    _hide(thread)
    with pytest.raises(Http404):  # not a 403: a hidden thread does not admit it exists
        access_thread(other_customer, thread.pk, for_edit=True)


def test_the_queryset_chooses_what_is_loaded_and_may_narrow(thread, brand, customer):
    duplicate = ThreadFactory(brand=brand, author=customer)
    Thread.objects.filter(pk=duplicate.pk).update(duplicate_of=thread)
    assert access_thread(customer, duplicate.pk) == duplicate
    with pytest.raises(Http404):
        access_thread(customer, duplicate.pk, threads=Thread.objects.listed())
    with pytest.raises(Http404):  # narrowing never widens: hidden stays hidden
        _hide(thread)
        access_thread(AnonymousUser(), thread.pk, threads=Thread.objects.all())


def test_the_role_loaded_with_the_thread_is_handed_to_the_checks(thread, brand, other_customer):
    MembershipFactory(brand=brand, user=other_customer, role=Membership.Role.REP)
    viewer = type(other_customer).objects.get(pk=other_customer.pk)
    threads = brand_selectors.threads_with_ownership(
        Thread.objects.select_related("brand"), viewer=viewer
    )
    with CaptureQueriesContext(connection) as ctx:
        access_thread(viewer, thread.pk, threads=threads)
        assert brand_permissions.is_rep(viewer, brand)
    assert len(ctx.captured_queries) == 1


def test_an_answer_in_a_hidden_thread_is_a_404(thread, answer, other_customer):
    assert access_answer(AnonymousUser(), answer.pk) == answer
    _hide(thread)
    with pytest.raises(Http404):
        access_answer(other_customer, answer.pk)  # their own answer, in a thread they can't see


def test_a_hidden_answer_is_its_authors_alone(answer, customer, other_customer):
    _hide(answer)
    with pytest.raises(Http404):
        access_answer(customer, answer.pk)
    assert access_answer(other_customer, answer.pk) == answer
    with pytest.raises(Http404):  # brands endorse published answers only
        access_answer(other_customer, answer.pk, answers=Answer.objects.visible())


def test_editing_someone_elses_answer_is_refused_with_the_reason(answer, customer, other_customer):
    assert access_answer(other_customer, answer.pk, for_edit=True) == answer
    with pytest.raises(PermissionDenied, match="Only the person who wrote this answer"):
        access_answer(customer, answer.pk, for_edit=True)
