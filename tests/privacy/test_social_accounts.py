"""Social accounts: each validated for its kind, and seen only where its owner chose: on the
public profile when public, on a brand's customer card and cases when shared with brands
(by that brand's team only), nowhere when kept to no one."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cases import services as case_services
from privacy import services
from privacy.models import SocialAccount
from privacy.permissions import can_see_social_account
from tests.community.factories import UserFactory

pytestmark = pytest.mark.django_db

PUBLIC, BRANDS, NOBODY = "public", "brands", "nobody"


def _share(user, **accounts):
    return services.social_accounts_update(user=user, accounts=accounts)


@pytest.mark.parametrize(
    ("kind", "value", "stored"),
    [
        ("x", "@hana_cam", "hana_cam"),
        ("x", "h", "h"),
        ("instagram", "hana.photos_", "hana.photos_"),
        ("line", "@Hana-01", "hana-01"),
        ("blog", "https://hana.example/blog", "https://hana.example/blog"),
        ("blog", "http://hana.example", "http://hana.example"),
    ],
)
def test_good_handles_and_addresses_are_kept(customer, kind, value, stored):
    _share(customer, **{kind: (value, PUBLIC)})
    assert SocialAccount.objects.get(user=customer, kind=kind).value == stored


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        ("x", "hana cam"),
        ("x", "a_handle_far_too_long"),
        ("x", "hana-cam"),
        ("instagram", ".hana"),
        ("instagram", "hana..photos"),
        ("instagram", "hana!"),
        ("line", "abc"),
        ("line", "hana@line"),
        ("blog", "javascript:alert(1)"),
        ("blog", "ftp://hana.example/"),
        ("blog", "hana.example"),
    ],
)
def test_bad_handles_and_addresses_are_refused_with_the_fields_name(customer, kind, value):
    with pytest.raises(ValidationError) as error:
        _share(customer, **{kind: (value, PUBLIC)})
    assert kind in error.value.message_dict
    assert not SocialAccount.objects.filter(user=customer).exists()


def test_an_empty_value_removes_the_account(customer):
    _share(customer, x=("hana_cam", PUBLIC))
    _share(customer, x=("", PUBLIC))
    assert not SocialAccount.objects.filter(user=customer).exists()


@pytest.mark.parametrize(
    ("visibility", "stranger", "team_elsewhere", "team_here"),
    [(PUBLIC, True, True, True), (BRANDS, False, False, True), (NOBODY, False, False, False)],
)
def test_who_sees_which_account(
    customer, official, rep, product_member, visibility, stranger, team_elsewhere, team_here
):
    (account,) = _share(customer, x=("hana_cam", visibility))
    other = UserFactory(username="someone")
    assert can_see_social_account(other, account) is stranger
    assert can_see_social_account(other, account, official) is stranger
    assert can_see_social_account(rep, account) is team_elsewhere  # the public profile
    assert can_see_social_account(rep, account, official) is team_here
    assert can_see_social_account(product_member, account, official) is team_here
    assert can_see_social_account(customer, account) is (visibility == PUBLIC)


def test_the_public_profile_shows_only_public_accounts(client, login, customer, rep):
    _share(
        customer,
        x=("hana_cam", PUBLIC),
        instagram=("hana.photos", BRANDS),
        line=("hanaline", NOBODY),
    )
    url = reverse("community:profile", args=[customer.username])
    for reader in (None, rep, customer):
        if reader is None:
            client.logout()
        else:
            login(reader)
        page = client.get(url).content.decode()
        assert "https://x.com/hana_cam" in page
        assert "hana.photos" not in page and "hanaline" not in page


def test_the_customer_card_shows_accounts_shared_with_brands_to_the_team(
    login, customer, official, rep, product_member, rival_rep
):
    _share(customer, instagram=("hana.photos", BRANDS), line=("hanaline", NOBODY))
    url = reverse("brands:customer_card", args=[official.slug, customer.username])
    for member in (rep, product_member):
        page = login(member).get(url).content.decode()
        assert "https://www.instagram.com/hana.photos/" in page
        assert "hanaline" not in page
    # Another brand's team never reads this brand's card.
    response = login(rival_rep).get(url)
    assert response.status_code == 403 and "hana.photos" not in response.content.decode()


def test_a_private_case_shows_the_shared_accounts_to_the_brand_only(
    login, customer, customer_thread, rep
):
    _share(customer, instagram=("hana.photos", BRANDS))
    case = case_services.case_open(actor=rep, thread=customer_thread, body="Your order number?")
    url = reverse("cases:detail", args=[case.pk])
    assert "hana.photos" in login(rep).get(url).content.decode()
    assert "hana.photos" not in login(customer).get(url).content.decode()


def test_the_settings_page_saves_and_says_what_is_wrong(login, customer):
    client = login(customer)
    url = reverse("privacy:social_accounts")
    form = {
        "x": "bad handle!",
        "x_visibility": PUBLIC,
        "instagram": "",
        "instagram_visibility": NOBODY,
        "line": "",
        "line_visibility": NOBODY,
        "blog": "https://hana.example",
        "blog_visibility": BRANDS,
    }
    response = client.post(url, form)
    assert response.status_code == 400
    assert "1 to 15 letters" in response.content.decode()
    assert not SocialAccount.objects.exists()
    form["x"] = "@hana_cam"
    assert client.post(url, form).status_code == 302
    assert sorted(SocialAccount.objects.values_list("kind", "value", "visibility")) == [
        ("blog", "https://hana.example", BRANDS),
        ("x", "hana_cam", PUBLIC),
    ]
