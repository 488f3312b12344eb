from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from brands.models import Brand, Membership
from community import digests
from community.consent import Topic, consent_set
from community.models import DigestSent, User
from qa import services as qa_services
from qa.models import Thread
from tests.brands.factories import BrandFactory, MembershipFactory
from tests.community.factories import UserFactory
from tests.qa.factories import AnswerFactory, ThreadFactory

pytestmark = pytest.mark.django_db

follows_services = pytest.importorskip("follows.services")


@pytest.fixture
def now():
    """Nine in the morning (UTC), so a run a few hours later is still in the same day."""
    return timezone.now().replace(hour=9, minute=0, second=0, microsecond=0)


@pytest.fixture
def solved_yesterday(brand, other_customer, now):
    """A thread in `brand` whose asker accepted an answer yesterday."""
    asker = UserFactory(username="mai")
    thread = ThreadFactory(author=asker, brand=brand, title="Lens fogs up in the cold")
    answer = AnswerFactory(author=other_customer, thread=thread, body="Let it warm in a bag.")
    qa_services.answer_accept(actor=asker, answer=answer)
    answer.refresh_from_db()
    type(answer).objects.filter(pk=answer.pk).update(accepted_at=timezone.now() - timedelta(days=1))
    return thread


def _follow_with_digest(user, brand, frequency="daily"):
    follows_services.follow(user=user, target=brand)
    digests.digest_frequency_set(user=user, frequency=frequency)


@pytest.fixture
def run(committed):
    """One pass of the periodic task, its outbox messages delivered after commit."""

    def _run(now):
        mail.outbox.clear()
        with committed():
            digests.digests_send(now=now)
        return list(mail.outbox)

    return _run


def test_digests_are_off_until_chosen(customer, brand, solved_yesterday, now, run):
    follows_services.follow(user=customer, target=brand)
    assert digests.digest_frequency(customer) == "off"
    assert run(now) == []


def test_a_daily_digest_of_followed_solved_threads_in_english(
    customer, brand, solved_yesterday, now, run
):
    _follow_with_digest(customer, brand)
    sent = run(now)
    (message,) = sent
    assert "Lens fogs up in the cold" in message.body
    assert "Solved in what you follow: 1 thread" in message.subject
    ((html, _mime),) = message.alternatives
    assert "Lens fogs up in the cold" in html
    assert "List-Unsubscribe" in message.extra_headers


def test_the_digest_in_japanese(customer, brand, solved_yesterday, now, run):
    User.objects.filter(pk=customer.pk).update(language="ja")
    customer.refresh_from_db()
    _follow_with_digest(customer, brand)
    (message,) = run(now)
    assert "Lens fogs up in the cold" in message.body
    assert message.body.startswith("Hana さん")  # the greeting the catalogue has already
    ((html, _mime),) = message.alternatives
    assert 'lang="ja"' in html


def test_once_per_period(customer, brand, solved_yesterday, now, run):
    _follow_with_digest(customer, brand)
    assert len(run(now)) == 1
    assert run(now) == []
    assert run(now + timedelta(hours=3)) == []
    assert DigestSent.objects.filter(user=customer, kind="followed").count() == 1
    assert digests.digest_deliver(customer.pk, "followed", digests.period_of("daily", now)) is False


def test_no_mail_when_there_is_nothing_to_say(customer, brand, now, run):
    _follow_with_digest(customer, brand)
    assert run(now) == []


def test_the_one_click_link_stops_the_digest(customer, brand, solved_yesterday, now, run):
    _follow_with_digest(customer, brand, "weekly")
    consent_set(user=customer, topic=Topic.DIGESTS, allowed=False, source="one-click")
    assert digests.digest_frequency(customer) == "off"
    assert run(now) == []


def test_a_weekly_period_covers_last_week(now):
    period = digests.period_of("weekly", now)
    start, end = digests.period_bounds(period)
    assert end - start == timedelta(days=7)
    assert start <= now - timedelta(days=7) < end


def test_the_rep_digest_lists_threads_past_and_near_the_target(now, run):
    brand = BrandFactory(
        name="Hoshino Camera",
        slug="hoshino",
        status=Brand.Status.OFFICIAL,
        official_since=now - timedelta(days=30),
        response_target_hours=24,
    )
    rep = UserFactory(username="yuki")
    MembershipFactory(brand=brand, user=rep, role=Membership.Role.REP)
    over = ThreadFactory(brand=brand, title="Shutter stuck since Monday")
    near = ThreadFactory(brand=brand, title="Flash does not fire")
    fresh = ThreadFactory(brand=brand, title="Which strap fits")
    sending = timezone.now()  # the digest is written when it is delivered
    Thread.objects.filter(pk=over.pk).update(created_at=sending - timedelta(hours=30))
    Thread.objects.filter(pk=near.pk).update(created_at=sending - timedelta(hours=20))
    Thread.objects.filter(pk=fresh.pk).update(created_at=sending - timedelta(hours=1))
    digests.digest_frequency_set(user=rep, frequency="daily")
    sent = run(now)
    (message,) = sent  # follows nothing: the followed digest had nothing to say
    body = message.body
    assert body.index("Past the response target") < body.index("Shutter stuck since Monday")
    assert body.index("Near the response target") < body.index("Flash does not fire")
    assert body.index("Waiting for an official response") < body.index("Which strap fits")
    assert "/b/hoshino/inbox/" in body
    assert DigestSent.objects.filter(user=rep).count() == 2  # rep sent, followed empty


def test_a_customer_gets_no_rep_digest(customer, now, run):
    digests.digest_frequency_set(user=customer, frequency="daily")
    assert digests.rep_sections(customer, now) == []
    assert run(now) == []
