"""An official brand with its team, and a second official brand with its own, so every
brand power can be tried across the line between them."""

from datetime import timedelta

import pytest
from django.utils import timezone

from brands.models import Brand, Membership
from tests.brands.factories import BrandFactory, MembershipFactory, ProductFactory
from tests.community.factories import UserFactory
from tests.qa.factories import AnswerFactory, ThreadFactory


@pytest.fixture
def official(db):
    return BrandFactory(
        name="Hoshino Camera",
        slug="hoshino-camera",
        domain="hoshino-camera.example",
        status=Brand.Status.OFFICIAL,
        official_since=timezone.now() - timedelta(days=30),
    )


@pytest.fixture
def rival(db):
    return BrandFactory(
        name="Kumo Mobile",
        slug="kumo-mobile",
        domain="kumo-mobile.example",
        status=Brand.Status.OFFICIAL,
        official_since=timezone.now() - timedelta(days=30),
    )


def _member(brand, username, role):
    user = UserFactory(username=username, display_name=username.title())
    MembershipFactory(brand=brand, user=user, role=role)
    return user


@pytest.fixture
def brand_admin(official):
    return _member(official, "takeshi", Membership.Role.ADMIN)


@pytest.fixture
def rep(official):
    return _member(official, "yuki", Membership.Role.REP)


@pytest.fixture
def second_rep(official):
    return _member(official, "aoi", Membership.Role.REP)


@pytest.fixture
def product_member(official):
    return _member(official, "ren", Membership.Role.PRODUCT)


@pytest.fixture
def rival_rep(rival):
    return _member(rival, "kaito", Membership.Role.REP)


@pytest.fixture
def rival_admin(rival):
    return _member(rival, "mei", Membership.Role.ADMIN)


@pytest.fixture
def staff(db):
    return UserFactory(username="staffer", is_staff=True)


@pytest.fixture
def z5(official):
    return ProductFactory(brand=official, name="Z5", slug="z5")


@pytest.fixture
def customer_thread(official, customer, z5):
    return ThreadFactory(
        brand=official, author=customer, product=z5, title="Lens error E-12 after update"
    )


@pytest.fixture
def customer_answer(customer_thread, other_customer):
    return AnswerFactory(
        thread=customer_thread, author=other_customer, body="Take the battery out for 30 s."
    )


def fresh(user):
    """The same person as a new request sees them: nothing remembered from before."""
    return type(user).objects.get(pk=user.pk)
