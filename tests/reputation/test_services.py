"""Per-brand reputation: the ledger, its reversal, levels and badges."""

import pytest
from django.core.exceptions import ValidationError

from moderation import services as moderation
from moderation.models import ModeratorAppointment
from qa import services as qa
from reputation import services
from reputation.models import Badge, BrandReputation, Reason, ReputationEvent
from tests.brands.factories import BrandFactory
from tests.community.factories import UserFactory
from tests.qa.factories import AnswerFactory, ThreadFactory

pytestmark = pytest.mark.django_db


def points(member, brand) -> int:
    row = BrandReputation.objects.filter(member=member, brand=brand).first()
    return row.points if row else 0


def total(member) -> int:
    member.refresh_from_db(fields=["reputation"])
    return member.reputation


def test_an_event_counts_once_per_source(other_customer, brand):
    first = services.reputation_event(
        member=other_customer, brand=brand, reason=Reason.HELPFUL_VOTE, source_key="vote:1:2"
    )
    again = services.reputation_event(
        member=other_customer, brand=brand, reason=Reason.HELPFUL_VOTE, source_key="vote:1:2"
    )
    assert first is not None and again is None
    assert points(other_customer, brand) == 10
    assert total(other_customer) == 10
    assert ReputationEvent.objects.count() == 1


def test_reversal_takes_the_points_back_once(other_customer, brand):
    services.reputation_event(
        member=other_customer, brand=brand, reason=Reason.VERIFIED, source_key="verified:9"
    )
    assert services.reputation_event_reverse(source_key="verified:9") is True
    assert services.reputation_event_reverse(source_key="verified:9") is False
    assert points(other_customer, brand) == 0
    assert total(other_customer) == 0


def test_verification_weighs_most(settings):
    weights = settings.SODAN_REPUTATION_POINTS
    assert weights["verified"] == max(weights.values())


def test_votes_and_acceptance_earn_in_the_threads_brand_only(
    answer, customer, other_customer, brand
):
    elsewhere = BrandFactory()
    qa.answer_vote_toggle(user=customer, answer=answer)
    qa.answer_accept(actor=customer, answer=answer)
    assert points(other_customer, brand) == 10 + 15
    assert points(other_customer, elsewhere) == 0
    assert total(other_customer) == 25
    qa.answer_vote_toggle(user=customer, answer=answer)  # the vote taken back
    qa.answer_unaccept(actor=customer, answer=answer)
    assert points(other_customer, brand) == 0
    assert total(other_customer) == 0
    qa.answer_vote_toggle(user=customer, answer=answer)  # voting again earns again
    assert points(other_customer, brand) == 10


def test_verification_earns_and_an_edit_withdraws_it(answer, other_customer, brand):
    mod = UserFactory(username="mod")
    ModeratorAppointment.objects.create(user=mod)
    moderation.answer_verify(moderator=mod, answer=answer)
    assert points(other_customer, brand) == 25
    qa.answer_edit(actor=other_customer, answer=answer, body="Now with more detail, see 2.2.")
    assert points(other_customer, brand) == 0


def test_levels_follow_the_points_both_ways(other_customer, brand, settings):
    settings.SODAN_REPUTATION_LEVELS = [10, 20, 30, 40]
    for n in range(3):
        services.reputation_event(
            member=other_customer, brand=brand, reason=Reason.HELPFUL_VOTE, source_key=f"v{n}"
        )
    row = BrandReputation.objects.get(member=other_customer, brand=brand)
    assert (row.points, row.level) == (30, 3)
    services.reputation_event_reverse(source_key="v0")
    services.reputation_event_reverse(source_key="v1")
    row.refresh_from_db()
    assert (row.points, row.level) == (10, 1)


def test_badges_are_awarded_once_at_their_milestones(other_customer, brand, settings):
    settings.SODAN_REPUTATION_BADGES = {**settings.SODAN_REPUTATION_BADGES, "ten_accepted": 3}
    for n in range(4):
        services.reputation_event(
            member=other_customer, brand=brand, reason=Reason.ACCEPTED, source_key=f"a{n}"
        )
    kinds = list(Badge.objects.filter(member=other_customer).values_list("kind", flat=True))
    assert sorted(kinds) == sorted([Badge.Kind.FIRST_ACCEPTED, Badge.Kind.TEN_ACCEPTED])
    services.reputation_event_reverse(source_key="a3")  # badges stay earned
    assert Badge.objects.filter(member=other_customer).count() == 2


def test_a_badge_in_one_brand_is_not_one_in_another(other_customer, brand):
    elsewhere = BrandFactory()
    services.reputation_event(
        member=other_customer, brand=brand, reason=Reason.ACCEPTED, source_key="a"
    )
    assert Badge.objects.filter(member=other_customer, brand=brand).exists()
    assert not Badge.objects.filter(member=other_customer, brand=elsewhere).exists()


def test_the_brands_endorsement_gives_a_badge_and_no_points(answer, other_customer, brand):
    from brands import services as brand_services
    from brands.models import Membership

    rep = UserFactory(username="rep")
    Membership.objects.create(brand=brand, user=rep, role=Membership.Role.REP)
    brand_services.answer_endorse(actor=rep, answer=answer)
    assert Badge.objects.filter(
        member=other_customer, brand=brand, kind=Badge.Kind.BRAND_ENDORSED
    ).exists()
    assert points(other_customer, brand) == 0


def test_self_answered_vote_refusal_earns_nothing(answer, other_customer, brand):
    with pytest.raises(Exception):  # noqa: B017 - the vote rule's refusal
        qa.answer_vote_toggle(user=other_customer, answer=answer)
    assert points(other_customer, brand) == 0


def test_verifying_twice_is_refused_and_earns_once(answer, other_customer, brand):
    mod = UserFactory(username="mod")
    ModeratorAppointment.objects.create(user=mod)
    moderation.answer_verify(moderator=mod, answer=answer)
    with pytest.raises(ValidationError):
        moderation.answer_verify(moderator=mod, answer=answer)
    assert points(other_customer, brand) == 25


def test_many_threads_earn_in_their_own_brands(other_customer):
    one, two = BrandFactory(), BrandFactory()
    asker = UserFactory()
    for brand in (one, two, two):
        thread = ThreadFactory(brand=brand, author=asker)
        answer = AnswerFactory(thread=thread, author=other_customer)
        qa.answer_accept(actor=asker, answer=answer)
    assert (points(other_customer, one), points(other_customer, two)) == (15, 30)
    assert total(other_customer) == 45
