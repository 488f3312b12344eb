"""Follow buttons on the thread and brand pages (POST forms, no JavaScript needed), the
"Following" page, and the thread page's cost with them."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from follows import selectors, services
from tests.community.factories import UserFactory
from tests.qa.factories import AnswerFactory

pytestmark = pytest.mark.django_db


def _change(kind: str, pk: int, action: str) -> str:
    return reverse("follows:change", args=[kind, pk, action])


def test_anonymous_follow_leads_to_sign_in_and_changes_nothing(client, thread):
    response = client.post(_change("thread", thread.pk, "follow"))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]
    html = client.get(thread.get_absolute_url()).content.decode()
    assert f"{reverse('account_login')}?next=/t/{thread.pk}/" in html


def test_follow_then_mute_from_the_thread_page(client, thread):
    reader = UserFactory(username="reader")
    client.force_login(reader)
    url = thread.get_absolute_url()
    assert _change("thread", thread.pk, "follow") in client.get(url).content.decode()
    response = client.post(_change("thread", thread.pk, "follow"))
    assert response.status_code == 302 and response["Location"] == url
    html = client.get(url).content.decode()
    assert _change("thread", thread.pk, "mute") in html
    assert _change("thread", thread.pk, "unfollow") in html
    client.post(_change("thread", thread.pk, "mute"))
    assert selectors.is_muted(reader, thread)
    assert _change("thread", thread.pk, "follow") in client.get(url).content.decode()


def test_a_follower_reading_from_the_cache_still_costs_one_query(client, thread):
    AnswerFactory.create_batch(10, thread=thread)
    reader = UserFactory(username="reader")
    services.follow(user=reader, target=thread)
    client.force_login(reader)
    client.get(thread.get_absolute_url())
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(thread.get_absolute_url())
    assert response["X-Sodan-Cache"] == "hit"
    assert len(ctx.captured_queries) == 1
    assert _change("thread", thread.pk, "unfollow") in response.content.decode()


def test_brand_and_product_buttons_on_the_brand_page(client, brand, product, customer):
    client.force_login(customer)
    page = reverse("qa:brand", args=[brand.slug]) + f"?product={product.slug}"
    html = client.get(page).content.decode()
    assert _change("brand", brand.pk, "follow") in html
    assert _change("product", product.pk, "follow") in html
    client.post(_change("product", product.pk, "follow"), {"next": page})
    assert selectors.followed_product_ids(customer) == {product.pk}
    assert _change("product", product.pk, "unfollow") in client.get(page).content.decode()


def test_the_following_page_lists_and_unfollows(client, thread, product, customer):
    services.follow(user=customer, target=product)
    client.force_login(customer)
    html = client.get(reverse("follows:following")).content.decode()
    assert thread.title in html and "because you asked this question" in html
    assert product.name in html
    client.post(_change("thread", thread.pk, "unfollow"), {"next": "/following/"})
    assert thread.title not in client.get(reverse("follows:following")).content.decode()


def test_answer_mails_say_why_and_where_to_stop(thread, other_customer, committed):
    from django.core import mail

    from qa.services import thread_me_too_toggle

    presser = UserFactory(username="presser")
    thread_me_too_toggle(user=presser, thread=thread)
    mail.outbox.clear()
    with committed():
        AnswerFactory(thread=thread, author=other_customer)
    bodies = {m.to[0]: m.body for m in mail.outbox}
    assert "because you asked this question" in bodies[thread.author.email]
    assert "because you pressed Me too" in bodies[presser.email]
    assert "/following/" in bodies[presser.email]
