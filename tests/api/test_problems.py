"""Bad input answers with a problem document that names what is wrong, and changes
nothing: malformed JSON, unknown fields, invalid values, an oversized body, an edit
conflict, a rate limit."""

from __future__ import annotations

import pytest

from qa.models import Answer, Revision, Thread
from tests.api.conftest import token_for

pytestmark = pytest.mark.django_db

PROBLEM_KEYS = {"type", "title", "status", "detail"}


def _problem(response, status: int) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert set(problem) >= PROBLEM_KEYS and problem["status"] == status
    return problem


def _unchanged(thread: Thread) -> None:
    thread.refresh_from_db()
    assert thread.title == "Lens error E-12" and thread.revision_count == 1
    assert Revision.objects.filter(thread=thread).count() == 1


def test_malformed_json_is_400_naming_the_body(api, thread, asker):
    response = api(
        "PATCH", f"/api/v1/threads/{thread.pk}/", token=token_for(asker), raw='{"title": "x",'
    )
    problem = _problem(response, 400)
    assert "body" in problem["errors"] and "JSON" in problem["detail"]
    _unchanged(thread)


def test_a_json_document_that_is_not_an_object_is_400(api, thread, asker):
    response = api("PATCH", f"/api/v1/threads/{thread.pk}/", token=token_for(asker), raw="[1, 2]")
    _problem(response, 400)
    _unchanged(thread)


def test_an_unknown_field_is_400_naming_it(api, thread, asker):
    response = api(
        "PATCH",
        f"/api/v1/threads/{thread.pk}/",
        token=token_for(asker),
        data={"title": "New", "body": "New", "pinned": True},
    )
    problem = _problem(response, 400)
    assert list(problem["errors"]) == ["pinned"]
    assert "pinned" in problem["detail"]
    _unchanged(thread)


def test_the_services_validation_is_400_naming_the_field(api, official, asker):
    response = api(
        "POST",
        f"/api/v1/brands/{official.slug}/threads/",
        token=token_for(asker),
        data={"title": "   ", "body": "Something"},
    )
    problem = _problem(response, 400)
    assert "title" in problem["errors"]
    assert problem["errors"]["title"] == ["Give your thread a title."]
    assert not Thread.objects.exists()


def test_a_wrong_type_is_400_naming_the_field(api, thread, asker):
    response = api(
        "PATCH",
        f"/api/v1/threads/{thread.pk}/",
        token=token_for(asker),
        data={"title": "New", "body": "New", "base_revision": "soon"},
    )
    assert "base_revision" in _problem(response, 400)["errors"]
    _unchanged(thread)


def test_an_oversized_body_is_413_naming_the_limit(api, thread, asker, settings):
    settings.SODAN_MAX_REQUEST_BYTES = 2048
    response = api(
        "POST",
        f"/api/v1/threads/{thread.pk}/answers/",
        token=token_for(asker),
        data={"body": "x" * 5000},
    )
    problem = _problem(response, 413)
    assert problem["limit"] == 2048 and "2,048" in problem["detail"]
    assert not Answer.objects.exists()


def test_an_edit_over_a_version_saved_meanwhile_is_409_with_that_version(api, thread, asker, cast):
    token = token_for(asker)
    path = f"/api/v1/threads/{thread.pk}/"
    first = api(
        "PATCH", path, token=token, data={"title": "Mine", "body": "Mine", "base_revision": 1}
    )
    assert first.status_code == 200 and first.json()["revision"] == 2
    late = api(
        "PATCH", path, token=token, data={"title": "Stale", "body": "Stale", "base_revision": 1}
    )
    problem = _problem(late, 409)
    assert problem["current_revision"]["number"] == 2
    assert problem["current_revision"]["title"] == "Mine"
    thread.refresh_from_db()
    assert thread.title == "Mine"


def test_a_refusal_is_403_with_the_services_reason(api, thread, cast):
    response = api(
        "PATCH",
        f"/api/v1/threads/{thread.pk}/",
        token=token_for(cast["customer"]),
        data={"title": "Hijack", "body": "Hijack"},
    )
    problem = _problem(response, 403)
    assert problem["detail"] == "Only the person who asked can edit this question."
    _unchanged(thread)


def test_writes_meet_the_same_rate_limits_as_the_pages(api, thread, cast, settings):
    settings.SODAN_RATE_LIMITS_ENABLED = True
    settings.SODAN_RATE_LIMITS = {**settings.SODAN_RATE_LIMITS, "post": (1, 3600)}
    settings.SODAN_NEW_MEMBER = {**settings.SODAN_NEW_MEMBER, "max_age_days": 0}
    token = token_for(cast["customer"])
    path = f"/api/v1/threads/{thread.pk}/answers/"
    assert api("POST", path, token=token, data={"body": "One"}).status_code == 201
    response = api("POST", path, token=token, data={"body": "Two"})
    problem = _problem(response, 429)
    assert int(response["Retry-After"]) > 0 and problem["action"] == "post"
    assert Answer.objects.count() == 1


def test_an_unknown_thread_is_404(api, asker):
    _problem(api("GET", "/api/v1/threads/999999/", token=token_for(asker)), 404)


def test_a_method_the_resource_does_not_have_is_405(api, thread, asker):
    _problem(api("DELETE", f"/api/v1/threads/{thread.pk}/", token=token_for(asker)), 405)


def test_a_post_sent_again_with_its_idempotency_key_is_saved_once(api, official, thread, cast):
    token = token_for(cast["customer"])
    headers = {"Idempotency-Key": "retry-after-timeout-0001"}
    path = f"/api/v1/threads/{thread.pk}/answers/"
    first = api("POST", path, token=token, data={"body": "Reset it."}, headers=headers)
    again = api("POST", path, token=token, data={"body": "Reset it."}, headers=headers)
    assert first.status_code == 201 and again.status_code == 200
    assert again.json()["id"] == first.json()["id"] and Answer.objects.count() == 1
    asked = f"/api/v1/brands/{official.slug}/threads/"
    data = {"title": "Flash", "body": "Won't fire."}
    one = api(
        "POST", asked, token=token, data=data, headers=headers | {"Idempotency-Key": "a" * 20}
    )
    two = api(
        "POST", asked, token=token, data=data, headers=headers | {"Idempotency-Key": "a" * 20}
    )
    assert (one.status_code, two.status_code) == (201, 200)
    assert one.json()["id"] == two.json()["id"] and Thread.objects.count() == 2
    bad = api("POST", path, token=token, data={"body": "x"}, headers={"Idempotency-Key": "short"})
    assert "Idempotency-Key" in _problem(bad, 400)["errors"]


def test_numbers_past_what_the_database_holds_are_400_naming_the_field(api, asker, thread):
    token = token_for(asker)
    marked = api("POST", "/api/v1/notifications/read/", token=token, data={"ids": [2**80]})
    assert "ids.0" in _problem(marked, 400)["errors"]
    edited = api(
        "PATCH", f"/api/v1/threads/{thread.pk}/", token=token,
        data={"title": "T", "body": "B", "base_revision": 2**40},
    )  # fmt: skip
    assert "base_revision" in _problem(edited, 400)["errors"]
    _unchanged(thread)


@pytest.mark.parametrize("method", ["GET", "POST", "DELETE"])
def test_an_address_under_the_api_that_names_nothing_is_a_404_problem(api, method):
    _problem(api(method, "/api/v1/brands/not,a,slug/"), 404)
    _problem(api(method, "/api/v1/nothing/here/"), 404)
