"""New threads in a followed product or brand: one message per person per pass."""

from __future__ import annotations

import pytest
from django.core import mail

from community.models import Notification
from follows import news, services
from tests.community.factories import UserFactory
from tests.qa.factories import ThreadFactory

pytestmark = pytest.mark.django_db


def test_product_followers_get_one_message_for_several_new_threads(
    brand, product, customer, committed
):
    services.follow(user=customer, target=product)
    services.follow(user=customer, target=brand)  # the same threads again: still one message
    asker = UserFactory(username="asker")
    ThreadFactory(brand=brand, product=product, author=asker, title="Z5 shutter sticks")
    ThreadFactory(brand=brand, product=product, author=asker, title="Z5 battery drains")
    mail.outbox.clear()
    with committed():
        assert news.followed_news_send() == 1
    assert [m.to for m in mail.outbox] == [[customer.email]]
    assert "Z5 shutter sticks" in mail.outbox[0].body
    assert "Z5 battery drains" in mail.outbox[0].body
    assert Notification.objects.filter(recipient=customer, kind="followed_threads").count() == 1
    with committed():
        assert news.followed_news_send() == 0  # nothing new since


def test_a_muted_product_is_silent_even_through_its_brand(brand, product, customer, committed):
    services.follow(user=customer, target=brand)
    services.mute(user=customer, target=product)
    ThreadFactory(brand=brand, product=product, author=UserFactory(username="asker"))
    with committed():
        assert news.followed_news_send() == 0


def test_nobody_hears_of_their_own_thread(brand, customer, committed):
    services.follow(user=customer, target=brand)
    ThreadFactory(brand=brand, author=customer)
    with committed():
        assert news.followed_news_send() == 0
