"""The end and return of brand powers when the company's provider stops vouching, without
a provider: the rules the end-to-end tests do not reach."""

import pytest
from django.utils import timezone

from brands.models import Membership
from sso import services
from sso.models import BrandSignOn, SignOnLink

pytestmark = pytest.mark.django_db


@pytest.fixture
def link(brand, admin):
    sign_on = BrandSignOn.objects.create(
        brand=brand, protocol=BrandSignOn.Protocol.SAML, domains="acme.example"
    )
    return SignOnLink.objects.create(sign_on=sign_on, user=admin, last_seen_at=timezone.now())


def test_the_providers_silence_ends_even_the_last_admins_membership_once(link, brand, admin):
    membership = Membership.objects.get(brand=brand, user=admin)

    assert services.sign_on_powers_end(link=link, reason="Gone.") == [membership.pk]

    membership.refresh_from_db()
    assert membership.revoked_at is not None
    assert services.sign_on_powers_end(link=link, reason="Gone.") == []


def test_a_membership_the_brand_gave_since_is_not_doubled_by_the_next_sign_in(link, brand, admin):
    services.sign_on_powers_end(link=link, reason="Gone.")
    ended = Membership.objects.get(brand=brand, user=admin)
    given = Membership.objects.create(brand=brand, user=admin, role=Membership.Role.REP)

    _link, restored = services.sign_on_seen(user=admin, sign_on=link.sign_on)

    assert restored == []
    ended.refresh_from_db()
    given.refresh_from_db()
    assert ended.revoked_at is not None
    assert given.revoked_at is None
    link.refresh_from_db()
    assert link.ended_at is None
    assert link.ended_memberships == []
