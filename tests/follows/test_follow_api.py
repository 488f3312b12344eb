"""The API's follow endpoints ask the same rule as the buttons."""

from __future__ import annotations

import pytest

from follows import selectors

pytestmark = pytest.mark.django_db


def test_follow_mute_and_unfollow_a_thread_through_the_api(client, thread, other_customer):
    client.force_login(other_customer)
    url = f"/api/v1/threads/{thread.pk}/follow/"
    assert client.get(url).json() == {"state": ""}
    response = client.put(url, {"muted": False}, content_type="application/json")
    assert response.status_code == 200 and response.json() == {"state": "following"}
    assert other_customer in selectors.followers_of_thread(thread)
    assert client.put(url, {"muted": True}, content_type="application/json").json() == {
        "state": "muted"
    }
    assert selectors.is_muted(other_customer, thread)
    assert client.delete(url).json() == {"state": ""}


def test_product_follow_through_the_api(client, brand, product, customer):
    client.force_login(customer)
    url = f"/api/v1/brands/{brand.slug}/products/{product.slug}/follow/"
    assert client.put(url, {}, content_type="application/json").json() == {"state": "following"}
    assert selectors.followed_product_ids(customer) == {product.pk}


def test_anonymous_callers_may_not_follow(client, thread):
    url = f"/api/v1/threads/{thread.pk}/follow/"
    assert client.put(url, {}, content_type="application/json").status_code == 401
    assert client.get(url).status_code == 403
