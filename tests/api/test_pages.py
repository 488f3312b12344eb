"""The credentials' pages: a person makes and revokes their tokens, a brand admin the
brand's keys; a new token is shown once and never stored as shown."""

from __future__ import annotations

import re

import pytest

from api.models import BrandApiKey, PersonalAccessToken
from moderation.models import AuditLogEntry
from tests.api.conftest import key_for

pytestmark = pytest.mark.django_db


def _shown_token(page) -> str:
    found = re.findall(r"sodan_(?:pat|key)_[A-Za-z0-9_-]+", page.content.decode())
    return found[0] if found else ""


def test_a_person_makes_a_token_sees_it_once_and_uses_it(client, api, asker):
    client.force_login(asker)
    page = client.post(
        "/settings/tokens/", {"name": "Script", "scopes": ["read"], "expires_in_days": "30"}
    )
    assert page.status_code == 200
    token = _shown_token(page)
    assert token and PersonalAccessToken.objects.get().prefix in page.content.decode()
    assert api("GET", "/api/v1/me/", token=token).json()["username"] == "hana"
    again = client.get("/settings/tokens/")
    assert token not in again.content.decode()
    # The scopes are a group of check boxes with its own legend, not boxes inside a label.
    assert "<legend>Scopes</legend>" in again.content.decode()
    assert "Script" in again.content.decode()


def test_a_person_revokes_their_token_and_nobody_elses(client, api, asker, cast):
    client.force_login(asker)
    page = client.post(
        "/settings/tokens/", {"name": "Old", "scopes": ["read"], "expires_in_days": "7"}
    )
    token, stored = _shown_token(page), PersonalAccessToken.objects.get()
    client.force_login(cast["customer"])
    assert client.post(f"/settings/tokens/{stored.pk}/revoke/").status_code == 404
    client.force_login(asker)
    client.post(f"/settings/tokens/{stored.pk}/revoke/")
    assert api("GET", "/api/v1/me/", token=token).status_code == 401


def test_a_token_needs_a_scope(client, asker):
    client.force_login(asker)
    page = client.post("/settings/tokens/", {"name": "None", "expires_in_days": "7"})
    assert not _shown_token(page) and not PersonalAccessToken.objects.exists()


def test_a_brand_admin_makes_a_key_on_the_brands_page(client, api, official, cast, thread):
    client.force_login(cast["admin"])
    page = client.post(
        f"/b/{official.slug}/api-keys/",
        {"name": "Zendesk", "role": "rep", "scopes": ["read", "write"], "expires_in_days": "0"},
    )
    token = _shown_token(page)
    assert token.startswith("sodan_key_")
    key = BrandApiKey.objects.get()
    assert key.expires_at is None and key.created_by == cast["admin"]
    assert AuditLogEntry.objects.filter(action="api_key.create", brand=official).exists()
    assert api("GET", f"/api/v1/brands/{official.slug}/inbox/", token=token).status_code == 200
    client.post(f"/b/{official.slug}/api-keys/{key.pk}/revoke/")
    assert api("GET", f"/api/v1/brands/{official.slug}/inbox/", token=token).status_code == 401


@pytest.mark.parametrize("who", ["rep", "product", "customer", "rival_admin", "global_mod"])
def test_only_the_brands_admins_and_staff_reach_its_keys_page(client, official, cast, who):
    key = key_for(official, cast["admin"])
    client.force_login(cast[who])
    assert client.get(f"/b/{official.slug}/api-keys/").status_code == 403
    revoke = client.post(f"/b/{official.slug}/api-keys/{key.credential.pk}/revoke/")
    assert revoke.status_code == 403
    key.credential.refresh_from_db()
    assert key.credential.revoked_at is None
    client.force_login(cast["staff"])
    assert client.get(f"/b/{official.slug}/api-keys/").status_code == 200


def test_the_team_navigation_links_the_keys_page_for_admins_only(client, official, cast):
    client.force_login(cast["admin"])
    assert (
        f"/b/{official.slug}/api-keys/" in client.get(f"/b/{official.slug}/inbox/").content.decode()
    )
    client.force_login(cast["rep"])
    assert (
        f"/b/{official.slug}/api-keys/"
        not in client.get(f"/b/{official.slug}/inbox/").content.decode()
    )


def test_the_profile_settings_page_links_the_tokens_page(client, asker):
    client.force_login(asker)
    assert "/settings/tokens/" in client.get("/settings/profile/").content.decode()
