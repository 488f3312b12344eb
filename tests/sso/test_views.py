"""The brand admin's company sign-on page and "Sign in with your company account": who may
change it, that changing it asks for the second factor again, and what the forms say."""

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from allauth.socialaccount.models import SocialApp
from django.urls import reverse

from brands.models import Membership
from moderation.models import AuditLogEntry
from sso import services
from sso.models import BrandSignOn
from tests.brands.factories import BrandFactory
from tests.community.factories import UserFactory

pytestmark = pytest.mark.django_db

OIDC = {
    "protocol": "oidc",
    "domains": "acme.example",
    "issuer": "https://id.acme.example/oauth2",
    "client_id": "sodan",
    "client_secret": "s3cret",
}


def test_the_brand_admin_connects_the_company_provider(client, brand, admin):
    client.force_login(admin)
    response = client.post(reverse("sso:settings", args=[brand.slug]), OIDC)
    assert response.status_code == 302
    page = client.get(response["Location"])
    text = page.content.decode()
    assert "People at acme.example can now sign in with their company account" in text
    assert f"/accounts/oidc/sso-{brand.slug}/login/callback/" in text  # to register there
    assert "s3cret" not in text
    app = SocialApp.objects.get(provider_id=f"sso-{brand.slug}")
    assert app.settings["hidden"] and app.settings["server_url"] == OIDC["issuer"]
    entry = AuditLogEntry.objects.get(action="sso.configure")
    assert entry.actor == admin and entry.brand == brand
    assert "s3cret" not in str(entry.data)
    # The public log-in page does not list the brand's provider; it offers the company way.
    client.logout()
    login = client.get(reverse("account_login")).content.decode()
    assert f"Continue with {brand.name}" not in login
    assert "Sign in with your company account" in login


def test_only_the_brands_admins_change_it(client, brand):
    rep = UserFactory()
    Membership.objects.create(brand=brand, user=rep, role=Membership.Role.REP)
    client.force_login(rep)
    response = client.post(reverse("sso:settings", args=[brand.slug]), OIDC)
    assert response.status_code == 403
    assert "admins manage its team and settings" in response.content.decode()
    assert not BrandSignOn.objects.exists()


@pytest.mark.usefixtures("two_factor")
def test_changing_it_asks_for_the_second_factor_again(client, brand, admin):
    TOTP.activate(admin, generate_totp_secret())
    client.force_login(admin)  # signed in, but not just now
    url = reverse("sso:settings", args=[brand.slug])
    assert client.get(url).status_code == 200  # looking is fine
    response = client.post(url, OIDC)
    assert response.status_code == 302
    assert response["Location"].startswith(
        (reverse("account_reauthenticate"), reverse("mfa_reauthenticate"))
    )
    assert not BrandSignOn.objects.exists()
    removal = client.post(reverse("sso:remove", args=[brand.slug]))
    assert removal["Location"].startswith(
        (reverse("account_reauthenticate"), reverse("mfa_reauthenticate"))
    )


def test_metadata_that_cannot_be_read_is_said_on_the_form(client, brand, admin):
    client.force_login(admin)
    response = client.post(
        reverse("sso:settings", args=[brand.slug]),
        {"protocol": "saml", "domains": "acme.example", "metadata_xml": "<not-metadata/>"},
    )
    assert response.status_code == 400
    assert "must name the provider, its sign-in address and its certificate" in (
        response.content.decode()
    )
    assert not BrandSignOn.objects.exists() and not SocialApp.objects.exists()


def test_a_domain_another_brand_signs_in_with_is_refused(brand, admin):
    other = BrandFactory()
    boss = UserFactory()
    Membership.objects.create(brand=other, user=boss, role=Membership.Role.ADMIN)
    services.sign_on_configure(actor=boss, brand=other, **OIDC)
    with pytest.raises(Exception, match="already signs in through"):
        services.sign_on_configure(actor=admin, brand=brand, **OIDC)


def test_turning_it_off_removes_the_provider_and_is_audited(client, brand, admin):
    services.sign_on_configure(actor=admin, brand=brand, **OIDC)
    client.force_login(admin)
    client.post(reverse("sso:remove", args=[brand.slug]))
    assert not BrandSignOn.objects.exists() and not SocialApp.objects.exists()
    assert AuditLogEntry.objects.filter(action="sso.remove", brand=brand).exists()


def test_the_company_sign_in_sends_a_work_address_to_its_provider(client, brand, admin):
    services.sign_on_configure(actor=admin, brand=brand, **OIDC)
    response = client.post(reverse("sso:company_sign_in"), {"email": "Yuki@ACME.example"})
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/oidc/sso-{brand.slug}/login/"
    unknown = client.post(reverse("sso:company_sign_in"), {"email": "yuki@elsewhere.example"})
    assert unknown.status_code == 400
    assert "No company signs in to Sodan with this address" in unknown.content.decode()


def test_the_pages_are_translated(client, brand, admin):
    client.force_login(admin)
    for url in (reverse("sso:settings", args=[brand.slug]), reverse("sso:company_sign_in")):
        assert client.get(url, HTTP_ACCEPT_LANGUAGE="ja").status_code == 200


def test_signed_in_the_company_sign_in_connects_the_account(client, brand, admin):
    services.sign_on_configure(actor=admin, brand=brand, **OIDC)
    client.force_login(admin)
    response = client.post(reverse("sso:company_sign_in"), {"email": "boss@acme.example"})
    assert response["Location"] == f"/accounts/oidc/sso-{brand.slug}/login/?process=connect"


def test_the_settings_page_costs_the_same_queries_once_set_up(
    client, brand, admin, django_assert_num_queries
):
    client.force_login(admin)
    url = reverse("sso:settings", args=[brand.slug])
    client.get(url)  # the session and the site's pages warm
    with django_assert_num_queries(QUERIES):
        assert client.get(url).status_code == 200
    services.sign_on_configure(actor=admin, brand=brand, **OIDC)
    with django_assert_num_queries(QUERIES):
        assert client.get(url).status_code == 200


QUERIES = 6
