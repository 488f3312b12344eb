"""The ledger starts from what was earned before it existed."""

import importlib

import pytest
from django.apps import apps
from django.utils import timezone

from qa import services as qa
from qa.models import Answer, HelpfulVote, Thread
from reputation.models import BrandReputation, ReputationEvent
from tests.community.factories import UserFactory
from tests.qa.factories import AnswerFactory, ThreadFactory

pytestmark = pytest.mark.django_db

backfill = importlib.import_module("reputation.migrations.0002_ledger_from_existing_posts").backfill


def test_earlier_votes_acceptances_and_verifications_become_events(brand, customer):
    thread = ThreadFactory(brand=brand, author=customer)
    ken = UserFactory()
    answer = AnswerFactory(thread=thread, author=ken)
    # Rows as the site wrote them before the ledger: no events.
    HelpfulVote.objects.create(answer=answer, user=customer)
    Thread.objects.filter(pk=thread.pk).update(accepted_answer=answer)
    Answer.objects.filter(pk=answer.pk).update(verified_at=timezone.now(), helpful_count=1)
    ReputationEvent.objects.all().delete()
    BrandReputation.objects.all().delete()

    backfill(apps, None)
    backfill(apps, None)  # running twice changes nothing

    row = BrandReputation.objects.get(member=ken, brand=brand)
    assert (row.points, row.level) == (10 + 15 + 25, 1)
    ken.refresh_from_db()
    assert ken.reputation == 50
    qa.answer_vote_toggle(user=customer, answer=answer)  # the old vote taken back
    row.refresh_from_db()
    assert row.points == 40
