"""community.compiled_queries: a query compiled once per process answers exactly what its
queryset answers, for any values, builds the same objects (deferred fields, related rows,
annotations, prefetches), and refuses a shape it cannot reuse instead of answering wrongly."""

import pytest
from django.db import connection
from django.db.models import Count, F, Window
from django.db.models.signals import post_init
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from community.compiled_queries import CompiledQuery, ShapeError
from community.models import User
from qa import services
from qa.models import Answer, Thread
from tests.brands.factories import MembershipFactory
from tests.community.factories import UserFactory
from tests.qa.factories import AnswerFactory, ThreadFactory

pytestmark = pytest.mark.django_db


def _answers(*, thread_id: int):
    return (
        Answer.objects.filter(thread_id=thread_id, visibility="published")
        .select_related("author", "official_for", "accepted_by")
        .only(
            "pk",
            "thread_id",
            "helpful_count",
            "author__username",
            "official_for__name",
            "accepted_by__username",
        )
        .annotate(rank=Window(Count("pk"), order_by=[F("id").asc()]))
        .order_by("id")
    )


@pytest.fixture
def two_threads(brand, customer):
    first = ThreadFactory(brand=brand, author=customer, title="Lens fogs up")
    second = ThreadFactory(brand=brand, author=customer, title="Strap squeaks")
    rep = MembershipFactory(brand=brand, role="rep", user__username="brand-rep").user
    accepted = AnswerFactory(thread=first, author=UserFactory(username="keiko"), body="Dry it.")
    AnswerFactory(thread=first, author=rep, body="A new seal ships next month.")
    AnswerFactory(thread=second, author=UserFactory(username="ren"), body="Oil it.")
    services.answer_accept(actor=customer, answer=accepted)
    return first, second


def _seen(answer: Answer) -> dict:
    """What a page could read from an answer, and how Django left it."""
    return {
        "pk": answer.pk,
        "thread_id": answer.thread_id,
        "helpful_count": answer.helpful_count,
        "rank": answer.rank,
        "deferred": answer.get_deferred_fields(),
        "author": (answer.author.username, answer.author.get_deferred_fields()),
        "official_for": answer.official_for and answer.official_for.name,
        "accepted_by": answer.accepted_by and answer.accepted_by.username,
        "related_loaded": set(answer._state.fields_cache),
        "db": answer._state.db,
        "adding": answer._state.adding,
    }


def test_the_objects_are_those_the_queryset_builds(two_threads):
    compiled = CompiledQuery(Answer, _answers, parameters={"thread_id": int})
    for thread in two_threads:
        found = compiled.fetch(thread_id=thread.pk)
        assert [_seen(a) for a in found] == [_seen(a) for a in _answers(thread_id=thread.pk)]
    first = compiled.fetch(thread_id=two_threads[0].pk)
    assert [a.official_for and a.official_for.name for a in first] == [None, "Hoshino Camera"]
    assert first[0].accepted_by.username == "hana"
    with CaptureQueriesContext(connection) as ctx:  # the related rows came with the query
        assert [a.author.username for a in first] == ["keiko", "brand-rep"]
    assert ctx.captured_queries == []


def _fields(instance) -> dict:
    """Every value Django set on an instance and on the related rows it holds."""
    return {
        "values": {name: value for name, value in vars(instance).items() if name != "_state"},
        "related": {
            name: related and _fields(related)
            for name, related in instance._state.fields_cache.items()
            if name != "thread"
        },
    }


def test_the_objects_hold_exactly_what_django_sets_on_them(two_threads):
    compiled = CompiledQuery(Answer, _answers, parameters={"thread_id": int})
    first = two_threads[0]
    found = compiled.fetch(thread_id=first.pk)
    assert [_fields(a) for a in found] == [_fields(a) for a in _answers(thread_id=first.pk)]


def test_a_model_with_an_init_receiver_is_built_by_django_and_the_receiver_runs(two_threads):
    """Objects are built without Django's `__init__` only for models nothing listens to:
    a receiver of post_init (as an image field's dimensions are) sees every object."""
    seen = []

    def count(sender, instance, **kwargs):
        seen.append((sender, instance.pk))

    post_init.connect(count, sender=User)
    try:
        compiled = CompiledQuery(Answer, _answers, parameters={"thread_id": int})
        found = compiled.fetch(thread_id=two_threads[0].pk)
    finally:
        post_init.disconnect(count, sender=User)
    people = [a.author_id for a in found] + [a.accepted_by_id for a in found if a.accepted_by_id]
    assert sorted(seen) == sorted((User, pk) for pk in people)
    assert [_seen(a) for a in found] == [_seen(a) for a in _answers(thread_id=two_threads[0].pk)]


def test_it_is_compiled_once_and_then_one_query_whatever_the_values(two_threads):
    built = []

    def build(*, thread_id: int):
        built.append(thread_id)
        return _answers(thread_id=thread_id)

    compiled = CompiledQuery(Answer, build, parameters={"thread_id": int})
    first, second = two_threads
    compiled.fetch(thread_id=first.pk)
    assert len(built) == 2  # two sets of stand-ins, never the real values
    assert first.pk not in built
    for thread, bodies in (
        (second, ["Oil it."]),
        (first, ["Dry it.", "A new seal ships next month."]),
    ):
        with CaptureQueriesContext(connection) as ctx:
            found = compiled.fetch(thread_id=thread.pk)
        assert len(ctx.captured_queries) == 1
        assert [Answer.objects.get(pk=a.pk).body for a in found] == bodies
    assert len(built) == 2
    assert compiled.fetch(thread_id=999_999) == []


