"""Signing in, in a real browser: the log-in page on desktop and phone, a customer signing in
with the local OpenID Connect provider, and a rep who must set up two-factor (an
authenticator app, its codes computed from the secret the page shows) before the brand's
inbox opens."""

import copy
import re

import pytest
from allauth.mfa.totp.internal.auth import (
    format_hotp_value,
    hotp_value,
    yield_hotp_counters_from_time,
)

from brands.models import Membership
from community.models import User
from tests.community.factories import PASSWORD, UserFactory
from tests.community.oidc_provider.server import LocalProvider

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _totp_code(secret: str) -> str:
    counter = next(iter(yield_hotp_counters_from_time()))
    return format_hotp_value(hotp_value(secret, counter))


def test_the_log_in_page_on_desktop_and_phone(new_page, screenshot):
    page = new_page()
    for width, height, name in ((1280, 800, "sign-in-desktop"), (390, 844, "sign-in-phone")):
        page.set_viewport_size({"width": width, "height": height})
        page.goto("/accounts/login/")
        assert page.locator("h1").inner_text() == "Log in"
        assert page.get_by_role("button", name="Log in", exact=True).is_visible()
        screenshot(page, name)


def test_a_rep_sets_up_two_factor_before_the_inbox_opens(new_page, settings, brand, screenshot):
    settings.SODAN_MFA_REQUIRED_FOR_POWERS = True
    rep = UserFactory(username="rep")
    Membership.objects.create(brand=brand, user=rep, role=Membership.Role.REP)
    page = new_page()
    page.goto("/accounts/login/")
    page.fill("input[name=login]", "rep")
    page.fill("input[name=password]", PASSWORD)
    page.locator("form[action='/accounts/login/'] button[type=submit]").click()
    page.wait_for_load_state()

    page.goto(f"/b/{brand.slug}/inbox/")
    assert "Set up two-factor authentication" in page.locator("h1").inner_text()
    screenshot(page, "two-factor-required")
    page.get_by_role("link", name="Set up an authenticator app").click()
    page.wait_for_load_state()
    if page.locator("input[name=password]").count():  # allauth may ask for the password again
        page.fill("input[name=password]", PASSWORD)
        page.locator("main form button[type=submit]").first.click()
        page.wait_for_load_state()
    screenshot(page, "two-factor-activate")
    secret = page.locator("#authenticator_secret").input_value()
    page.fill("input[name=code]", _totp_code(secret))
    page.locator("form[action='/accounts/2fa/totp/activate/'] button[type=submit]").click()
    page.wait_for_load_state()

    page.goto(f"/b/{brand.slug}/inbox/")
    assert "Set up two-factor" not in page.content()
    assert re.search(r"inbox", page.locator("h1").inner_text(), re.IGNORECASE)


def test_a_customer_signs_in_with_the_local_provider(new_page, settings, live_server, tmp_path):
    provider = LocalProvider(tmp_path)
    provider.start()
    try:
        provider.add_client(
            "sodan", "sodan-secret", f"{live_server.url}/accounts/oidc/localidp/login/callback/"
        )
        provider.add_person("sakura", "sakura@customers.example")
        policy = copy.deepcopy(settings.CONTENT_SECURITY_POLICY)
        policy["DIRECTIVES"]["form-action"].append(provider.url)  # as for LINE, Google, …
        settings.CONTENT_SECURITY_POLICY = policy
        settings.SOCIALACCOUNT_PROVIDERS = {
            "openid_connect": {
                "APPS": [
                    {
                        "provider_id": "localidp",
                        "name": "Local ID",
                        "client_id": "sodan",
                        "secret": "sodan-secret",
                        "settings": {"server_url": f"{provider.url}/o"},
                    }
                ]
            }
        }
        page = new_page()
        page.goto("/accounts/login/")
        page.get_by_role("link", name="Continue with Local ID").click()
        page.get_by_role("button", name="Continue", exact=True).click()  # allauth's confirm
        page.fill("input[name=username]", "sakura")
        page.fill("input[name=password]", "idp-password")
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(f"{live_server.url}/**")
        assert page.get_by_role("button", name="Log out").is_visible()
        assert User.objects.filter(email="sakura@customers.example").exists()
    finally:
        provider.stop()
