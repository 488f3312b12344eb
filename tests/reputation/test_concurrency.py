"""Reputation stays exact with real concurrent writers (threads, each with its own
PostgreSQL connection): the first earning in a brand races to make the member's row."""

import pytest
from django.db import connection

from qa import services as qa
from reputation import services
from reputation.models import BrandReputation, Reason, ReputationEvent
from tests.brands.factories import BrandFactory
from tests.community.factories import UserFactory
from tests.concurrency import at_once
from tests.qa.factories import AnswerFactory, ThreadFactory

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]

WRITERS = 10


def test_ten_votes_at_once_earn_exactly_ten_votes_points():
    answer = AnswerFactory(thread=ThreadFactory(brand=BrandFactory(slug="race")))
    voters = UserFactory.create_batch(WRITERS)
    results = at_once(lambda voter: qa.answer_vote_toggle(user=voter, answer=answer), voters)
    assert results == [True] * WRITERS, results
    row = BrandReputation.objects.get(member=answer.author)
    assert row.points == 10 * WRITERS
    answer.author.refresh_from_db()
    assert answer.author.reputation == 10 * WRITERS


def test_one_source_earned_ten_times_at_once_earns_once():
    member, brand = UserFactory(), BrandFactory(slug="race")

    def earn(_):
        return services.reputation_event(
            member=member, brand=brand, reason=Reason.VERIFIED, source_key="verified:1"
        )

    results = at_once(earn, range(WRITERS))
    assert sum(isinstance(r, ReputationEvent) for r in results) == 1, results
    assert BrandReputation.objects.get(member=member, brand=brand).points == 25
    member.refresh_from_db()
    assert member.reputation == 25


def test_ten_reversals_at_once_take_back_once():
    member, brand = UserFactory(), BrandFactory(slug="race")
    services.reputation_event(
        member=member, brand=brand, reason=Reason.ACCEPTED, source_key="accepted:1"
    )
    results = at_once(
        lambda _: services.reputation_event_reverse(source_key="accepted:1"), range(WRITERS)
    )
    assert results.count(True) == 1, results
    assert BrandReputation.objects.get(member=member, brand=brand).points == 0