def test_a_deferred_field_is_loaded_when_read_as_django_would(two_threads):
    compiled = CompiledQuery(Answer, _answers, parameters={"thread_id": int})
    answer = compiled.fetch(thread_id=two_threads[1].pk)[0]
    assert "body" in answer.get_deferred_fields()
    with CaptureQueriesContext(connection) as ctx:
        assert answer.body == "Oil it."
    assert len(ctx.captured_queries) == 1


def test_prefetches_run_after_the_rows_are_built(two_threads):
    def threads(*, brand_id: int):
        return Thread.objects.filter(brand_id=brand_id).prefetch_related("answers").order_by("pk")

    compiled = CompiledQuery(Thread, threads, parameters={"brand_id": int})
    with CaptureQueriesContext(connection) as ctx:
        found = compiled.fetch(brand_id=two_threads[0].brand_id)
    assert len(ctx.captured_queries) == 2
    with CaptureQueriesContext(connection) as ctx:
        assert [len(thread.answers.all()) for thread in found] == [2, 1]
    assert ctx.captured_queries == []


def test_each_shape_is_compiled_on_its_own_and_the_oldest_forgotten(two_threads):
    built = []

    def build(offset: int, *, thread_id: int):
        built.append(offset)
        return _answers(thread_id=thread_id)[offset : offset + 1]

    compiled = CompiledQuery(Answer, build, parameters={"thread_id": int}, max_shapes=2)
    first = two_threads[0]
    assert [a.author.username for a in compiled.fetch((0,), thread_id=first.pk)] == ["keiko"]
    assert [a.author.username for a in compiled.fetch((1,), thread_id=first.pk)] == ["brand-rep"]
    compiled.fetch((0,), thread_id=first.pk)
    assert built == [0, 0, 1, 1]
    compiled.fetch((2,), thread_id=first.pk)  # a third shape: the oldest goes
    compiled.fetch((0,), thread_id=first.pk)
    assert built == [0, 0, 1, 1, 2, 2, 0, 0]


def test_a_signed_in_viewer_is_a_value_like_any_other(two_threads, customer, other_customer):
    """The viewer's own hidden answers, as qa's `visible_to` adds them: another viewer
    running the same compiled shape never gets them."""
    first = two_threads[0]
    hidden = AnswerFactory(thread=first, author=other_customer, body="Mine, hidden.")
    Answer.objects.filter(pk=hidden.pk).update(visibility="hidden")

    def visible(*, thread_id: int, viewer_id: int):
        viewer = type(customer)(pk=viewer_id)
        return Answer.objects.filter(thread_id=thread_id).visible_to(viewer).order_by("pk")

    compiled = CompiledQuery(Answer, visible, parameters={"thread_id": int, "viewer_id": int})
    mine = compiled.fetch(thread_id=first.pk, viewer_id=other_customer.pk)
    theirs = compiled.fetch(thread_id=first.pk, viewer_id=customer.pk)
    assert hidden.pk in [a.pk for a in mine]
    assert hidden.pk not in [a.pk for a in theirs]
    assert len(mine) == len(theirs) + 1


def _sliced_by_a_value(*, limit: int):
    return Answer.objects.order_by("pk")[:limit]


def _transformed(*, text: str):
    return Answer.objects.filter(body__contains=text)


def _now_inside(*, thread_id: int):
    return Answer.objects.filter(thread_id=thread_id, created_at__lte=timezone.now())


def _values(*, thread_id: int):
    return Answer.objects.filter(thread_id=thread_id).values("pk")


def _other_model(*, thread_id: int):
    return Thread.objects.filter(pk=thread_id)


def _related_manager(*, thread_id: int):
    return Thread(pk=thread_id).answers.all()  # each answer's thread would be the stand-in


@pytest.mark.parametrize(
    ("build", "parameters"),
    [
        (_sliced_by_a_value, {"limit": int}),  # written into the SQL: part of the shape
        (_transformed, {"text": str}),  # the SQL's parameter is "%text%", not the value
        (_now_inside, {"thread_id": int}),  # a constant that changes between compilations
        (_values, {"thread_id": int}),
        (_other_model, {"thread_id": int}),
        (_related_manager, {"thread_id": int}),
    ],
)
def test_a_shape_that_cannot_be_reused_is_refused_when_first_compiled(db, build, parameters):
    compiled = CompiledQuery(Answer, build, parameters=parameters)
    with pytest.raises(ShapeError):
        compiled.fetch(**{name: kind() for name, kind in parameters.items()})


def test_the_values_are_those_named():
    compiled = CompiledQuery(Answer, _answers, parameters={"thread_id": int})
    with pytest.raises(TypeError):
        compiled.fetch(thread=1)
    with pytest.raises(TypeError):
        CompiledQuery(Answer, _answers, parameters={"thread_id": float})
