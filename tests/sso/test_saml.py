"""Company sign-on through SAML 2.0, end to end against a real identity provider the tests
start (tests/sso/saml_idp: pysaml2 in another process, signing with xmlsec1). Sodan's side
is allauth's SAML provider (python3-saml) as sso/ configures it, registered from sso/saml/
so that its views load on their first call; nothing in them is replaced.
"""

import re
import shutil
from datetime import timedelta

import pytest
import requests
from allauth.socialaccount.models import SocialAccount
from django.utils import timezone

from brands.models import Membership
from brands.permissions import is_rep
from community.models import User
from moderation.models import AuditLogEntry
from sso import services
from sso.models import SignOnLink
from tests.sso.conftest import form_action, form_fields, press_continue
from tests.sso.saml_idp.server import LocalSamlProvider
from themes.services import site_pages_ensure

pytestmark = [
    pytest.mark.django_db(transaction=True),
    # The identity provider signs with xmlsec1 (CI installs it: .ci/run).
    pytest.mark.skipif(shutil.which("xmlsec1") is None, reason="xmlsec1 is not installed"),
]


@pytest.fixture(scope="module")
def idp(tmp_path_factory):
    provider = LocalSamlProvider(tmp_path_factory.mktemp("saml-idp"))
    provider.start()
    yield provider
    provider.stop()


@pytest.fixture
def company(settings, live_server, idp, brand, admin):
    """The brand's admin pasted the company's metadata; the company registered Sodan."""
    settings.SODAN_SSO_ALLOW_SINGLE_LABEL_DOMAINS = True  # the test server is "localhost"
    site_pages_ensure()
    services.sign_on_configure(
        actor=admin,
        brand=brand,
        protocol="saml",
        domains="acme.example",
        metadata_xml=idp.metadata(),
    )
    metadata = requests.get(f"{live_server.url}/accounts/saml/{brand.slug}/metadata/", timeout=10)
    assert metadata.status_code == 200, metadata.text
    idp.trust_service_provider(metadata.text)
    return live_server


def _sign_in(live_server, idp, username, email="", browser=None):
    """Type the work address on "Sign in with your company account", sign in at the
    company's provider, come back. Returns the browser and the last answer."""
    browser = browser or requests.Session()
    start = browser.get(f"{live_server.url}/accounts/company/")
    chosen = browser.post(
        start.url,
        data={**form_fields(start.text), "email": email or f"{username}@acme.example"},
        headers={"Referer": start.url},
    )
    at_idp = press_continue(browser, chosen)
    assert at_idp.url.startswith(f"{idp.url}/sso/redirect"), at_idp.url
    signed = browser.post(
        f"{idp.url}/login",
        data={**form_fields(at_idp.text), "username": username, "password": "idp-password"},
    )
    if signed.status_code != 200:
        return browser, signed
    back = browser.post(form_action(signed.text), data=form_fields(signed.text))
    return browser, back


def test_an_employee_signs_in_with_the_company_account(company, idp, brand):
    idp.add_person("yuki", "yuki@acme.example")
    browser, back = _sign_in(company, idp, "yuki")
    assert back.status_code == 200, back.text[:800]
    assert "Log out" in browser.get(f"{company.url}/").text
    user = User.objects.get(email="yuki@acme.example")
    assert SocialAccount.objects.get(user=user).provider == f"sso-{brand.slug}"
    assert user.emailaddress_set.get().verified  # the company vouches for its own addresses
    link = SignOnLink.objects.get(user=user)
    assert link.sign_on.brand == brand and link.ended_at is None
    assert AuditLogEntry.objects.filter(action="sso.connect", brand=brand).count() == 1
    # Someone new has no powers until the brand admin adds them to the team.
    assert not is_rep(user, brand)


def test_a_person_the_company_removed_loses_brand_powers_and_keeps_their_answers(
    company, idp, brand, thread
):
    idp.add_person("ken", "ken@acme.example")
    _sign_in(company, idp, "ken")
    ken = User.objects.get(email="ken@acme.example")
    membership = Membership.objects.create(brand=brand, user=ken, role=Membership.Role.REP)
    from qa.services import answer_create

    answer = answer_create(author=ken, thread=thread, body="Reset the router, then sign in.")
    assert answer.is_official

    idp.remove_person("ken")
    _browser, refused = _sign_in(company, idp, "ken")
    assert refused.status_code == 403  # the company's provider refuses: no new session
    later = timezone.now() + timedelta(hours=25)
    assert services.sign_on_links_check(now=later) == 1

    membership.refresh_from_db()
    assert membership.revoked_at is not None
    assert not is_rep(User.objects.get(pk=ken.pk), brand)
    answer.refresh_from_db()
    assert answer.is_official  # earlier official answers keep their badge
    entry = AuditLogEntry.objects.get(action="sso.powers_end", brand=brand)
    assert "24 hours" in entry.reason
    assert services.sign_on_links_check(now=later) == 0  # once

    # Taken back by the company: the next sign-in through it gives the powers back.
    idp.add_person("ken", "ken@acme.example")
    _sign_in(company, idp, "ken")
    membership.refresh_from_db()
    assert membership.revoked_at is None
    assert AuditLogEntry.objects.filter(action="membership.restore_by_identity_provider").exists()


def test_an_address_outside_the_company_domains_is_refused_and_nothing_is_saved(
    company, idp, brand
):
    idp.add_person("mallory", "mallory@elsewhere.example")
    _browser, back = _sign_in(company, idp, "mallory", email="mallory@acme.example")
    assert back.status_code == 403
    assert "addresses at acme.example only" in back.text
    assert "Nothing on your account was changed" in back.text
    assert not User.objects.filter(email="mallory@elsewhere.example").exists()
    assert not SignOnLink.objects.exists()


def test_a_replayed_assertion_is_refused_and_changes_nothing(company, idp, brand):
    idp.add_person("aki", "aki@acme.example")
    browser, back = _sign_in(company, idp, "aki")
    assert "Log out" in browser.get(f"{company.url}/").text
    acs_post = next(r for r in back.history if "/acs/" in r.url)
    posted = acs_post.request.body
    other = requests.Session()  # someone who captured the signed answer
    again = other.post(
        acs_post.url,
        data=posted,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert again.status_code in (401, 403), again.status_code
    assert "We could not log you in" in again.text
    assert "Log out" not in other.get(f"{company.url}/").text
    assert SocialAccount.objects.count() == 1


def test_the_brand_admin_sees_the_addresses_to_register(company, brand, admin, client):
    client.force_login(admin)
    page = client.get(f"/b/{brand.slug}/sso/")
    assert page.status_code == 200
    text = page.content.decode()
    assert f"/accounts/saml/{brand.slug}/acs/" in text
    assert re.search(r"Addresses at acme\.example sign in here", text)
