"""Each event kind is emitted once by the service that does the thing, in its transaction,
and not at all when the service refuses: what a brand's tool receives is what happened."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from brands import services as brand_services
from brands import tasks as brand_tasks
from feedback.models import WebhookDelivery, WebhookEndpoint
from feedback.services import integrations as feedback_integrations
from feedback.services import items as feedback_services
from integrations import events
from moderation import services as moderation_services
from moderation.models import ModeratorAppointment
from qa import services as qa_services
from qa.models import Thread
from tests.community.factories import UserFactory
from tests.qa.factories import AnswerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def tool(official, brand_admin, receiver):
    """The brand's tool, subscribed to every kind but the private cases'."""
    endpoint = feedback_integrations.webhook_endpoint_create(
        actor=brand_admin, brand=official, url=receiver.url, format="json"
    )
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(events=list(events.PUBLIC_KINDS))
    receiver.secret = official.signing_secret.secret
    return endpoint


@pytest.fixture
def moderator(db):
    user = UserFactory(username="mod", display_name="Mo Derator")
    ModeratorAppointment.objects.create(user=user)
    return user


def emitted(kind: str | None = None) -> list[dict]:
    bodies = [d.payload for d in WebhookDelivery.objects.order_by("id")]
    return [body for body in bodies if kind is None or body["kind"] == kind]


def test_thread_created(tool, official, z5, customer, unverified):
    thread = qa_services.thread_create(
        author=customer, brand=official, product=z5, title="Lens error E-12", body="Since 2.1."
    )
    [body] = emitted("thread.created")
    assert body["event"] == "thread.created"
    assert body["thread"]["id"] == thread.pk and body["thread"]["title"] == "Lens error E-12"
    assert body["thread"]["url"].endswith(thread.get_absolute_url())
    assert body["thread"]["product"] == {"slug": "z5", "name": "Z5"}
    assert body["thread"]["author"] == {"id": customer.pk, "name": "Hana"}
    with pytest.raises(PermissionDenied):
        qa_services.thread_create(author=unverified, brand=official, title="Hi", body="Hello.")
    assert len(emitted("thread.created")) == 1


def test_answer_posted(tool, customer_thread, rep, unverified):
    answer = qa_services.answer_create(author=rep, thread=customer_thread, body="Update to 2.2.")
    [body] = emitted("answer.posted")
    assert body["answer"]["id"] == answer.pk and body["answer"]["official"] is True
    assert body["answer"]["url"].endswith(f"#answer-{answer.pk}")
    assert body["thread"]["id"] == customer_thread.pk
    with pytest.raises(PermissionDenied):
        qa_services.answer_create(author=unverified, thread=customer_thread, body="Me neither.")
    assert len(emitted("answer.posted")) == 1


def test_answer_accepted(tool, customer, customer_answer, other_customer):
    with pytest.raises(PermissionDenied):
        qa_services.answer_accept(actor=other_customer, answer=customer_answer)
    assert emitted("answer.accepted") == []
    qa_services.answer_accept(actor=customer, answer=customer_answer)
    qa_services.answer_accept(actor=customer, answer=customer_answer)  # already: no change
    [body] = emitted("answer.accepted")
    assert body["answer"]["id"] == customer_answer.pk
    assert body["accepted_by"] == {"id": customer.pk, "name": "Hana"}


def test_answer_verified(tool, customer_answer, moderator):
    own = AnswerFactory(thread=customer_answer.thread, author=moderator)
    with pytest.raises(PermissionDenied):
        moderation_services.answer_verify(moderator=moderator, answer=own)
    moderation_services.answer_verify(moderator=moderator, answer=customer_answer)
    with pytest.raises(ValidationError):
        moderation_services.answer_verify(moderator=moderator, answer=customer_answer)
    [body] = emitted("answer.verified")
    assert body["answer"]["id"] == customer_answer.pk
    assert body["verified_by"]["name"] == "Mo Derator"


def test_thread_taken(tool, customer_thread, rep, second_rep, rival_rep):
    with pytest.raises(PermissionDenied):
        brand_services.thread_take(actor=rival_rep, thread=customer_thread)
    brand_services.thread_take(actor=rep, thread=customer_thread)
    brand_services.thread_take(actor=rep, thread=customer_thread)  # already theirs
    with pytest.raises(PermissionDenied):
        brand_services.thread_take(actor=second_rep, thread=customer_thread)
    [body] = emitted("thread.taken")
    assert body["thread"]["id"] == customer_thread.pk
    assert body["owner"] == {"id": rep.pk, "name": "Yuki"}


def test_thread_handed_over(tool, customer_thread, rep, second_rep, rival_rep):
    brand_services.thread_take(actor=rep, thread=customer_thread)
    with pytest.raises(ValidationError):
        brand_services.thread_hand_over(actor=rep, thread=customer_thread, to=rival_rep)
    assert emitted("thread.handed_over") == []
    brand_services.thread_hand_over(actor=rep, thread=customer_thread, to=second_rep)
    [body] = emitted("thread.handed_over")
    assert body["owner"]["id"] == second_rep.pk and body["previous_owner"]["id"] == rep.pk
    assert body["by"]["id"] == rep.pk


def test_response_target_breached_once_however_often_the_check_runs(
    tool, official, brand_admin, customer_thread, committed
):
    Thread.objects.filter(pk=customer_thread.pk).update(
        created_at=timezone.now() - timedelta(hours=25)
    )
    for _run in range(3):
        with committed():
            brand_tasks.response_targets_check.delay().get()
    [body] = emitted("response_target.breached")
    assert body["thread"]["id"] == customer_thread.pk
    assert body["target_hours"] == official.response_target_hours


def test_response_target_met_emits_nothing(tool, customer_thread, committed):
    Thread.objects.filter(pk=customer_thread.pk).update(
        created_at=timezone.now() - timedelta(hours=2)
    )
    with committed():
        brand_tasks.response_targets_check.delay().get()
    assert emitted("response_target.breached") == []


def test_crisis_matched(tool, official, brand_admin, customer, customer_thread):
    moderation_services.crisis_keyword_add(actor=brand_admin, brand=official, phrase="発火")
    qa_services.answer_create(author=customer, thread=customer_thread, body="Only a warm case.")
    assert emitted("crisis.matched") == []
    answer = qa_services.answer_create(
        author=customer, thread=customer_thread, body="My battery 発火 last night!"
    )
    [body] = emitted("crisis.matched")
    assert body["keywords"] == ["発火"]
    assert body["answer"]["id"] == answer.pk and body["thread"]["id"] == customer_thread.pk


def test_feedback_item_created_and_changed(
    tool, official, product_member, customer, customer_thread
):
    with pytest.raises(PermissionDenied):
        feedback_services.feedback_item_create(actor=customer, brand=official, title="E-12")
    item = feedback_services.feedback_item_create(
        actor=product_member, brand=official, title="E-12", threads=[customer_thread]
    )
    with pytest.raises(PermissionDenied):
        feedback_services.feedback_status_set(actor=customer, item=item, status="planned")
    feedback_services.feedback_status_set(actor=product_member, item=item, status="planned")
    [created] = emitted("feedback_item.created")
    [changed] = emitted("feedback_item.changed")
    assert created["event"] == "item.created" and created["item"]["id"] == item.pk
    assert changed["event"] == "item.status_changed" and changed["change"] == "status_changed"
    assert changed["previous_status"] == "new" and changed["item"]["status"] == "planned"


def test_what_the_tool_receives_is_signed_and_names_nobody_by_address(
    tool, receiver, customer, customer_thread, rep, committed
):
    with committed():
        qa_services.answer_create(author=rep, thread=customer_thread, body="Update to 2.2.")
    assert receiver.kinds() == ["answer.posted"]
    [request] = receiver.requests
    assert request["headers"]["X-Sodan-Event"] == "answer.posted"
    body = request["body"].decode()
    assert customer.email not in body and rep.email not in body
