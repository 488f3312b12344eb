"""Social sign-in end to end against a real OpenID Connect provider that the tests start
(tests/community/oidc_provider: django-oauth-toolkit in a second Django process), through
allauth's generic provider as Yahoo! JAPAN ID and company OIDC use it. Nothing in Sodan's
code is replaced: Sodan fetches the discovery document, exchanges the code and checks the
signed ID token over HTTP, as it would with the real providers."""

import html
import re

import pytest
import requests
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount

from community.models import User
from tests.community.factories import UserFactory
from tests.community.oidc_provider.server import LocalProvider
from themes.services import site_pages_ensure

pytestmark = pytest.mark.django_db(transaction=True)

CLIENT_ID, SECRET = "sodan-tests", "sodan-tests-secret"


@pytest.fixture(scope="module")
def provider(tmp_path_factory):
    idp = LocalProvider(tmp_path_factory.mktemp("idp"))
    idp.start()
    yield idp
    idp.stop()


@pytest.fixture
def sodan_on_provider(settings, live_server, provider):
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {
            "APPS": [
                {
                    "provider_id": "localidp",
                    "name": "Local ID",
                    "client_id": CLIENT_ID,
                    "secret": SECRET,
                    "settings": {"server_url": f"{provider.url}/o"},
                }
            ]
        }
    }
    # Signing in lands on the home page: a transactional test earlier on the same worker
    # may have flushed the one the migration made.
    site_pages_ensure()
    callback = f"{live_server.url}/accounts/oidc/localidp/login/callback/"
    if not getattr(provider, "_client", False):
        provider.add_client(CLIENT_ID, SECRET, callback)
        provider._client = True
    return live_server


def _csrf(session, html, cookie):
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    return token.group(1) if token else session.cookies.get(cookie)


def _sign_in(live_server, provider, username):
    """Press "Continue with Local ID" on Sodan's log-in page, sign in at the provider, come
    back. Returns the browser's session and the last response."""
    browser = requests.Session()
    page = browser.get(f"{live_server.url}/accounts/login/")
    assert "Continue with Local ID" in page.text
    start = browser.get(f"{live_server.url}/accounts/oidc/localidp/login/")
    to_provider = browser.post(
        start.url,
        data={"csrfmiddlewaretoken": _csrf(browser, start.text, "csrftoken")},
        headers={"Referer": start.url},
    )
    assert to_provider.url.startswith(f"{provider.url}/login/"), to_provider.url
    back = browser.post(
        to_provider.url,
        data={
            "csrfmiddlewaretoken": _csrf(browser, to_provider.text, "idp_csrftoken"),
            "username": username,
            "password": "idp-password",
            "next": html.unescape(re.search(r'name="next" value="([^"]*)"', to_provider.text)[1]),
        },
        headers={"Referer": to_provider.url},
    )
    return browser, back


def test_a_customer_signs_in_with_the_provider_and_can_take_part(sodan_on_provider, provider):
    provider.add_person("hanako", "hanako@customers.example")
    browser, back = _sign_in(sodan_on_provider, provider, "hanako")
    assert back.status_code == 200, back.text[:500]
    user = User.objects.get(email="hanako@customers.example")
    assert SocialAccount.objects.get(user=user).provider == "localidp"
    assert EmailAddress.objects.get(user=user).verified  # the provider vouched for it
    home = browser.get(f"{sodan_on_provider.url}/")
    assert "Log out" in home.text


def test_an_address_the_provider_does_not_vouch_for_is_confirmed_by_e_mail_first(
    sodan_on_provider, provider, mailoutbox
):
    provider.add_person("taro", "taro@customers.example", verified=False)
    _browser, back = _sign_in(sodan_on_provider, provider, "taro")
    assert "Check your e-mail" in back.text
    user = User.objects.get(email="taro@customers.example")
    assert not EmailAddress.objects.get(user=user).verified
    assert mailoutbox and mailoutbox[-1].to == ["taro@customers.example"]


def test_an_address_that_has_an_account_is_not_merged_silently(sodan_on_provider, provider):
    owner = UserFactory(username="owner", email="owner@customers.example")
    provider.add_person("owner-at-idp", "owner@customers.example")
    _browser, back = _sign_in(sodan_on_provider, provider, "owner-at-idp")
    assert not SocialAccount.objects.filter(user=owner).exists()
    assert User.objects.filter(email="owner@customers.example").count() == 1
    assert "Log out" not in back.text  # not signed in as the owner: they prove it by logging in


def test_a_replayed_callback_is_refused_and_changes_nothing(sodan_on_provider, provider):
    provider.add_person("jiro", "jiro@customers.example")
    browser, back = _sign_in(sodan_on_provider, provider, "jiro")
    callback = next(r.url for r in back.history if "/login/callback/" in r.url)
    accounts = SocialAccount.objects.count()
    browser.post(
        f"{sodan_on_provider.url}/accounts/logout/",
        data={"csrfmiddlewaretoken": browser.cookies.get("csrftoken")},
        headers={"Referer": sodan_on_provider.url + "/"},
    )
    again = browser.get(callback)
    assert again.status_code == 401
    assert "We could not log you in" in again.text
    assert "Nothing on your account was changed" in again.text
    assert "Log out" not in again.text
    assert SocialAccount.objects.count() == accounts
