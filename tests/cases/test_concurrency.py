"""Two reps continuing the same customer's thread privately at the same moment open one
case; a customer approving twice at once publishes one answer. Real concurrent writers
(threads, each with its own PostgreSQL connection)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from brands.models import Brand, Membership
from cases import services
from cases.models import Case
from qa.models import Answer
from tests.brands.factories import BrandFactory, MembershipFactory
from tests.community.factories import UserFactory
from tests.concurrency import at_once
from tests.qa.factories import ThreadFactory

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]

WRITERS = 6


@pytest.fixture
def team_and_thread():
    brand = BrandFactory(slug="race", status=Brand.Status.OFFICIAL)
    reps = [UserFactory() for _ in range(WRITERS)]
    for rep in reps:
        MembershipFactory(brand=brand, user=rep, role=Membership.Role.REP)
    return reps, ThreadFactory(brand=brand, author=UserFactory())


def test_reps_opening_at_once_open_one_case(team_and_thread):
    reps, thread = team_and_thread
    results = at_once(
        lambda rep: services.case_open(actor=rep, thread=thread, body="Order number?"), reps
    )
    opened = [r for r in results if isinstance(r, Case)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert (len(opened), len(refused)) == (1, WRITERS - 1), results
    assert Case.objects.filter(thread=thread).count() == 1


def test_approving_twice_at_once_publishes_one_answer(team_and_thread):
    reps, thread = team_and_thread
    case = services.case_open(actor=reps[0], thread=thread, body="Order number?")
    services.case_resolve(actor=reps[0], case=case)
    services.case_summary_propose(actor=reps[0], case=case, body="Replaced.")
    customer = thread.author
    results = at_once(
        lambda _: services.case_summary_approve(actor=customer, case=case), range(WRITERS)
    )
    published = [r for r in results if isinstance(r, Answer)]
    refused = [r for r in results if isinstance(r, PermissionDenied)]
    assert (len(published), len(refused)) == (1, WRITERS - 1), results
    assert Answer.objects.filter(thread=thread).count() == 1
