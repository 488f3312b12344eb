"""The brand's LINE settings: its admins connect the account; the secret is never shown."""

import pytest

from line.models import LineChannel

pytestmark = pytest.mark.django_db


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
