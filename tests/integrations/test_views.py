"""The integrations page as a brand admin uses it: choosing each endpoint's events, and the
"send test event" button, whose delivery shows in the log and reaches the tool signed."""

from __future__ import annotations

import pytest
from django.urls import reverse

from feedback.models import WebhookDelivery, WebhookEndpoint
from feedback.services import integrations as feedback_integrations
from qa import services as qa_services

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    return response.content.decode().replace("&#x27;", "'").replace("&quot;", '"')


@pytest.fixture
def endpoint(official, brand_admin, receiver):
    endpoint = feedback_integrations.webhook_endpoint_create(
        actor=brand_admin, brand=official, url=receiver.url, format="json"
    )
    receiver.secret = official.signing_secret.secret
    return endpoint


def _url(name, endpoint):
    return reverse(f"feedback:integrations_{name}", args=[endpoint.brand.slug, endpoint.pk])


def test_the_page_lists_every_kind_with_the_endpoints_ticked(
    login, official, brand_admin, endpoint
):
    page = _text(login(brand_admin).get(reverse("feedback:integrations", args=[official.slug])))
    assert "An answer is posted" in page and "A private case is opened" in page
    assert 'value="feedback_item.created" checked' in page
    assert 'value="answer.posted">' in page  # not ticked: endpoints begin with feedback's
    assert "Send test event" in page


def test_an_admin_chooses_the_events_and_the_endpoint_hears_just_those(
    login, official, brand_admin, endpoint, customer_thread, rep, receiver, committed
):
    response = login(brand_admin).post(
        _url("endpoint_events", endpoint), {"events": ["answer.posted", "thread.taken"]}
    )
    assert response.status_code == 302
    endpoint.refresh_from_db()
    assert endpoint.events == ["answer.posted", "thread.taken"]
    with committed():
        qa_services.answer_create(author=rep, thread=customer_thread, body="Update to 2.2.")
    with committed():
        qa_services.thread_create(
            author=rep, brand=official, title="Known issue: E-12", body="We are on it."
        )
    assert receiver.kinds() == ["answer.posted"]


def test_unknown_kinds_are_refused_and_nothing_changes(login, brand_admin, endpoint):
    response = login(brand_admin).post(
        _url("endpoint_events", endpoint), {"events": ["answer.posted", "order.shipped"]}
    )
    assert response.status_code == 302
    endpoint.refresh_from_db()
    assert endpoint.events == ["feedback_item.created", "feedback_item.changed"]


def test_the_test_event_reaches_the_tool_signed_and_shows_in_the_log(
    login, official, brand_admin, endpoint, receiver, committed
):
    client = login(brand_admin)
    with committed():
        response = client.post(_url("endpoint_test", endpoint))
    assert response.status_code == 302
    [request] = receiver.requests
    assert request["refusal"] == ""  # the receiver checked the signature
    assert request["headers"]["X-Sodan-Event"] == "ping"
    [body] = receiver.accepted()
    assert body["kind"] == "ping" and body["by"]["id"] == brand_admin.pk
    delivery = WebhookDelivery.objects.get()
    assert (delivery.event, delivery.status, delivery.endpoint) == ("ping", "delivered", endpoint)
    page = _text(client.get(reverse("feedback:integrations", args=[official.slug])))
    assert "<td>ping</td>" in page and "Delivered" in page


@pytest.mark.parametrize("who", ["rep", "product_member", "rival_admin", "customer"])
@pytest.mark.parametrize("name", ["endpoint_test", "endpoint_events"])
def test_only_the_brands_admins_may(request, login, endpoint, who, name):
    response = login(request.getfixturevalue(who)).post(
        _url(name, endpoint), {"events": ["case.opened"]}
    )
    assert response.status_code == 403
    assert not WebhookDelivery.objects.exists()
    assert WebhookEndpoint.objects.get().events == [
        "feedback_item.created",
        "feedback_item.changed",
    ]


def test_staff_may_send_a_test_event(login, staff, endpoint):
    assert login(staff).post(_url("endpoint_test", endpoint)).status_code == 302
    assert WebhookDelivery.objects.get().event == "ping"


def test_another_brands_endpoint_is_not_found(login, rival, rival_admin, endpoint):
    url = reverse("feedback:integrations_endpoint_test", args=[rival.slug, endpoint.pk])
    assert login(rival_admin).post(url).status_code == 404
    assert not WebhookDelivery.objects.exists()


def test_anonymous_visitors_are_sent_to_sign_in(client, endpoint):
    response = client.post(_url("endpoint_test", endpoint))
    assert response.status_code == 302 and "login" in response["Location"]
    assert not WebhookDelivery.objects.exists()
