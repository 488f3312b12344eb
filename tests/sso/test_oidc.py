"""Company sign-on through OpenID Connect, end to end against the local provider the
sign-in tests run (tests/community/oidc_provider: django-oauth-toolkit in a second Django
process). The periodic check asks the provider itself with the person's refresh token."""

import pytest
import requests
from allauth.socialaccount.models import SocialAccount

from brands.models import Membership
from brands.permissions import is_rep
from community.models import User
from moderation.models import AuditLogEntry
from sso import services
from sso.models import SignOnLink
from tests.community.oidc_provider.server import LocalProvider
from tests.sso.conftest import form_fields, press_continue
from themes.services import site_pages_ensure

pytestmark = pytest.mark.django_db(transaction=True)

CLIENT_ID, SECRET = "acme-sodan", "acme-sodan-secret"


@pytest.fixture(scope="module")
def idp(tmp_path_factory):
    provider = LocalProvider(tmp_path_factory.mktemp("oidc-idp"))
    provider.start()
    yield provider
    provider.stop()


@pytest.fixture
def company(live_server, idp, brand, admin):
    site_pages_ensure()
    services.sign_on_configure(
        actor=admin,
        brand=brand,
        protocol="oidc",
        domains="acme.example, acme.co.jp",
        issuer=f"{idp.url}/o",
        client_id=CLIENT_ID,
        client_secret=SECRET,
    )
    callback = f"{live_server.url}/accounts/oidc/sso-{brand.slug}/login/callback/"
    if getattr(idp, "_client", None) != callback:
        idp.add_client(CLIENT_ID, SECRET, callback)
        idp._client = callback
    return live_server


def _sign_in(live_server, idp, username, email=""):
    browser = requests.Session()
    start = browser.get(f"{live_server.url}/accounts/company/")
    chosen = browser.post(
        start.url,
        data={**form_fields(start.text), "email": email or f"{username}@acme.example"},
        headers={"Referer": start.url},
    )
    assert "form-action" in chosen.headers["Content-Security-Policy"]
    assert idp.url in chosen.headers["Content-Security-Policy"]  # may leave for the provider
    at_idp = press_continue(browser, chosen)
    assert at_idp.url.startswith(f"{idp.url}/login/"), at_idp.url
    back = browser.post(
        at_idp.url,
        data={**form_fields(at_idp.text), "username": username, "password": "idp-password"},
        headers={"Referer": at_idp.url},
    )
    return browser, back


def test_an_employee_signs_in_and_the_check_keeps_them_while_the_company_does(company, idp, brand):
    idp.add_person("emi", "emi@acme.co.jp")
    browser, back = _sign_in(company, idp, "emi", email="emi@acme.co.jp")
    assert back.status_code == 200, back.text[:800]
    assert "Log out" in browser.get(f"{company.url}/").text
    emi = User.objects.get(email="emi@acme.co.jp")
    assert SocialAccount.objects.get(user=emi).provider == f"sso-{brand.slug}"
    link = SignOnLink.objects.get(user=emi)
    assert link.refresh_token  # kept for the periodic check
    Membership.objects.create(brand=brand, user=emi, role=Membership.Role.REP)
    assert services.sign_on_links_check() == 0
    assert is_rep(User.objects.get(pk=emi.pk), brand)


def test_a_person_the_company_removed_loses_brand_powers_at_the_next_check(company, idp, brand):
    idp.add_person("goro", "goro@acme.example")
    _sign_in(company, idp, "goro")
    goro = User.objects.get(email="goro@acme.example")
    membership = Membership.objects.create(brand=brand, user=goro, role=Membership.Role.ADMIN)

    idp.remove_person("goro")
    assert services.sign_on_links_check() == 1

    membership.refresh_from_db()
    assert membership.revoked_at is not None  # even the brand's only other admin's powers
    assert not is_rep(User.objects.get(pk=goro.pk), brand)
    entry = AuditLogEntry.objects.get(action="sso.powers_end")
    assert "refused to renew" in entry.reason
    assert AuditLogEntry.objects.filter(action="membership.end_by_identity_provider").exists()


