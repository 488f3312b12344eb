"""Company sign-on and passkeys in a real browser: a brand admin connects the company's
OpenID Connect provider on the brand's settings page, an employee signs in with their
company account, works in the inbox once added to the team, and loses the inbox when the
company removes them; a member adds a passkey with Chromium's virtual authenticator."""

import pytest
from allauth.mfa.models import Authenticator

from brands.models import Membership
from community.models import User
from sso import services
from tests.community.factories import PASSWORD, UserFactory
from tests.community.oidc_provider.server import LocalProvider

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _log_in(page, username):
    page.goto("/accounts/login/")
    page.fill("input[name=login]", username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form[action='/accounts/login/'] button[type=submit]").click()
    page.wait_for_load_state()


def test_a_brand_admin_connects_sso_and_a_removed_employee_loses_brand_powers(
    new_page, live_server, brand, tmp_path, screenshot
):
    provider = LocalProvider(tmp_path)
    provider.start()
    try:
        admin = UserFactory(username="acme-admin")
        Membership.objects.create(brand=brand, user=admin, role=Membership.Role.ADMIN)
        page = new_page()
        _log_in(page, "acme-admin")
        page.goto(f"/b/{brand.slug}/sso/")
        page.get_by_role("radio", name="OpenID Connect").check()
        page.fill("input[name=domains]", "acme.example")
        page.fill("input[name=issuer]", f"{provider.url}/o")
        page.fill("input[name=client_id]", "acme-sodan")
        page.fill("input[name=client_secret]", "acme-secret")
        page.get_by_role("button", name="Save company sign-on").click()
        page.wait_for_load_state()
        status = page.locator("#sso-status")
        assert "Addresses at acme.example sign in here" in status.inner_text()
        screenshot(page, "sso-settings")
        redirect_uri = status.locator("code").first.inner_text()
        assert redirect_uri == f"{live_server.url}/accounts/oidc/sso-{brand.slug}/login/callback/"
        provider.add_client("acme-sodan", "acme-secret", redirect_uri)  # the company's side
        provider.add_person("hana", "hana@acme.example")

        employee = new_page()
        employee.goto("/accounts/login/")
        employee.get_by_role("link", name="Sign in with your company account").click()
        employee.fill("input[name=email]", "hana@acme.example")
        employee.get_by_role("button", name="Continue").click()
        employee.get_by_role("button", name="Continue", exact=True).click()  # allauth's confirm
        employee.fill("input[name=username]", "hana")
        employee.fill("input[name=password]", "idp-password")
        employee.get_by_role("button", name="Sign in").click()
        employee.wait_for_url(f"{live_server.url}/**")
        assert employee.get_by_role("button", name="Log out").is_visible()

        hana = User.objects.get(email="hana@acme.example")
        Membership.objects.create(brand=brand, user=hana, role=Membership.Role.REP)  # added
        employee.goto(f"/b/{brand.slug}/inbox/")
        assert "nbox" in employee.locator("h1").inner_text()

        provider.remove_person("hana")  # she left the company
        assert services.sign_on_links_check() == 1  # the hourly check
        answer = employee.goto(f"/b/{brand.slug}/inbox/")
        assert answer.status == 403
        assert "The inbox is for" in employee.content()
        screenshot(employee, "sso-powers-ended")
    finally:
        provider.stop()


def test_a_member_adds_a_passkey(new_page, settings, customer, screenshot):
    settings.MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = True  # http://localhost in the test server
    page = new_page()
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    authenticator = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )["authenticatorId"]
    _log_in(page, customer.username)
    page.goto("/accounts/2fa/webauthn/add/")
    if page.locator("input[name=password]").count():  # allauth may ask for the password again
        page.fill("input[name=password]", PASSWORD)
        page.locator("main form button[type=submit]").first.click()
        page.wait_for_load_state()
    screenshot(page, "passkey-add")
    page.fill("input[name=name]", "Laptop")
    page.locator("#mfa_webauthn_add").click()  # the browser asks the authenticator
    # Added: the list of keys, or the recovery codes allauth makes with a first factor.
    page.wait_for_url(lambda url: "/webauthn/add/" not in url)
    screenshot(page, "passkey-added")
    key = Authenticator.objects.get(user=customer, type=Authenticator.Type.WEBAUTHN)
    assert key.wrap().name == "Laptop"
    credentials = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})
    assert len(credentials["credentials"]) == 1  # the key lives in the authenticator
