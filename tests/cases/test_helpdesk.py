"""The helpdesk's signed status updates and replies, as the brand's tool sends them: signed
with the brand's secret in the tracker integration's scheme (X-Sodan-Signature), sent as
real HTTP requests to the running site. A bad request changes nothing."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request

import pytest
from django.urls import reverse

from cases import services
from cases.models import Case, CaseMessage, HelpdeskUpdate
from feedback.services import integrations as feedback_integrations
from tests.cases.conftest import ORDER_NUMBER

pytestmark = pytest.mark.django_db


def _signed(secret: str, payload: dict | bytes, *, at: int | None = None) -> tuple[bytes, str]:
    """What a helpdesk computes: HMAC-SHA256 of "<t>.<body>" with the shared secret."""
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    timestamp = int(time.time()) if at is None else at
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return body, f"t={timestamp},v1={digest.hexdigest()}"


@pytest.fixture
def secret(official, brand_admin):
    return feedback_integrations.signing_secret_rotate(actor=brand_admin, brand=official).secret


def _post(client, brand, body, signature):
    return client.post(
        reverse("cases:helpdesk", args=[brand.slug]),
        data=body,
        content_type="application/json",
        HTTP_X_SODAN_SIGNATURE=signature,
    )


def test_the_helpdesk_replies_names_its_case_and_solves_it(
    client, official, secret, case_with_order, customer
):
    body, signature = _signed(
        secret,
        {
            "case": case_with_order.pk,
            "reference": "ZD-88412",
            "reply": {"author": "Mika", "body": "The new cap ships **today**."},
            "status": "solved",
        },
    )
    response = _post(client, official, body, signature)
    assert response.status_code == 200, response.content
    assert response.json() == {
        "ok": True,
        "detail": "solved",
        "case": case_with_order.pk,
        "status": "solved",
    }
    case = Case.objects.get(pk=case_with_order.pk)
    assert (case.status, case.external_reference, case.resolved_by) == ("solved", "ZD-88412", None)
    reply = case.messages.get(source=CaseMessage.Source.HELPDESK)
    assert reply.helpdesk_author == "Mika" and "<strong>today</strong>" in reply.body_html
    # The replay of the very same request is refused and changes nothing.
    response = _post(client, official, body, signature)
    assert response.status_code == 409
    assert case.messages.count() == 3


def _refused(client, brand, body, signature, code, words, case):
    before = (case.messages.count(), Case.objects.get(pk=case.pk).status)
    response = _post(client, brand, body, signature)
    assert response.status_code == code and words in response.json()["detail"]
    assert (case.messages.count(), Case.objects.get(pk=case.pk).status) == before
    assert HelpdeskUpdate.objects.filter(outcome="refused").exists()


def test_a_wrong_or_missing_or_old_signature_is_refused(client, official, secret, case):
    payload = {"case": case.pk, "status": "solved"}
    body, _signature = _signed("not-the-secret", payload)
    _refused(client, official, body, _signature, 401, "does not match", case)
    _refused(client, official, body, "", 401, "missing", case)
    body, old = _signed(secret, payload, at=int(time.time()) - 3600)
    _refused(client, official, body, old, 401, "more than five minutes old", case)


def test_a_signed_body_changed_on_the_way_is_refused(client, official, secret, case):
    body, signature = _signed(secret, {"case": case.pk, "status": "declined"})
    tampered = body.replace(b"declined", b"solved\x20\x20")
    _refused(client, official, tampered, signature, 401, "does not match", case)


def test_bad_json_and_unknown_fields_are_refused_by_name(client, official, secret, case):
    body, signature = _signed(secret, b"{not json")
    _refused(client, official, body, signature, 400, "not valid JSON", case)
    body, signature = _signed(secret, {"case": case.pk, "status": "solved", "priority": 1})
    _refused(client, official, body, signature, 400, "priority", case)
    body, signature = _signed(secret, {"case": case.pk, "reply": {"body": "x", "cc": "y"}})
    _refused(client, official, body, signature, 400, "reply.cc", case)
    body, signature = _signed(secret, {"case": case.pk, "status": "lost"})
    _refused(client, official, body, signature, 400, "open, solved or declined", case)


def test_another_brands_case_is_not_found(client, rival, rival_admin, case):
    rival_secret = feedback_integrations.signing_secret_rotate(
        actor=rival_admin, brand=rival
    ).secret
    body, signature = _signed(rival_secret, {"case": case.pk, "status": "solved"})
    _refused(client, rival, body, signature, 404, "no such case", case)


def test_a_brand_without_a_secret_accepts_nothing(client, official, case):
    body, signature = _signed("anything", {"case": case.pk, "status": "solved"})
    _refused(client, official, body, signature, 401, "no signing secret", case)


def test_a_closed_case_takes_no_reply_from_the_helpdesk(client, official, secret, solved):
    body, signature = _signed(secret, {"case": solved.pk, "reply": {"body": "hello"}})
    _refused(client, official, body, signature, 422, "closed", solved)


def _http_post(url: str, body: bytes, signature: str):
    request = urllib.request.Request(  # noqa: S310 - the test's own live server, http://
        url,
        data=body,
        headers={"Content-Type": "application/json", "X-Sodan-Signature": signature},
        method="POST",
    )
    return urllib.request.urlopen(request, timeout=10)  # noqa: S310


@pytest.mark.django_db(transaction=True)
def test_a_real_signed_request_over_http(live_server, official, brand_admin, rep, customer_thread):
    secret = feedback_integrations.signing_secret_rotate(actor=brand_admin, brand=official).secret
    case = services.case_open(actor=rep, thread=customer_thread, body="Order number?")
    body, signature = _signed(
        secret, {"case": case.pk, "reply": {"author": "Mika", "body": f"Got {ORDER_NUMBER}."}}
    )
    url = live_server.url + reverse("cases:helpdesk", args=[official.slug])
    with _http_post(url, body, signature) as response:
        assert response.status == 200
        assert json.loads(response.read())["status"] == "open"
    assert case.messages.filter(source="helpdesk", helpdesk_author="Mika").exists()
    with pytest.raises(urllib.error.HTTPError) as refused:
        _http_post(url, body, "t=1,v1=00")
    assert refused.value.code == 401
    assert case.messages.count() == 2