def test_a_grant_revoked_at_the_provider_ends_powers_too(company, idp, brand):
    idp.add_person("rin", "rin@acme.example")
    _sign_in(company, idp, "rin")
    rin = User.objects.get(email="rin@acme.example")
    Membership.objects.create(brand=brand, user=rin, role=Membership.Role.REP)
    link = SignOnLink.objects.get(user=rin)
    revoked = requests.post(
        f"{idp.url}/o/revoke_token/",
        data={"token": link.refresh_token, "token_type_hint": "refresh_token"},
        auth=(CLIENT_ID, SECRET),
        timeout=10,
    )
    assert revoked.status_code == 200
    assert services.sign_on_links_check() == 1
    assert not is_rep(User.objects.get(pk=rin.pk), brand)


def test_a_provider_that_does_not_answer_changes_nothing(company, idp, brand):
    idp.add_person("sora", "sora@acme.example")
    _sign_in(company, idp, "sora")
    sora = User.objects.get(email="sora@acme.example")
    membership = Membership.objects.create(brand=brand, user=sora, role=Membership.Role.REP)
    brand.sign_on.__class__.objects.filter(pk=brand.sign_on.pk).update(
        issuer="http://127.0.0.1:9/o"  # nothing listens there
    )
    assert services.sign_on_links_check() == 0
    membership.refresh_from_db()
    assert membership.revoked_at is None


def test_another_domain_from_the_company_provider_is_refused(company, idp, brand):
    idp.add_person("eve", "eve@gmail.example")
    _browser, back = _sign_in(company, idp, "eve")
    assert back.status_code == 403
    assert "addresses at acme.example, acme.co.jp only" in back.text
    assert not User.objects.filter(email="eve@gmail.example").exists()


def test_an_expired_sign_in_is_refused_and_changes_nothing(company, idp, brand):
    """The person took longer than allauth's ten minutes between leaving and coming back."""
    from importlib import import_module

    from django.conf import settings

    idp.add_person("late", "late@acme.example")
    browser = requests.Session()
    start = browser.get(f"{company.url}/accounts/company/")
    chosen = browser.post(
        start.url,
        data={**form_fields(start.text), "email": "late@acme.example"},
        headers={"Referer": start.url},
    )
    at_idp = press_continue(browser, chosen)
    store = import_module(settings.SESSION_ENGINE).SessionStore(browser.cookies["sessionid"])
    store["socialaccount_states"] = {
        key: [state, stamp - 601, provider]
        for key, (state, stamp, provider) in store["socialaccount_states"].items()
    }
    store.save()
    back = browser.post(
        at_idp.url,
        data={**form_fields(at_idp.text), "username": "late", "password": "idp-password"},
        headers={"Referer": at_idp.url},
    )
    assert back.status_code == 401
    assert "We could not log you in" in back.text
    assert "Nothing on your account was changed" in back.text
    assert not User.objects.filter(email="late@acme.example").exists()
    assert not SignOnLink.objects.exists()


def test_an_answer_made_for_another_sign_in_is_refused(company, idp, brand):
    """The provider's code is bound to the sign-in that asked for it (PKCE; allauth's OpenID
    Connect sends no nonce): a code obtained for one attempt, brought back under another
    attempt's state, does not sign anyone in."""
    import re
    from urllib.parse import parse_qsl, urlencode, urlsplit

    idp.add_person("mix", "mix@acme.example")
    browser = requests.Session()

    def leave():
        start = browser.get(f"{company.url}/accounts/company/")
        chosen = browser.post(
            start.url,
            data={**form_fields(start.text), "email": "mix@acme.example"},
            headers={"Referer": start.url},
        )
        return press_continue(browser, chosen)

    first, second = leave(), leave()
    first_state = dict(parse_qsl(urlsplit(form_fields(first.text)["next"]).query))["state"]
    authorize = urlsplit(form_fields(second.text)["next"])
    query = dict(parse_qsl(authorize.query)) | {"state": first_state}
    crossed = f"{authorize.path}?{urlencode(query)}"
    back = browser.post(
        second.url,
        data={
            **form_fields(second.text),
            "next": crossed,
            "username": "mix",
            "password": "idp-password",
        },
        headers={"Referer": second.url},
    )
    assert re.search(r"/accounts/oidc/sso-[^/]+/login/callback/\?", back.url)
    assert back.status_code == 401
    assert "We could not log you in" in back.text
    assert not User.objects.filter(email="mix@acme.example").exists()
