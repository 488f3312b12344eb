"""The brand's LINE settings: its admins connect the account; the secret is never shown."""

import pytest

from line.models import LineChannel

pytestmark = pytest.mark.django_db

# The site's frame for a signed-in brand member (session, reader, roles, brand), then the
# channel, the recent events and two counts; the requests with their people in one query.
SETTINGS_PAGE_QUERIES = 9
REQUESTS_PAGE_QUERIES = 7


def test_an_admin_connects_line_and_sees_the_webhook_url(official, brand_admin, client):
    client.force_login(brand_admin)
    url = f"/b/{official.slug}/integrations/line/"
    page = client.get(url)
    assert page.status_code == 200
    assert f"/line/webhook/{official.slug}/".encode() in page.content
    response = client.post(
        url, {"channel_secret": "0123456789abcdef0123456789abcdef", "access_token": "tok"}
    )
    assert response.status_code == 302
    channel = LineChannel.objects.get(brand=official)
    assert channel.channel_secret == "0123456789abcdef0123456789abcdef"
    page = client.get(url)
    assert b"0123456789abcdef0123456789abcdef" not in page.content
    assert "…cdef".encode() in page.content
    # Saving the relay alone keeps the secret and token.
    client.post(url, {"relay_url": "https://tool.example/line"})
    channel.refresh_from_db()
    assert (channel.access_token, channel.relay_url) == ("tok", "https://tool.example/line")


def test_reps_and_customers_may_not(official, rep, customer, client):
    for person in (rep, customer):
        client.force_login(person)
        assert client.get(f"/b/{official.slug}/integrations/line/").status_code == 403


def test_a_private_network_relay_is_refused(official, brand_admin, client):
    client.force_login(brand_admin)
    response = client.post(
        f"/b/{official.slug}/integrations/line/", {"relay_url": "http://10.0.0.5/hook"}
    )
    assert response.status_code == 200
    assert not LineChannel.objects.filter(brand=official).exclude(relay_url="").exists()


def test_the_settings_page_costs_the_same_for_many_events(
    official, brand_admin, client, channel, send_webhook, django_assert_num_queries
):
    from .conftest import postback_event

    client.force_login(brand_admin)
    url = f"/b/{official.slug}/integrations/line/"
    send_webhook(official, postback_event("action=coupon"))
    client.get(url)
    with django_assert_num_queries(SETTINGS_PAGE_QUERIES):
        assert client.get(url).status_code == 200
    for _n in range(4):
        send_webhook(official, postback_event("action=coupon"))
    with django_assert_num_queries(SETTINGS_PAGE_QUERIES):
        assert client.get(url).status_code == 200


def test_the_requests_page_costs_the_same_for_many_requests(
    official, rep, client, channel, django_assert_num_queries
):
    from line.models import LineCaseRequest, LineEvent, LineRequest
    from tests.community.factories import UserFactory

    def ask():
        request = LineRequest.objects.create(brand=official, body="{}")
        event = LineEvent.objects.create(
            brand=official,
            request=request,
            webhook_event_id=f"01E{LineEvent.objects.count()}",
            type="message",
            payload={"message": {"type": "text", "text": "Order 1"}},
        )
        LineCaseRequest.objects.create(
            brand=official, requester=UserFactory(), event=event, text="Order 1"
        )

    client.force_login(rep)
    url = f"/b/{official.slug}/line/requests/"
    ask()
    client.get(url)
    with django_assert_num_queries(REQUESTS_PAGE_QUERIES):
        assert client.get(url).status_code == 200
    for _n in range(4):
        ask()
    with django_assert_num_queries(REQUESTS_PAGE_QUERIES):
        assert client.get(url).status_code == 200
