"""A lost authenticator: the person signs in with one of their recovery codes, each code
works once, and a wrong one is refused with a clear message and changes nothing. (Staff
resetting a lost factor after checking who the member is: tests/community/test_two_factor.py.)
"""

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.urls import reverse

from tests.community.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("two_factor")]


@pytest.fixture
def member_without_phone(db):
    user = UserFactory(username="lost-phone")
    TOTP.activate(user, generate_totp_secret())
    codes = RecoveryCodes.activate(user).get_unused_codes()
    return user, codes


def _password_step(client, user):
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    return response


def test_a_recovery_code_signs_in_once(client, member_without_phone):
    user, codes = member_without_phone
    _password_step(client, user)
    response = client.post(reverse("mfa_authenticate"), {"code": codes[0]})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
    client.post(reverse("account_logout"))

    _password_step(client, user)
    again = client.post(reverse("mfa_authenticate"), {"code": codes[0]})
    assert again.status_code == 200
    assert "Incorrect code" in again.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_wrong_code_is_refused_and_changes_nothing(client, member_without_phone):
    user, _codes = member_without_phone
    before = list(Authenticator.objects.filter(user=user).values_list("type", "data"))
    _password_step(client, user)
    wrong = client.post(reverse("mfa_authenticate"), {"code": "00000000"})
    assert wrong.status_code == 200
    assert "Incorrect code" in wrong.content.decode()
    assert "_auth_user_id" not in client.session
    assert list(Authenticator.objects.filter(user=user).values_list("type", "data")) == before
