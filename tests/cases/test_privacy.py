"""A case's contents never leave the case: not into search, the public page cache, the
public exports (sitemaps, the widget's data) or any event sent to an endpoint that is not
subscribed to case events."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from cases import services
from community import page_cache
from feedback.models import WebhookDelivery, WebhookEndpoint
from feedback.services import integrations as feedback_integrations
from integrations import events
from qa import services as qa_services
from search import services as search_services
from tests.cases.conftest import ORDER_NUMBER

pytestmark = pytest.mark.django_db

SECRET_WORD = "Kawaguchiko-3-14-Ryokan"  # an address, as a customer would write it


def _endpoint(brand, admin, url, kinds):
    endpoint = feedback_integrations.webhook_endpoint_create(
        actor=admin, brand=brand, url=url, format="json"
    )
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(events=kinds)
    return endpoint


def _whole_case(rep, customer, thread):
    case = services.case_open(actor=rep, thread=thread, body="Your order number and address?")
    services.case_message_post(actor=customer, case=case, body=f"{ORDER_NUMBER}, {SECRET_WORD}")
    services.case_resolve(actor=rep, case=case)
    services.case_summary_propose(actor=rep, case=case, body="A new lens cap was sent.")
    services.case_summary_approve(actor=customer, case=case)
    return case


def test_search_never_finds_a_cases_words(rep, customer, customer_thread):
    _whole_case(rep, customer, customer_thread)
    search_services.outbox_process()
    assert search_services.threads_search(text="lens").total == 1  # the thread is indexed
    for words in (SECRET_WORD, "HC-4411-2287", "Kawaguchiko"):
        assert search_services.threads_search(text=words).total == 0


def test_the_cached_public_page_never_holds_a_case_message(
    client, login, rep, customer, customer_thread, other_customer, monkeypatch
):
    url = customer_thread.get_absolute_url()
    client.get(url)
    dropped = []
    original = page_cache.thread_changed
    monkeypatch.setattr(
        page_cache,
        "thread_changed",
        lambda thread_id, **kw: dropped.append(thread_id) or original(thread_id, **kw),
    )
    case = services.case_open(actor=rep, thread=customer_thread, body="Order number?")
    assert dropped == [customer_thread.pk]  # the marker's door
    services.case_message_post(actor=customer, case=case, body=f"{ORDER_NUMBER} {SECRET_WORD}")
    assert dropped == [customer_thread.pk]  # a message changes no public page
    for reader in (None, other_customer):  # a visitor, then a signed-in customer
        if reader is not None:
            login(reader)
        for _ in range(2):  # rendered, then from the cache
            page = client.get(url).content.decode()
            assert "Continued privately" in page
            assert ORDER_NUMBER not in page and SECRET_WORD not in page
            assert "Order number?" not in page
        assert client.get(url)["X-Sodan-Cache"] == "hit"


def test_public_exports_hold_nothing_of_a_case(client, rep, customer, customer_thread, official):
    _whole_case(rep, customer, customer_thread)
    for url in (
        reverse("themes:brand_sitemap", args=[official.slug]),
        reverse("themes:sitemap_index"),
        reverse("themes:widget_data", args=[official.slug]),
    ):
        response = client.get(url)
        body = b"".join(response) if response.streaming else response.content
        assert ORDER_NUMBER.encode() not in body and SECRET_WORD.encode() not in body, url


def test_case_events_reach_only_endpoints_subscribed_to_them(
    official, brand_admin, rep, customer, customer_thread, committed
):
    helpdesk = _endpoint(
        official, brand_admin, "https://helpdesk.example/in", ["case.opened", "case.resolved"]
    )
    _endpoint(official, brand_admin, "https://tracker.example/in", list(events.PUBLIC_KINDS))
    _endpoint(official, brand_admin, "https://chat.example/in", ["case.opened"])
    WebhookEndpoint.objects.filter(url="https://chat.example/in").update(format="slack")
    _whole_case(rep, customer, customer_thread)
    to_helpdesk = WebhookDelivery.objects.filter(endpoint=helpdesk).order_by("pk")
    assert [d.event for d in to_helpdesk] == ["case.opened", "case.resolved"]
    opened = to_helpdesk[0].payload
    assert opened["case"]["customer"]["name"] == customer.public_name
    assert opened["case"]["messages"][0]["body"] == "Your order number and address?"
    resolved = to_helpdesk[1].payload
    assert ORDER_NUMBER in resolved["case"]["messages"][1]["body"]
    assert resolved["case"]["status"] == "solved"
    for delivery in WebhookDelivery.objects.exclude(endpoint=helpdesk):
        text = json.dumps(delivery.payload)
        assert ORDER_NUMBER not in text and SECRET_WORD not in text, delivery.event
        assert "Your order number" not in text, delivery.event


def test_a_brand_without_case_endpoints_sends_no_case_event(
    official, brand_admin, rep, customer, customer_thread
):
    _endpoint(official, brand_admin, "https://tracker.example/in", list(events.PUBLIC_KINDS))
    _whole_case(rep, customer, customer_thread)
    assert not WebhookDelivery.objects.filter(event__startswith="case.").exists()


def test_the_approved_summary_is_the_only_thing_made_public(client, rep, customer, customer_thread):
    _whole_case(rep, customer, customer_thread)
    page = client.get(customer_thread.get_absolute_url()).content.decode()
    assert "A new lens cap was sent." in page
    assert ORDER_NUMBER not in page and SECRET_WORD not in page
    qa_services.thread_subscribe(user=customer, thread=customer_thread)  # unchanged by a case
