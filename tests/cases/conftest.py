# ruff: noqa: F811 - the imported fixtures are used by name in the fixtures below
"""Cases stand on the brands' teams and threads of brands' tests: an official brand with
its admin, reps and product team, a rival brand, a customer's thread and another
customer's answer in it."""

from __future__ import annotations

import pytest

from cases import services
from moderation.models import ModeratorAppointment
from tests.brands.conftest import (  # noqa: F401 - pytest finds fixtures by name
    brand_admin,
    customer_answer,
    customer_thread,
    official,
    product_member,
    rep,
    rival,
    rival_admin,
    rival_rep,
    second_rep,
    staff,
    z5,
)
from tests.community.factories import UserFactory

ORDER_NUMBER = "Order HC-4411-2287"


@pytest.fixture
def global_moderator(db):
    user = UserFactory(username="mod")
    ModeratorAppointment.objects.create(user=user)
    return user


@pytest.fixture
def brand_moderator(official):
    user = UserFactory(username="brandmod")
    ModeratorAppointment.objects.create(user=user, brand=official)
    return user


@pytest.fixture
def case(rep, customer_thread):
    return services.case_open(
        actor=rep, thread=customer_thread, body="Could you tell us your order number?"
    )


@pytest.fixture
def case_with_order(case, customer):
    services.case_message_post(actor=customer, case=case, body=f"It is {ORDER_NUMBER}.")
    return case


@pytest.fixture
def solved(case_with_order, rep):
    return services.case_resolve(actor=rep, case=case_with_order)


@pytest.fixture
def proposed(solved, rep):
    return services.case_summary_propose(
        actor=rep,
        case=solved,
        body="A replacement lens cap is on its way; firmware 2.2 fixes E-12.",
    )
