"""Follow, unfollow and mute: who hears about a thread, a product, a brand."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied

from follows import selectors, services
from qa.models import ThreadSubscription
from tests.community.factories import UserFactory
from tests.qa.factories import AnswerFactory, ThreadFactory

pytestmark = pytest.mark.django_db


def _reason(user, thread) -> str:
    return ThreadSubscription.objects.get(user=user, thread=thread).reason


def test_asking_me_too_and_answering_follow_with_their_reason(thread, customer, other_customer):
    presser = UserFactory(username="mika")
    from qa.services import thread_me_too_toggle

    thread_me_too_toggle(user=presser, thread=thread)
    AnswerFactory(thread=thread, author=other_customer)
    assert _reason(customer, thread) == "asked"
    assert _reason(presser, thread) == "me_too"
    assert _reason(other_customer, thread) == "answered"
    assert {u.pk for u in selectors.followers_of_thread(thread)} == {
        customer.pk,
        presser.pk,
        other_customer.pk,
    }


def test_following_a_thread_and_unfollowing(thread):
    reader = UserFactory(username="sora")
    services.follow(user=reader, target=thread)
    assert reader in selectors.followers_of_thread(thread)
    assert selectors.follow_reason(reader, thread) == "followed"
    services.unfollow(user=reader, target=thread)
    assert reader not in selectors.followers_of_thread(thread)


def test_mute_silences_an_answerer_even_when_they_answer_again(thread, other_customer, committed):
    AnswerFactory(thread=thread, author=other_customer)
    services.mute(user=other_customer, target=thread)
    assert selectors.is_muted(other_customer, thread)
    AnswerFactory(thread=thread, author=other_customer)
    assert other_customer not in selectors.followers_of_thread(thread)
    mail.outbox.clear()
    with committed():
        AnswerFactory(thread=thread, author=UserFactory(username="third"))
    assert [m.to for m in mail.outbox] == [[thread.author.email]]


def test_following_again_after_mute_unmutes(thread, customer):
    services.mute(user=customer, target=thread)
    assert customer not in selectors.followers_of_thread(thread)
    services.follow(user=customer, target=thread)
    assert customer in selectors.followers_of_thread(thread)
    assert _reason(customer, thread) == "asked"  # the first reason stays


def test_product_and_brand_follows(product, brand, customer):
    services.follow(user=customer, target=product)
    services.follow(user=customer, target=brand)
    services.follow(user=customer, target=product)  # twice is once
    assert selectors.followed_product_ids(customer) == {product.pk}
    assert selectors.followed_brand_ids(customer) == {brand.pk}
    services.mute(user=customer, target=product)
    assert selectors.followed_product_ids(customer) == set()
    services.unfollow(user=customer, target=brand)
    assert selectors.followed_brand_ids(customer) == set()


def test_anonymous_may_not_follow(thread):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied):
        services.follow(user=AnonymousUser(), target=thread)


def test_a_hidden_thread_is_not_there_to_follow(brand, customer):
    hidden = ThreadFactory(brand=brand, author=UserFactory(username="asker2"))
    hidden.visibility = "hidden"
    hidden.save(update_fields=["visibility"])
    with pytest.raises(PermissionDenied):
        services.follow(user=customer, target=hidden)
