"""event_emit: one delivery per active endpoint of the brand subscribed to the kind, in the
caller's transaction, sent through the outbox with feedback webhooks' signing and log."""

from __future__ import annotations

import pytest
from django.db import transaction

from feedback.models import WebhookDelivery, WebhookEndpoint
from feedback.services import integrations as feedback_integrations
from integrations import events
from integrations.services import event_emit
from outbox.models import Message
from qa import services as qa_services

pytestmark = pytest.mark.django_db

CASE_DATA = {"case": {"id": 7, "subject": "Order 4411-22", "messages": ["My address is…"]}}


def _endpoint(brand, admin, url, kinds):
    endpoint = feedback_integrations.webhook_endpoint_create(
        actor=admin, brand=brand, url=url, format="json"
    )
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(events=kinds)
    endpoint.refresh_from_db()
    return endpoint


def test_only_endpoints_subscribed_to_the_kind_get_a_delivery(official, brand_admin):
    cases = _endpoint(official, brand_admin, "https://helpdesk.example/in", ["case.opened"])
    _endpoint(official, brand_admin, "https://tracker.example/in", list(events.PUBLIC_KINDS))
    assert event_emit(brand=official, kind="case.opened", data=CASE_DATA) == 1
    delivery = WebhookDelivery.objects.get()
    assert (delivery.endpoint, delivery.event) == (cases, "case.opened")
    assert delivery.payload["case"]["subject"] == "Order 4411-22"
    assert delivery.payload["brand"] == {"slug": "hoshino-camera", "name": "Hoshino Camera"}
    # Sent by the outbox after commit, like every feedback webhook.
    assert Message.objects.filter(task="brands.feedback.tasks.deliver_webhook").count() == 1


def test_paused_endpoints_and_other_brands_endpoints_get_nothing(
    official, brand_admin, rival, rival_admin
):
    paused = _endpoint(official, brand_admin, "https://a.example/in", ["case.resolved"])
    WebhookEndpoint.objects.filter(pk=paused.pk).update(active=False)
    _endpoint(rival, rival_admin, "https://b.example/in", ["case.resolved"])
    assert event_emit(brand=official, kind="case.resolved", data=CASE_DATA) == 0
    assert not WebhookDelivery.objects.exists() and not Message.objects.exists()


def test_the_deliveries_roll_back_with_the_change(official, brand_admin):
    _endpoint(official, brand_admin, "https://a.example/in", ["case.opened"])
    with pytest.raises(RuntimeError), transaction.atomic():
        event_emit(brand=official, kind="case.opened", data=CASE_DATA)
        raise RuntimeError("the case could not be saved")
    assert not WebhookDelivery.objects.exists() and not Message.objects.exists()


def test_a_case_never_rides_on_another_kind(official, brand_admin):
    _endpoint(official, brand_admin, "https://a.example/in", list(events.KINDS))
    with pytest.raises(ValueError, match="case"):
        event_emit(brand=official, kind="thread.created", data=CASE_DATA)
    with pytest.raises(ValueError, match="Unknown event kind"):
        event_emit(brand=official, kind="case.reopened", data=CASE_DATA)
    assert not WebhookDelivery.objects.exists()


def test_existing_endpoints_keep_hearing_only_about_feedback_items(official, brand_admin):
    endpoint = feedback_integrations.webhook_endpoint_create(
        actor=brand_admin, brand=official, url="https://a.example/in", format="json"
    )
    assert endpoint.events == ["feedback_item.created", "feedback_item.changed"]
    assert event_emit(brand=official, kind="case.opened", data=CASE_DATA) == 0


def test_a_subscribed_receiver_gets_it_signed_with_the_brands_secret(
    official, brand_admin, receiver, committed
):
    _endpoint(official, brand_admin, receiver.url, ["case.opened"])
    receiver.secret = official.signing_secret.secret
    with committed(), transaction.atomic():
        event_emit(brand=official, kind="case.opened", data=CASE_DATA)
    [request] = receiver.requests
    assert request["refusal"] == ""
    assert request["headers"]["X-Sodan-Event"] == "case.opened"
    assert receiver.accepted()[0]["case"] == CASE_DATA["case"]
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.response_code) == ("delivered", 200)


def test_a_receiver_holding_another_secret_refuses_it(official, brand_admin, receiver, committed):
    """The receiver's check is a real one: signed with the brand's secret, nothing else."""
    _endpoint(official, brand_admin, receiver.url, ["case.opened"])
    receiver.secret = "not the brand's secret"
    with committed(), transaction.atomic():
        event_emit(brand=official, kind="case.opened", data=CASE_DATA)
    [request] = receiver.requests
    assert request["refusal"] == "bad signature"
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.response_code) == ("failed", 401)


def test_over_http_a_case_reaches_only_the_helpdesk(
    official, brand_admin, customer_thread, rep, make_receiver, committed
):
    helpdesk, tracker = make_receiver(), make_receiver()
    _endpoint(official, brand_admin, helpdesk.url, list(events.CASE_KINDS))
    _endpoint(official, brand_admin, tracker.url, list(events.PUBLIC_KINDS))
    helpdesk.secret = tracker.secret = official.signing_secret.secret
    with committed(), transaction.atomic():
        event_emit(brand=official, kind="case.opened", data=CASE_DATA)
        event_emit(brand=official, kind="case.resolved", data=CASE_DATA)
    with committed():
        qa_services.answer_create(author=rep, thread=customer_thread, body="Continued privately.")
    assert helpdesk.kinds() == ["case.opened", "case.resolved"]
    assert tracker.kinds() == ["answer.posted"]
    assert not any(b"4411-22" in request["body"] for request in tracker.requests)


def test_slack_gets_one_line_and_never_a_cases_contents(
    official, brand_admin, customer_thread, rep, committed
):
    endpoint = feedback_integrations.webhook_endpoint_create(
        actor=brand_admin,
        brand=official,
        url="https://hooks.slack.com/services/T0/B0/x",
        format="slack",
        events=["answer.posted", "case.opened"],
    )
    answer = qa_services.answer_create(author=rep, thread=customer_thread, body="On it.")
    event_emit(brand=official, kind="case.opened", data=CASE_DATA)
    deliveries = WebhookDelivery.objects.filter(endpoint=endpoint).order_by("id")
    posted, opened = (delivery.payload for delivery in deliveries)
    assert set(posted) == {"text"}
    assert posted["text"] == (
        f"*Hoshino Camera*: New answer by Yuki in <{events.site_url(answer.get_absolute_url())}"
        f"|{customer_thread.title}>"
    )
    assert "4411-22" not in opened["text"] and "address" not in opened["text"]
