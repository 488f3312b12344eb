"""Two official brands with their teams, a customer's thread with an answer, and a way to
call the API as any of them, with a token of chosen scopes or a brand API key."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from api import services
from brands.models import Brand, Membership, ProductVersion
from moderation.models import ModeratorAppointment
from tests.brands.factories import BrandFactory, MembershipFactory, ProductFactory
from tests.community.factories import UserFactory
from tests.qa.factories import AnswerFactory, ThreadFactory


@pytest.fixture
def official(db):
    return BrandFactory(
        name="Hoshino Camera",
        slug="hoshino",
        status=Brand.Status.OFFICIAL,
        official_since=timezone.now() - timedelta(days=30),
    )


@pytest.fixture
def rival(db):
    return BrandFactory(
        name="Kumo Mobile",
        slug="kumo",
        status=Brand.Status.OFFICIAL,
        official_since=timezone.now() - timedelta(days=30),
    )


@pytest.fixture
def z5(official):
    product = ProductFactory(brand=official, name="Z5", slug="z5")
    ProductVersion.objects.create(product=product, name="2.1", released_at=timezone.now())
    return product


def _member(brand: Brand, username: str, role: str):
    user = UserFactory(username=username, display_name=username.title())
    MembershipFactory(brand=brand, user=user, role=role)
    return user


@pytest.fixture
def cast(official, rival) -> dict[str, Any]:
    """Everyone in DOMAIN.md's table, by role name (None: anonymous)."""
    suspended = UserFactory(username="sus")
    suspended.suspended_until = timezone.now() + timedelta(days=3)
    suspended.suspension_reason = "spam"
    suspended.save(update_fields=["suspended_until", "suspension_reason"])
    brand_mod = UserFactory(username="brandmod")
    ModeratorAppointment.objects.create(user=brand_mod, brand=official)
    global_mod = UserFactory(username="globalmod")
    ModeratorAppointment.objects.create(user=global_mod)
    return {
        "anon": None,
        "member": UserFactory(username="newbie", verified=False),
        "customer": UserFactory(username="ken"),
        "suspended": suspended,
        "rep": _member(official, "yuki", Membership.Role.REP),
        "admin": _member(official, "takeshi", Membership.Role.ADMIN),
        "product": _member(official, "ren", Membership.Role.PRODUCT),
        "brand_mod": brand_mod,
        "global_mod": global_mod,
        "staff": UserFactory(username="staffer", is_staff=True),
        "rival_rep": _member(rival, "kaito", Membership.Role.REP),
        "rival_admin": _member(rival, "mei", Membership.Role.ADMIN),
    }


@pytest.fixture
def asker(db):
    return UserFactory(username="hana", display_name="Hana")


@pytest.fixture
def thread(official, asker, z5):
    return ThreadFactory(brand=official, author=asker, product=z5, title="Lens error E-12")


@pytest.fixture
def answer(thread, db):
    return AnswerFactory(thread=thread, author=UserFactory(username="helper"), body="Reboot it.")


@pytest.fixture
def rival_thread(rival, db):
    return ThreadFactory(brand=rival, author=UserFactory(username="kumofan"), title="No signal")


def token_for(user, scopes=("read", "write")) -> str:
    return services.personal_token_create(
        user=user, name="tests", scopes=list(scopes), expires_in_days=30
    ).token


def key_for(brand: Brand, admin, *, role="rep", scopes=("read", "write"), name="Helpdesk"):
    return services.brand_api_key_create(
        actor=admin, brand=brand, name=name, role=role, scopes=list(scopes)
    )


class Api:
    """Calls the API like a client: JSON in, a bearer token (or none)."""

    def __init__(self) -> None:
        self.client = Client()

    def __call__(
        self,
        method: str,
        path: str,
        *,
        token: str | None = None,
        data: Any = None,
        raw: bytes | str | None = None,
        headers: dict[str, str] | None = None,
    ):
        extra = dict(headers or {})
        if token:
            extra["Authorization"] = f"Bearer {token}"
        body = raw if raw is not None else (json.dumps(data) if data is not None else None)
        kwargs: dict[str, Any] = {"headers": extra}
        if body is not None:
            kwargs |= {"data": body, "content_type": "application/json"}
        return getattr(self.client, method.lower())(path, **kwargs)

    def as_user(self, user, method: str, path: str, **kwargs: Any):
        """As `user` with a read-and-write token; anonymous for None."""
        token = token_for(user) if user is not None else None
        return self(method, path, token=token, **kwargs)


@pytest.fixture
def api(db) -> Api:
    return Api()
