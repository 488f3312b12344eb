"""The top contributors page and the profile's standing: ordering, periods, query counts."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from reputation import services
from reputation.models import Reason, ReputationEvent
from tests.brands.factories import BrandFactory
from tests.community.factories import UserFactory

pytestmark = pytest.mark.django_db


def earn(member, brand, points, key, *, reason=Reason.HELPFUL_VOTE):
    services.reputation_event(
        member=member, brand=brand, reason=reason, source_key=key, points=points
    )


def test_top_contributors_by_points_in_the_brand(client, brand):
    elsewhere = BrandFactory()
    aiko, ken, mei = (UserFactory(display_name=n) for n in ("Aiko", "Ken", "Mei"))
    earn(aiko, brand, 30, "a")
    earn(ken, brand, 50, "k")
    earn(mei, elsewhere, 500, "m")  # another brand's expert is not listed here
    page = client.get(f"/b/{brand.slug}/contributors/")
    html = page.content.decode()
    assert page.status_code == 200
    assert html.index("Ken") < html.index("Aiko")
    assert "Mei" not in html
    assert "50 points" in html


def test_this_month_counts_only_this_months_points(client, brand):
    old_hand, newcomer = UserFactory(display_name="Old Hand"), UserFactory(display_name="Newbie")
    earn(old_hand, brand, 100, "o")
    ReputationEvent.objects.filter(source_key="o").update(
        created_at=timezone.now() - timedelta(days=40)
    )
    earn(newcomer, brand, 10, "n")
    month = client.get(f"/b/{brand.slug}/contributors/?period=month").content.decode()
    assert "Newbie" in month and "Old Hand" not in month
    all_time = client.get(f"/b/{brand.slug}/contributors/").content.decode()
    assert all_time.index("Old Hand") < all_time.index("Newbie")


def test_badges_show_beside_contributors(client, brand):
    ken = UserFactory(display_name="Ken")
    earn(ken, brand, None, "acc", reason=Reason.ACCEPTED)
    html = client.get(f"/b/{brand.slug}/contributors/").content.decode()
    assert "First accepted answer" in html


def test_the_brand_page_links_its_contributors(client, brand):
    assert f"/b/{brand.slug}/contributors/" in client.get(brand.get_absolute_url()).content.decode()


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_contributors_page_costs_the_same_for_one_or_ten(client, brand):
    earn(UserFactory(), brand, None, "first", reason=Reason.ACCEPTED)
    client.get(f"/b/{brand.slug}/contributors/")  # the site's pages made once
    one = _queries(client, f"/b/{brand.slug}/contributors/")
    for n in range(9):
        earn(UserFactory(), brand, None, f"more{n}", reason=Reason.ACCEPTED)
    assert _queries(client, f"/b/{brand.slug}/contributors/") == one


def test_the_profile_shows_standing_and_badges_at_a_flat_cost(client):
    member = UserFactory(display_name="Ken")
    first = BrandFactory(name="Hoshino Camera")
    earn(member, first, None, "f", reason=Reason.ACCEPTED)
    url = member.get_absolute_url()
    client.get(url)  # the site's pages made once
    one = _queries(client, url)
    html = client.get(url).content.decode()
    assert "Hoshino Camera" in html and "First accepted answer" in html
    for n in range(4):
        earn(member, BrandFactory(), None, f"b{n}", reason=Reason.ACCEPTED)
    assert _queries(client, url) == one
