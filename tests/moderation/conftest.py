import pytest

from brands.models import Membership
from moderation.models import ModeratorAppointment
from tests.community.factories import UserFactory


@pytest.fixture
def moderator(db):
    """A global moderator, neutral towards every brand."""
    user = UserFactory(username="mod", display_name="Mo Derator")
    ModeratorAppointment.objects.create(user=user)
    return user


@pytest.fixture
def second_moderator(db):
    user = UserFactory(username="mod2", display_name="Second Mod")
    ModeratorAppointment.objects.create(user=user)
    return user


@pytest.fixture
def brand_moderator(db, brand):
    """A moderator scoped to the `brand` fixture only."""
    user = UserFactory(username="brandmod")
    ModeratorAppointment.objects.create(user=user, brand=brand)
    return user


@pytest.fixture
def brand_rep(db, brand):
    user = UserFactory(username="rep")
    Membership.objects.create(brand=brand, user=user, role=Membership.Role.REP)
    return user


@pytest.fixture
def brand_admin(db, brand):
    user = UserFactory(username="boss")
    Membership.objects.create(brand=brand, user=user, role=Membership.Role.ADMIN)
    return user
