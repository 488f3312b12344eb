"""The issue tracker and webhooks, as the brand's tools see them.

Inbound: requests signed with the brand's secret change an item's status (the generic
JSON format and GitHub's issues event); closing the issue ships the item and closes the
loop; replays and bad signatures are refused and show up in the inbound log.

Outbound: a real HTTP server on this machine stands in for Slack and for an issue
tracker, so the tests see the bytes, headers and signatures a receiver would, and what
happens to the team's action when the receiver fails.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core import mail
from django.urls import reverse

from community.models import Notification
from feedback.models import (
    FeedbackItem,
    FeedbackStatusChange,
    InboundWebhook,
    WebhookDelivery,
    WebhookEndpoint,
)
from feedback.services import integrations as services
from feedback.services import items as feedback_services
from qa import services as qa_services
from tests.community.factories import UserFactory
from tests.outbox.helpers import sweep_until_settled
from tests.qa.factories import ThreadFactory

pytestmark = pytest.mark.django_db

ISSUE = "https://github.com/hoshino-camera/z5-firmware/issues/412"


def _text(response) -> str:
    return response.content.decode().replace("&#x27;", "'").replace("&quot;", '"')


@pytest.fixture
def secret(official, brand_admin) -> str:
    return services.signing_secret_rotate(actor=brand_admin, brand=official).secret


@pytest.fixture
def item(official, product_member, customer_thread):
    return feedback_services.feedback_item_create(
        actor=product_member,
        brand=official,
        title="E-12 after 2.1",
        issue_url=ISSUE,
        threads=[customer_thread],
    )


@pytest.fixture
def me_too(customer_thread, other_customer):
    qa_services.thread_me_too_toggle(
        user=other_customer, thread=customer_thread, version="2.1.0", platform="Z5"
    )
    return other_customer


# --- Inbound: signing as a tracker would --------------------------------------------------


def sodan_headers(secret: str, body: bytes, *, at: int | None = None) -> dict[str, str]:
    """What a tracker computes from the README's recipe, without Sodan's code."""
    timestamp = int(time.time()) if at is None else at
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return {"X-Sodan-Signature": f"t={timestamp},v1={digest.hexdigest()}"}


def github_headers(secret: str, body: bytes, *, delivery: str = "d-1") -> dict[str, str]:
    digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return {
        "X-GitHub-Event": "issues",
        "X-GitHub-Delivery": delivery,
        "X-Hub-Signature-256": f"sha256={digest}",
    }


def github_issue_event(action: str, *, state_reason: str | None = None, milestone="") -> bytes:
    issue = {
        "html_url": ISSUE,
        "number": 412,
        "state": "closed" if action == "closed" else "open",
        "state_reason": state_reason,
        "milestone": {"title": milestone} if milestone else None,
    }
    return json.dumps({"action": action, "issue": issue}).encode()


def post_inbound(client, brand, body: bytes, headers: dict[str, str]):
    return client.post(
        reverse("feedback:integrations_inbound", args=[brand.slug]),
        data=body,
        content_type="application/json",
        headers=headers,
    )


def test_the_generic_format_ships_the_item_and_closes_the_loop(
    client, official, secret, item, customer, me_too, committed
):
    body = json.dumps(
        {"issue_url": ISSUE, "status": "shipped", "shipped_in": "2.3", "message": "Update to 2.3."}
    ).encode()
    with committed():
        response = post_inbound(client, official, body, sodan_headers(secret, body))
    assert response.status_code == 200
    assert response.json() == {
        "ok": True,
        "detail": "shipped",
        "item": item.pk,
        "status": "shipped",
    }
    item.refresh_from_db()
    assert (item.status, item.shipped_in, item.resolution) == ("shipped", "2.3", "Update to 2.3.")
    change = FeedbackStatusChange.objects.get(item=item, to_status="shipped")
    assert change.source == "tracker" and change.actor is None
    # The asker and the person who said "me too" are told, in the app and by e-mail.
    for person in (customer, me_too):
        notice = person.notifications.get(kind=Notification.Kind.FEEDBACK_SHIPPED)
        assert "Fixed in version 2.3" in notice.message and "Update to 2.3." in notice.message
    assert sorted(m.to[0] for m in mail.outbox) == sorted([customer.email, me_too.email])
    logged = InboundWebhook.objects.get()
    assert (logged.outcome, logged.source, logged.item) == ("accepted", "sodan", item)


def test_the_generic_format_may_name_the_item_by_number(client, official, secret, item):
    body = json.dumps({"item": item.pk, "status": "in_progress"}).encode()
    response = post_inbound(client, official, body, sodan_headers(secret, body))
    assert response.status_code == 200
    item.refresh_from_db()
    assert item.status == "in_progress"


def test_closing_the_github_issue_ships_the_item_and_tells_everyone_once(
    client, official, secret, item, customer, me_too, committed
):
    body = github_issue_event("closed", state_reason="completed", milestone="2.3")
    with committed():
        response = post_inbound(client, official, body, github_headers(secret, body))
    assert response.status_code == 200
    item.refresh_from_db()
    assert (item.status, item.shipped_in) == ("shipped", "2.3")
    assert customer.notifications.filter(kind="feedback_shipped").count() == 1
    assert len(mail.outbox) == 2

    # Reopened and closed again in the tracker: back in progress, shipped again, and
    # still nobody hears it twice.
    for action, delivery in (("reopened", "d-2"), ("closed", "d-3")):
        body = github_issue_event(action, state_reason="completed")
        with committed():
            response = post_inbound(
                client, official, body, github_headers(secret, body, delivery=delivery)
            )
        assert response.status_code == 200
    item.refresh_from_db()
    assert item.status == "shipped"
    assert list(item.status_changes.order_by("pk").values_list("to_status", flat=True)) == [
        "shipped",
        "in_progress",
        "shipped",
    ]
    assert customer.notifications.filter(kind="feedback_shipped").count() == 1
    assert len(mail.outbox) == 2


def test_closed_as_not_planned_declines_instead_of_shipping(
    client, official, secret, item, customer, customer_thread, committed
):
    body = github_issue_event("closed", state_reason="not_planned")
    with committed():
        response = post_inbound(client, official, body, github_headers(secret, body))
    assert response.status_code == 200
    item.refresh_from_db()
    assert item.status == "declined"
    assert not customer.notifications.filter(kind="feedback_shipped").exists()
    page = _text(client.get(customer_thread.get_absolute_url()))
    assert "The team has decided not to do this" in page
    assert "Closed as not planned in the issue tracker." in page


def test_other_github_events_are_answered_but_change_nothing(client, official, secret, item):
    ping = json.dumps({"zen": "Keep it logically awesome."}).encode()
    headers = {**github_headers(secret, ping), "X-GitHub-Event": "ping"}
    response = post_inbound(client, official, ping, headers)
    assert (response.status_code, response.json()["detail"]) == (200, "pong")
    labelled = json.dumps({"action": "labeled", "issue": {"html_url": ISSUE}}).encode()
    response = post_inbound(
        client, official, labelled, github_headers(secret, labelled, delivery="d-9")
    )
    assert response.status_code == 202
    assert "Only closing and reopening" in response.json()["detail"]
    item.refresh_from_db()
    assert item.status == "new"
    assert set(InboundWebhook.objects.values_list("outcome", flat=True)) == {"ignored"}


def test_a_replayed_request_is_refused_and_logged(client, official, secret, item, rep):
    body = json.dumps({"issue_url": ISSUE, "status": "in_progress"}).encode()
    headers = sodan_headers(secret, body)
    assert post_inbound(client, official, body, headers).status_code == 200
    # The team moves on; someone who captured the request sends it again.
    feedback_services.feedback_status_set(actor=rep, item=item, status="under_review")
    response = post_inbound(client, official, body, headers)
    assert response.status_code == 409
    assert "replays are refused" in response.json()["detail"]
    item.refresh_from_db()
    assert item.status == "under_review"
    refused = InboundWebhook.objects.get(outcome="refused")
    assert "replays are refused" in refused.reason and refused.item is None


def test_a_replayed_github_delivery_is_refused(client, official, secret, item):
    body = github_issue_event("reopened")
    headers = github_headers(secret, body, delivery="same-delivery")
    assert post_inbound(client, official, body, headers).status_code == 200
    assert post_inbound(client, official, body, headers).status_code == 409
    assert InboundWebhook.objects.filter(outcome="refused").count() == 1


@pytest.mark.parametrize(
    ("make_headers", "reason"),
    [
        (lambda secret, body: {}, "The X-Sodan-Signature header is missing."),
        (
            lambda secret, body: sodan_headers("not-the-secret", body),
            "The signature does not match the body.",
        ),
        (
            lambda secret, body: sodan_headers(secret, body + b" "),
            "The signature does not match the body.",
        ),
        (
            lambda secret, body: sodan_headers(secret, body, at=int(time.time()) - 301),
            "The signature is more than five minutes old.",
        ),
        (
            lambda secret, body: sodan_headers(secret, body, at=int(time.time()) + 360),
            "The signature's timestamp is in the future.",
        ),
        (
            lambda secret, body: {"X-Sodan-Signature": "v1=abc"},
            "The signature has no valid timestamp",
        ),
        (
            lambda secret, body: {
                **github_headers(secret, body),
                "X-Hub-Signature-256": "sha256=" + "0" * 64,
            },
            "The signature does not match the body.",
        ),
        (
            lambda secret, body: {**github_headers(secret, body), "X-Hub-Signature-256": ""},
            "The X-Hub-Signature-256 header is missing or malformed.",
        ),
    ],
)
def test_bad_signatures_are_refused_and_logged_with_the_reason(
    client, official, secret, item, make_headers, reason
):
    body = json.dumps({"issue_url": ISSUE, "status": "shipped"}).encode()
    response = post_inbound(client, official, body, make_headers(secret, body))
    assert response.status_code == 401
    assert reason in response.json()["detail"] and response.json()["ok"] is False
    item.refresh_from_db()
    assert item.status == "new"
    logged = InboundWebhook.objects.get()
    assert logged.outcome == "refused" and reason in logged.reason
    assert logged.remote_addr == "127.0.0.1"


def test_a_replaced_secret_stops_working_at_once(client, official, secret, item, brand_admin):
    services.signing_secret_rotate(actor=brand_admin, brand=official)
    body = json.dumps({"issue_url": ISSUE, "status": "shipped"}).encode()
    response = post_inbound(client, official, body, sodan_headers(secret, body))
    assert response.status_code == 401
    item.refresh_from_db()
    assert item.status == "new"


def test_another_brands_secret_opens_nothing_here(client, official, rival, rival_admin, item):
    rival_secret = services.signing_secret_rotate(actor=rival_admin, brand=rival).secret
    services.signing_secret_rotate(actor=UserFactory(is_staff=True), brand=official)
    body = json.dumps({"issue_url": ISSUE, "status": "shipped"}).encode()
    response = post_inbound(client, official, body, sodan_headers(rival_secret, body))
    assert response.status_code == 401
    # Nor does the rival's endpoint reach this brand's item with its own secret.
    response = post_inbound(client, rival, body, sodan_headers(rival_secret, body))
    assert response.status_code == 404
    item.refresh_from_db()
    assert item.status == "new"


def test_a_brand_without_a_secret_refuses_everything(client, official, item):
    body = json.dumps({"issue_url": ISSUE, "status": "shipped"}).encode()
    response = post_inbound(client, official, body, sodan_headers("guess", body))
    assert response.status_code == 401
    assert "no signing secret yet" in response.json()["detail"]
    assert InboundWebhook.objects.get().outcome == "refused"


@pytest.mark.parametrize(
    ("payload", "code", "detail"),
    [
        ({"issue_url": ISSUE, "status": "done"}, 400, "“status” must be one of"),
        ({"issue_url": ISSUE + "0", "status": "shipped"}, 404, "No feedback item"),
        ({"issue_url": ISSUE, "status": "declined"}, 422, "Say why"),
        (["not", "an", "object"], 400, "must be a JSON object"),
    ],
)
def test_signed_but_unusable_requests_say_why(
    client, official, secret, item, payload, code, detail
):
    body = json.dumps(payload).encode()
    response = post_inbound(client, official, body, sodan_headers(secret, body))
    assert response.status_code == code
    assert detail in response.json()["detail"]
    item.refresh_from_db()
    assert item.status == "new"
    assert InboundWebhook.objects.get().outcome == "refused"


def test_the_endpoint_takes_posts_only_and_unknown_brands_are_404(client, official, secret):
    url = reverse("feedback:integrations_inbound", args=[official.slug])
    assert client.get(url).status_code == 405
    missing = reverse("feedback:integrations_inbound", args=["no-such-brand"])
    assert client.post(missing, data=b"{}", content_type="application/json").status_code == 404


def test_admins_read_what_was_received_and_refused(
    login, client, official, secret, item, brand_admin
):
    body = json.dumps({"issue_url": ISSUE, "status": "shipped"}).encode()
    post_inbound(client, official, body, sodan_headers("wrong", body))
    post_inbound(client, official, body, sodan_headers(secret, body))
    page = _text(login(brand_admin).get(reverse("feedback:integrations", args=[official.slug])))
    assert "The signature does not match the body." in page
    assert "Refused" in page and "Accepted" in page
    assert item.get_absolute_url() in page
    assert reverse("feedback:integrations_inbound", args=[official.slug]) in page


# --- Outbound: a receiver on this machine ---------------------------------------------------


@dataclass
class Receiver:
    """An HTTP server that records every request and answers with the codes it is given
    (the last one repeats)."""

    url: str
    codes: list[int] = field(default_factory=lambda: [200])
    requests: list[dict] = field(default_factory=list)

    def bodies(self) -> list[dict]:
        return [json.loads(request["body"]) for request in self.requests]


@pytest.fixture
def receiver(settings):
    settings.SODAN_WEBHOOKS_ALLOW_LOCAL = True
    state = Receiver(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers.get("Content-Length", 0))
            state.requests.append(
                {"path": self.path, "headers": dict(self.headers), "body": self.rfile.read(length)}
            )
            code = state.codes[min(len(state.requests) - 1, len(state.codes) - 1)]
            self.send_response(code)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_port}/hook"
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()


def _endpoint(official, brand_admin, receiver, format="json") -> WebhookEndpoint:
    return services.webhook_endpoint_create(
        actor=brand_admin, brand=official, url=receiver.url, format=format
    )


def test_an_item_created_is_posted_signed_with_the_brands_secret(
    official, brand_admin, product_member, customer_thread, receiver, committed
):
    _endpoint(official, brand_admin, receiver)
    secret = official.signing_secret.secret  # created with the first endpoint
    with committed():
        item = feedback_services.feedback_item_create(
            actor=product_member, brand=official, title="E-12 after 2.1", threads=[customer_thread]
        )
    [request] = receiver.requests
    headers, body = request["headers"], request["body"]
    assert headers["Content-Type"] == "application/json"
    assert headers["X-Sodan-Event"] == "item.created"
    timestamp, signature = (
        part.split("=", 1)[1] for part in headers["X-Sodan-Signature"].split(",")
    )
    expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    assert hmac.compare_digest(signature, expected.hexdigest())
    assert abs(int(timestamp) - time.time()) < 300
    payload = json.loads(body)
    assert payload["event"] == "item.created"
    assert payload["brand"] == {"slug": "hoshino-camera", "name": "Hoshino Camera"}
    assert payload["item"]["id"] == item.pk and payload["item"]["status"] == "new"
    assert payload["item"]["people_affected"] == 1
    assert payload["item"]["threads"][0]["url"].endswith(f"/t/{customer_thread.pk}/")
    assert customer_thread.author.email not in body.decode()
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.response_code) == ("delivered", 1, 200)


def test_status_changes_and_linked_threads_are_posted(
    official, brand_admin, rep, item, customer, receiver, committed
):
    _endpoint(official, brand_admin, receiver)
    more = ThreadFactory(brand=official, author=customer)
    with committed():
        feedback_services.feedback_threads_link(actor=rep, item=item, threads=[more])
    with committed():
        feedback_services.feedback_status_set(
            actor=rep, item=item, status="shipped", shipped_in="2.3", message="Thanks!"
        )
    linked, shipped = receiver.bodies()
    assert linked["event"] == "item.threads_linked" and linked["threads"] == [more.pk]
    assert shipped["event"] == "item.status_changed"
    assert shipped["previous_status"] == "new"
    assert shipped["item"]["status"] == "shipped"
    assert shipped["item"]["public_status"] == "Fixed in version 2.3"
    assert shipped["item"]["resolution"] == "Thanks!"
    assert [r["headers"]["X-Sodan-Event"] for r in receiver.requests] == [
        "item.threads_linked",
        "item.status_changed",
    ]


def test_slack_gets_one_readable_line_with_a_link(
    official, brand_admin, rep, item, receiver, committed
):
    _endpoint(official, brand_admin, receiver, format="slack")
    FeedbackItem.objects.filter(pk=item.pk).update(title="<E-12> & co")
    item.refresh_from_db()
    with committed():
        feedback_services.feedback_status_set(actor=rep, item=item, status="planned")
    [payload] = receiver.bodies()
    assert set(payload) == {"text"}
    url = services.absolute(item.get_absolute_url())
    assert payload["text"] == (
        f"*Hoshino Camera*: <{url}|#{item.pk} &lt;E-12&gt; &amp; co> is now *Let's do it* "
        "(1 people affected)"
    )


def test_a_failing_endpoint_never_blocks_the_teams_action(
    login, official, brand_admin, product_member, item, receiver, committed
):
    receiver.codes = [500]
    _endpoint(official, brand_admin, receiver)
    with committed():
        response = login(product_member).post(
            reverse("feedback:item_status", args=[official.slug, item.pk]),
            {"status": "in_progress"},
        )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == "in_progress"
    sweep_until_settled()  # the outbox retries after each backoff
    # Retried until its five attempts were used, the same body each time.
    assert len(receiver.requests) == services.WEBHOOK_MAX_ATTEMPTS
    assert len({request["body"] for request in receiver.requests}) == 1
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.response_code) == ("failed", 5, 500)
    assert delivery.error == "HTTP 500"
    page = _text(login(brand_admin).get(reverse("feedback:integrations", args=[official.slug])))
    assert "item.status_changed" in page and "HTTP 500" in page and "Failed" in page


def test_a_passing_failure_is_retried_until_delivered(
    official, brand_admin, rep, item, receiver, committed
):
    receiver.codes = [503, 429, 200]
    _endpoint(official, brand_admin, receiver)
    with committed():
        feedback_services.feedback_status_set(actor=rep, item=item, status="under_review")
    sweep_until_settled()  # the outbox retries after each backoff
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.response_code) == ("delivered", 3, 200)
    assert delivery.error == ""
    assert len(receiver.requests) == 3
    # Each retry is signed afresh but carries the delivery's id, so receivers can dedupe.
    assert {r["headers"]["X-Sodan-Delivery"] for r in receiver.requests} == {str(delivery.pk)}


def test_a_refusing_endpoint_is_not_pestered(official, brand_admin, rep, item, receiver, committed):
    receiver.codes = [404]
    _endpoint(official, brand_admin, receiver)
    with committed():
        feedback_services.feedback_status_set(actor=rep, item=item, status="under_review")
    assert len(receiver.requests) == 1
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.response_code) == ("failed", 1, 404)


def test_an_unreachable_endpoint_is_logged_and_the_action_stands(
    settings, official, brand_admin, rep, item, committed
):
    settings.SODAN_WEBHOOKS_ALLOW_LOCAL = True
    server = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    closed_port = server.server_port
    server.server_close()  # nothing listens there any more
    services.webhook_endpoint_create(
        actor=brand_admin, brand=official, url=f"http://127.0.0.1:{closed_port}/", format="json"
    )
    with committed():
        feedback_services.feedback_status_set(actor=rep, item=item, status="planned")
    item.refresh_from_db()
    assert item.status == "planned"
    sweep_until_settled()  # the outbox retries after each backoff
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "failed" and delivery.attempts == 5
    assert "refused" in delivery.error.lower()


def test_paused_endpoints_hear_nothing(official, brand_admin, rep, item, receiver, committed):
    endpoint = _endpoint(official, brand_admin, receiver)
    services.webhook_endpoint_set_active(actor=brand_admin, endpoint=endpoint, active=False)
    with committed():
        feedback_services.feedback_status_set(actor=rep, item=item, status="planned")
    assert receiver.requests == [] and not WebhookDelivery.objects.exists()


def test_retries_wait_longer_each_time():
    waits = [services.webhook_backoff_seconds(n) for n in range(4)]
    assert waits == [30, 60, 120, 240]


# --- Managing endpoints ----------------------------------------------------------------------


def test_an_admin_adds_a_slack_webhook_and_gets_a_secret(login, official, brand_admin):
    response = login(brand_admin).post(
        reverse("feedback:integrations_endpoint_create", args=[official.slug]),
        {"url": "https://hooks.slack.com/services/T0/B0/x", "format": "slack"},
    )
    assert response.status_code == 302
    endpoint = WebhookEndpoint.objects.get()
    assert (endpoint.brand, endpoint.format) == (official, "slack")
    assert official.signing_secret.secret


@pytest.mark.parametrize(
    ("url", "error"),
    [
        ("http://hooks.example.com/x", "Use an https:// address"),
        ("https://127.0.0.1/x", "not to private networks"),
        ("https://10.0.0.8/x", "not to private networks"),
    ],
)
def test_an_address_that_cannot_receive_comes_back_with_the_error(
    login, official, brand_admin, url, error
):
    response = login(brand_admin).post(
        reverse("feedback:integrations_endpoint_create", args=[official.slug]),
        {"url": url, "format": "json", "description": "#product"},
    )
    assert response.status_code == 400
    page = _text(response)
    assert error in page and f'value="{url}"' in page and 'value="#product"' in page
    assert not WebhookEndpoint.objects.exists()


def test_reps_and_other_brands_cannot_add_webhooks(login, official, rep, rival_admin):
    url = reverse("feedback:integrations_endpoint_create", args=[official.slug])
    data = {"url": "https://hooks.slack.com/services/T0/B0/x", "format": "slack"}
    response = login(rep).post(url, data)
    assert response.status_code == 403
    assert "Only Hoshino Camera's admins manage its integrations" in _text(response)
    response = login(rival_admin).post(url, data)
    assert response.status_code == 403
    assert not WebhookEndpoint.objects.exists()
