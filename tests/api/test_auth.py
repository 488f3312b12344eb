"""Credentials: tokens stored hashed and shown once, refused when bad (401), scopes (403
naming the scope), brand keys that reach their own brand only, and the site's session
with its CSRF check."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from api import services
from api.models import BrandApiKey, PersonalAccessToken
from brands.models import Membership
from moderation.models import AuditLogEntry
from qa.models import Answer, Thread
from tests.api.conftest import key_for, token_for

pytestmark = pytest.mark.django_db


def test_a_token_is_stored_only_as_its_sha256_with_a_visible_prefix(asker):
    issued = services.personal_token_create(
        user=asker, name="script", scopes=["read"], expires_in_days=7
    )
    stored = PersonalAccessToken.objects.get()
    assert issued.token.startswith("sodan_pat_")
    assert stored.token_hash == hashlib.sha256(issued.token.encode()).hexdigest()
    assert issued.token.startswith(stored.prefix) and len(stored.prefix) < len(issued.token) / 3
    assert issued.token not in str(PersonalAccessToken.objects.values().get())


@pytest.mark.parametrize(
    "header",
    [
        "Bearer sodan_pat_not-a-real-token",
        "Bearer sodan_key_not-a-real-key",
        "Bearer something-else",
        "Bearer",
        "Bearer two words",
    ],
)
def test_a_bad_token_is_refused_with_401_and_a_problem_document(api, thread, header):
    response = api("GET", f"/api/v1/threads/{thread.pk}/", headers={"Authorization": header})
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response["WWW-Authenticate"].startswith("Bearer")
    problem = response.json()
    assert problem["status"] == 401 and problem["type"].endswith("/unauthenticated")


def test_revoked_and_expired_tokens_are_refused_and_change_nothing(api, thread, asker):
    revoked = services.personal_token_create(
        user=asker, name="old", scopes=["read", "write"], expires_in_days=7
    )
    services.personal_token_revoke(user=asker, token=revoked.credential)
    expired = services.personal_token_create(
        user=asker, name="older", scopes=["read", "write"], expires_in_days=7
    )
    PersonalAccessToken.objects.filter(pk=expired.credential.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    for token in (revoked.token, expired.token):
        response = api(
            "PATCH",
            f"/api/v1/threads/{thread.pk}/",
            token=token,
            data={"title": "Changed", "body": "Changed"},
        )
        assert response.status_code == 401
    thread.refresh_from_db()
    assert thread.title == "Lens error E-12"


def test_a_deactivated_persons_token_is_refused(api, thread, asker):
    token = token_for(asker)
    asker.is_active = False
    asker.save(update_fields=["is_active"])
    assert api("GET", f"/api/v1/threads/{thread.pk}/", token=token).status_code == 401


def test_a_read_token_cannot_write_and_is_told_the_scope(api, thread, asker):
    token = token_for(asker, scopes=["read"])
    assert api("GET", f"/api/v1/threads/{thread.pk}/", token=token).status_code == 200
    response = api(
        "PATCH", f"/api/v1/threads/{thread.pk}/", token=token, data={"title": "X", "body": "Y"}
    )
    assert response.status_code == 403
    assert response.json()["scope"] == "write"
    assert "write" in response.json()["detail"]
    assert response.json()["type"].endswith("/missing-scope")
    thread.refresh_from_db()
    assert thread.title == "Lens error E-12"


def test_a_write_only_token_cannot_read(api, thread, asker):
    response = api("GET", "/api/v1/me/", token=token_for(asker, scopes=["write"]))
    assert response.status_code == 403
    assert response.json()["scope"] == "read"


def test_anonymous_callers_read_public_threads_but_must_authenticate_to_write(api, thread):
    assert api("GET", f"/api/v1/threads/{thread.pk}/").status_code == 200
    response = api("POST", f"/api/v1/threads/{thread.pk}/answers/", data={"body": "Hi"})
    assert response.status_code == 401
    assert Answer.objects.count() == 0


def test_the_session_needs_the_csrf_token_to_write(thread, asker):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(asker)
    path = f"/api/v1/threads/{thread.pk}/"
    assert browser.get(path).status_code == 200
    refused = browser.patch(
        path, '{"title": "New", "body": "New"}', content_type="application/json"
    )
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]
    browser.get("/settings/tokens/")  # any page of the site sets the CSRF cookie
    csrf = browser.cookies["csrftoken"].value
    saved = browser.patch(
        path,
        '{"title": "New title", "body": "New body"}',
        content_type="application/json",
        headers={"X-CSRFToken": csrf},
    )
    assert saved.status_code == 200, saved.content
    assert saved.json()["title"] == "New title"


# --- Brand API keys -----------------------------------------------------------------------


def test_a_brand_key_acts_as_its_named_integration_member_and_is_audited(
    api, official, cast, thread
):
    issued = key_for(official, cast["admin"], role="rep", name="Helpdesk")
    key = BrandApiKey.objects.get()
    assert issued.token.startswith("sodan_key_") and key.token_hash != issued.token
    member = key.integration_user
    assert Membership.objects.active().filter(brand=official, user=member, role="rep").exists()
    entry = AuditLogEntry.objects.get(action="api_key.create")
    assert entry.actor == cast["admin"] and entry.brand == official

    response = api(
        "POST",
        f"/api/v1/threads/{thread.pk}/answers/",
        token=issued.token,
        data={"body": "We fixed it."},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["official"] is True
    assert body["author"]["username"] == member.username
    assert "Helpdesk" in body["author"]["name"]


def test_a_brand_key_is_refused_on_every_other_brands_resources(
    api, official, rival, cast, thread, rival_thread
):
    token = key_for(official, cast["admin"], role="rep").token
    rival_answer = Answer.objects.create(
        thread=rival_thread, author=cast["customer"], body="x", body_html="<p>x</p>"
    )
    from feedback.models import FeedbackItem

    rival_item = FeedbackItem.objects.create(brand=rival, title="Signal drops")
    attempts = [
        ("GET", f"/api/v1/brands/{rival.slug}/", None),
        ("GET", f"/api/v1/brands/{rival.slug}/products/", None),
        ("GET", f"/api/v1/brands/{rival.slug}/threads/", None),
        ("POST", f"/api/v1/brands/{rival.slug}/threads/", {"title": "Hi", "body": "There"}),
        ("GET", f"/api/v1/brands/{rival.slug}/inbox/", None),
        ("GET", f"/api/v1/brands/{rival.slug}/feedback/", None),
        ("GET", f"/api/v1/threads/{rival_thread.pk}/", None),
        ("PATCH", f"/api/v1/threads/{rival_thread.pk}/", {"title": "A", "body": "B"}),
        ("POST", f"/api/v1/threads/{rival_thread.pk}/answers/", {"body": "Ours is better"}),
        ("PUT", f"/api/v1/threads/{rival_thread.pk}/me-too/", {}),
        ("GET", f"/api/v1/answers/{rival_answer.pk}/", None),
        ("PATCH", f"/api/v1/answers/{rival_answer.pk}/", {"body": "edited"}),
        ("PUT", f"/api/v1/answers/{rival_answer.pk}/vote/", None),
        ("PUT", f"/api/v1/answers/{rival_answer.pk}/accept/", None),
        ("GET", f"/api/v1/feedback/{rival_item.pk}/", None),
        ("POST", f"/api/v1/feedback/{rival_item.pk}/status/", {"status": "planned"}),
    ]
    for method, path, data in attempts:
        response = api(method, path, token=token, data=data)
        assert response.status_code == 403, (method, path, response.content)
        assert "Kumo Mobile" in response.json()["detail"]
    assert Thread.objects.filter(brand=rival).count() == 1
    assert rival_thread.answers.count() == 1
    rival_item.refresh_from_db()
    assert rival_item.status == "new"
    # Its own brand it reaches.
    assert api("GET", f"/api/v1/brands/{official.slug}/inbox/", token=token).status_code == 200
    listed = api("GET", "/api/v1/brands/", token=token).json()["results"]
    assert [brand["slug"] for brand in listed] == [official.slug]


def test_a_revoked_key_is_refused_and_its_member_loses_the_role(api, official, cast, thread):
    issued = key_for(official, cast["admin"])
    services.brand_api_key_revoke(actor=cast["admin"], key=issued.credential)
    response = api("GET", f"/api/v1/brands/{official.slug}/inbox/", token=issued.token)
    assert response.status_code == 401
    member = issued.credential.integration_user
    assert not Membership.objects.active().filter(user=member).exists()
    assert AuditLogEntry.objects.filter(action="api_key.revoke", actor=cast["admin"]).exists()


def test_a_read_only_key_cannot_write(api, official, cast, thread):
    token = key_for(official, cast["admin"], scopes=["read"]).token
    response = api("POST", f"/api/v1/threads/{thread.pk}/answers/", token=token, data={"body": "x"})
    assert response.status_code == 403 and response.json()["scope"] == "write"


@pytest.mark.parametrize("who", ["rep", "product", "customer", "rival_admin", "brand_mod"])
def test_only_the_brands_admins_and_staff_make_keys(official, cast, who):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        key_for(official, cast[who])
    assert not BrandApiKey.objects.exists()
    key_for(official, cast["staff"], name="Staff made")
    assert BrandApiKey.objects.count() == 1


def test_a_key_whose_member_lost_its_role_on_the_team_page_is_refused(api, official, cast):
    from brands.services.team import membership_revoke

    issued = key_for(official, cast["admin"])
    member = issued.credential.integration_user
    membership = Membership.objects.active().get(user=member)
    membership_revoke(actor=cast["admin"], membership=membership, reason="Replaced")
    response = api("GET", f"/api/v1/brands/{official.slug}/", token=issued.token)
    assert response.status_code == 401
