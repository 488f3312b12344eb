"""Provider-specific answers, from recorded responses (no test machine reaches LINE or
Apple), run through allauth's real sign-in flow with Sodan's adapter; and connecting and
disconnecting providers from the account settings without ever leaving an account with no
way in."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from allauth.core import context
from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.helpers import complete_social_login
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.sessions.middleware import SessionMiddleware
from django.urls import reverse

from community.models import User
from tests.community.factories import UserFactory

pytestmark = pytest.mark.django_db
RECORDED = Path(__file__).parent / "recorded"
APPS = {
    "line": {"APPS": [{"client_id": "1654321098", "secret": "line-secret"}]},
    "apple": {
        "APPS": [
            {
                "client_id": "jp.example.sodan.web",
                "secret": "KEYID12345",
                "key": "TEAMID1234",
                "settings": {"certificate_key": "unused: the token is already decoded"},
            }
        ]
    },
}


@pytest.fixture
def providers(settings):
    settings.SOCIALACCOUNT_PROVIDERS = APPS


def _request(rf):
    request = rf.get("/accounts/line/login/callback/")
    SessionMiddleware(lambda r: None).process_request(request)
    request.session.save()
    MessageMiddleware(lambda r: None).process_request(request)
    request.user = AnonymousUser()
    return request


def _sign_in(rf, provider_id, recording):
    request = _request(rf)
    with context.request_context(request):
        provider = get_adapter().get_provider(request, provider_id)
        data = json.loads((RECORDED / recording).read_text())
        sociallogin = provider.sociallogin_from_response(request, data)
        return request, complete_social_login(request, sociallogin)


def test_line_without_the_e_mail_permission_asks_for_an_address(rf, providers):
    _request, response = _sign_in(rf, "line", "line_id_token_without_email.json")
    assert response.status_code == 302
    assert response["Location"] == reverse("socialaccount_signup")
    assert not User.objects.exists()  # nobody is made until they give an address


def test_an_address_from_line_is_confirmed_by_e_mail_before_taking_part(rf, providers, mailoutbox):
    _request, response = _sign_in(rf, "line", "line_id_token_with_email.json")
    user = User.objects.get(email="kenji@customers.example")
    assert SocialAccount.objects.get(user=user).provider == "line"
    assert not EmailAddress.objects.get(user=user).verified
    assert response["Location"] == reverse("account_email_verification_sent")
    assert mailoutbox[-1].to == ["kenji@customers.example"]


def test_apples_private_relay_address_is_vouched_for_and_kept(rf, providers):
    _request, response = _sign_in(rf, "apple", "apple_id_token_private_relay.json")
    user = User.objects.get()
    address = EmailAddress.objects.get(user=user)
    assert address.email == "x7k2qp9m4n@privaterelay.appleid.com"
    assert address.verified
    assert response["Location"] == "/"


def test_an_address_that_has_an_account_is_never_merged(rf, providers):
    """The provider's sign-in does not reach the account that owns the address: the person
    must log in to it (password) and connect the provider there; nothing tells a stranger
    that the address has an account."""
    owner = UserFactory(email="kenji@customers.example")
    request, _response = _sign_in(rf, "line", "line_id_token_with_email.json")
    assert not SocialAccount.objects.filter(user=owner).exists()
    assert User.objects.filter(email__iexact="kenji@customers.example").get() == owner
    assert request.session.get("_auth_user_id") != str(owner.pk)


def _connected(user, provider="line"):
    return SocialAccount.objects.create(user=user, provider=provider, uid=f"U-{user.pk}")


def test_the_last_way_in_cannot_be_disconnected(client, providers):
    member = UserFactory()
    member.set_unusable_password()
    member.save()
    account = _connected(member)
    client.force_login(member)
    response = client.post(reverse("socialaccount_connections"), {"account": account.pk})
    assert SocialAccount.objects.filter(pk=account.pk).exists()
    assert "password" in response.content.decode().lower()


def test_with_a_password_a_provider_can_be_disconnected(client, providers):
    member = UserFactory()
    account = _connected(member)
    client.force_login(member)
    client.post(reverse("socialaccount_connections"), {"account": account.pk})
    assert not SocialAccount.objects.filter(pk=account.pk).exists()


def test_the_account_settings_link_every_way_in(client, customer):
    client.force_login(customer)
    html = client.get(reverse("community:profile_edit")).content.decode()
    for name in ("socialaccount_connections", "mfa_index", "account_email"):
        assert reverse(name) in html


def test_each_provider_is_on_only_when_its_keys_are_in_the_environment():
    code = (
        "import django; django.setup(); from django.conf import settings; "
        # A provider is on when it has apps; "saml" is always there, for its class (sso/saml/).
        "print(sorted(k for k, v in settings.SOCIALACCOUNT_PROVIDERS.items() if 'APPS' in v))"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("SODAN_")}
    env["DJANGO_SETTINGS_MODULE"] = "community.settings"
    bare = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert bare.stdout.strip() == "[]"
    env.update(SODAN_LINE_CHANNEL_ID="1654321098", SODAN_YAHOOJP_CLIENT_ID="dj00aiZp")
    keyed = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert keyed.stdout.strip() == "['line', 'openid_connect']"
