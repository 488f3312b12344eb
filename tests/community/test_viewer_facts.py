"""Each app's facts about a viewer are one queryset, read alone or all together in one
query, with the same answers either way."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from brands.permissions import ROLES, TEAMS
from community import memo, viewer_facts
from community.facts import UNREAD
from community.models import Notification
from community.permissions import VERIFIED
from moderation.models import ModeratorAppointment
from moderation.permissions import APPOINTMENTS
from qa import facts as qa_facts
from qa import services
from tests.brands.factories import BrandFactory, MembershipFactory
from tests.community.factories import UserFactory
from tests.qa.factories import AnswerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def busy_person(thread, brand):
    """Someone with a fact of every kind: roles in two brands (one revoked), an
    appointment, unread notifications, a vote and a me too on the thread."""
    person = UserFactory(username="busy")
    other = BrandFactory(name="Aoi Audio", slug="aoi")
    MembershipFactory(brand=other, user=person, role="admin")
    revoked = MembershipFactory(brand=BrandFactory(name="Gone", slug="gone"), user=person)
    type(revoked).objects.filter(pk=revoked.pk).update(revoked_at=timezone.now())
    ModeratorAppointment.objects.create(user=person, brand=brand)
    for number in range(3):
        Notification.objects.create(
            recipient=person, kind="answer", thread=thread, dedupe_key=f"facts-{number}"
        )
    answer = AnswerFactory(thread=thread)
    services.answer_vote_toggle(user=person, answer=answer)
    services.thread_me_too_toggle(user=person, thread=thread)
    return person, answer


def _each_alone(person, thread_id):
    return {
        key: source.fold([row[1:] for row in source.queryset(person.pk, thread_id)])
        for key, source in viewer_facts.SOURCES.items()
    }


def test_every_fact_loaded_together_is_the_fact_loaded_alone(busy_person, thread, brand):
    person, answer = busy_person
    alone = _each_alone(person, thread.pk)
    with CaptureQueriesContext(connection) as queries:
        viewer_facts.load(person, thread_id=thread.pk)
    assert len(queries.captured_queries) == 1
    together = {
        key: memo.peek(person, source.memo_key(thread.pk))
        for key, source in viewer_facts.SOURCES.items()
    }
    assert together == alone
    assert together[ROLES] == {BrandFactory._meta.model.objects.get(slug="aoi").pk: {"admin"}}
    assert together[TEAMS] == ({"slug": "aoi", "name": "Aoi Audio"},)
    assert together[APPOINTMENTS] == (False, frozenset({brand.pk}))
    assert together[VERIFIED] is True
    assert together[UNREAD] == 3
    assert together[qa_facts.VOTES] == frozenset({answer.pk})
    assert together[qa_facts.ME_TOO] is True
    assert together[qa_facts.OWN_HIDDEN_ANSWERS] is False


def test_the_user_row_comes_with_the_facts_in_one_query(busy_person, thread):
    person, answer = busy_person
    with CaptureQueriesContext(connection) as queries:
        loaded = viewer_facts.user_with_facts(person.pk, thread_id=thread.pk)
    assert len(queries.captured_queries) == 1
    assert loaded == person and loaded.username == "busy"
    assert loaded.date_joined == person.date_joined  # the ORM's own conversions
    assert viewer_facts.loaded(loaded, thread_id=thread.pk)
    assert memo.peek(loaded, f"{qa_facts.VOTES}:{thread.pk}") == frozenset({answer.pk})


def test_someone_with_no_facts_gets_empty_ones_and_an_unknown_id_none(thread):
    newcomer = UserFactory(verified=False)
    loaded = viewer_facts.user_with_facts(newcomer.pk, thread_id=thread.pk)
    assert memo.peek(loaded, ROLES) == {}
    assert memo.peek(loaded, VERIFIED) is False
    assert memo.peek(loaded, UNREAD) == 0
    assert viewer_facts.user_with_facts(newcomer.pk + 1000, thread_id=thread.pk) is None


def test_the_rules_ask_nothing_more_once_the_facts_are_loaded(busy_person, thread, brand):
    from brands.permissions import brand_roles
    from community.permissions import is_verified
    from moderation.permissions import moderates

    person, _answer = busy_person
    viewer_facts.load(person, thread_id=thread.pk)
    with CaptureQueriesContext(connection) as queries:
        assert moderates(person, brand)
        assert is_verified(person)
        assert not brand_roles(person, brand)
    assert queries.captured_queries == []


def test_a_fact_is_declared_once():
    source = viewer_facts.SOURCES[ROLES]
    with pytest.raises(ValueError, match="declared twice"):
        viewer_facts.fact(ROLES, fold=source.fold)(lambda user_id, thread_id: None)


def test_the_union_compiled_once_serves_each_person_their_own_facts(busy_person, thread):
    """The union is compiled once per process with stand-in ids; each load swaps in the
    person's and the thread's own."""
    person, answer = busy_person
    stranger = UserFactory(username="stranger")
    viewer_facts.load(stranger, thread_id=thread.pk)
    viewer_facts.load(person, thread_id=thread.pk)
    assert memo.peek(stranger, ROLES) == {}
    assert memo.peek(stranger, f"{qa_facts.VOTES}:{thread.pk}") == frozenset()
    assert memo.peek(person, f"{qa_facts.VOTES}:{thread.pk}") == frozenset({answer.pk})
    loaded = viewer_facts.user_with_facts(stranger.pk, thread_id=thread.pk)
    assert memo.peek(loaded, UNREAD) == 0


@pytest.mark.postgres
@pytest.mark.skipif(
    connection.vendor != "postgresql" or not connection.features.uses_server_side_binding,
    reason="needs PostgreSQL with prepared statements",
)
def test_readers_of_every_id_share_one_prepared_facts_query(thread):
    """PostgreSQL plans the facts query once per connection for every reader: ids small and
    large are bound with one type, so the statement prepared for one reader serves the
    next instead of being prepared and planned anew."""
    readers = [(UserFactory().pk, thread.pk), (UserFactory(pk=70_000).pk, 90_000)]
    for _ in range(connection.settings_dict["OPTIONS"]["prepare_threshold"] + 1):
        for user_id, thread_id in readers:
            assert viewer_facts.user_with_facts(user_id, thread_id=thread_id).pk == user_id
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT parameter_types::text[] FROM pg_prepared_statements WHERE statement LIKE %s",
            ['SELECT u."id"%fact_kind%'],
        )
        prepared = [types for (types,) in cursor.fetchall()]
    assert len(prepared) == 1
    assert set(prepared[0]) == {"text", "bigint"}
