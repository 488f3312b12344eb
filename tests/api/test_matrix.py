"""DOMAIN.md's table of who may do what, reached through the API: every role against the
official brand's thread, including the rival brand's people (brand powers stop at the
brand's edge). A refusal is 403 with the services' reason (401 for an anonymous write) and
changes nothing."""

from __future__ import annotations

import pytest

from feedback.models import FeedbackItem
from qa.models import Answer, HelpfulVote, MeToo, Revision, Thread

pytestmark = pytest.mark.django_db

EVERYONE = [
    "anon", "member", "customer", "suspended", "rep", "admin", "product",
    "brand_mod", "global_mod", "staff", "rival_rep", "rival_admin",
]  # fmt: skip
PARTICIPANTS = {
    "customer", "rep", "admin", "product", "brand_mod", "global_mod", "staff",
    "rival_rep", "rival_admin",
}  # fmt: skip
TEAM = {"rep", "admin", "product", "staff"}
NEUTRAL_MODERATORS = {"brand_mod", "global_mod", "staff"}


def _expected(role: str, allowed: set[str], ok: int, *, write: bool = True) -> int:
    if role in allowed:
        return ok
    return 401 if role == "anon" and write else 403


def _state() -> tuple:
    thread = Thread.objects.order_by("pk").first()
    item = FeedbackItem.objects.order_by("pk").first()
    return (
        Thread.objects.count(),
        Answer.objects.count(),
        HelpfulVote.objects.count(),
        MeToo.objects.count(),
        Revision.objects.count(),
        thread.accepted_answer_id,
        item.status if item else None,
    )


@pytest.fixture
def item(official, thread):
    return FeedbackItem.objects.create(brand=official, title="E-12 after update")


def _call(api, cast, role, method, path, data=None):
    return api.as_user(cast[role], method, path, data=data)


def _check(api, cast, role, method, path, expected, data=None):
    before = _state()
    response = _call(api, cast, role, method, path, data)
    assert response.status_code == expected, (role, response.content)
    if expected >= 400:
        assert response["Content-Type"] == "application/problem+json"
        assert response.json()["detail"]
        assert _state() == before, "a refused request changed something"
    return response


@pytest.mark.parametrize("role", EVERYONE)
def test_read_public_threads(api, cast, role, thread, answer):
    response = _check(api, cast, role, "GET", f"/api/v1/threads/{thread.pk}/", 200)
    assert [a["id"] for a in response.json()["answers"]] == [answer.pk]


@pytest.mark.parametrize("role", EVERYONE)
def test_ask(api, cast, role, official, item):
    _check(
        api, cast, role, "POST", f"/api/v1/brands/{official.slug}/threads/",
        _expected(role, PARTICIPANTS, 201), {"title": "Flash won't fire", "body": "Since 2.1."},
    )  # fmt: skip


@pytest.mark.parametrize("role", EVERYONE)
def test_answer(api, cast, role, thread, item):
    _check(
        api, cast, role, "POST", f"/api/v1/threads/{thread.pk}/answers/",
        _expected(role, PARTICIPANTS, 201), {"body": "Try a reset."},
    )  # fmt: skip


@pytest.mark.parametrize("role", EVERYONE)
def test_vote(api, cast, role, answer, item):
    response = _check(
        api, cast, role, "PUT", f"/api/v1/answers/{answer.pk}/vote/",
        _expected(role, PARTICIPANTS, 200),
    )  # fmt: skip
    if response.status_code == 200:
        assert response.json() == {"voted": True, "helpful_count": 1}


@pytest.mark.parametrize("role", EVERYONE)
def test_me_too(api, cast, role, thread, item):
    response = _check(
        api, cast, role, "PUT", f"/api/v1/threads/{thread.pk}/me-too/",
        _expected(role, PARTICIPANTS, 200), {"version": "2.1"},
    )  # fmt: skip
    if response.status_code == 200:
        assert response.json() == {"said_me_too": True, "me_too_count": 1}


@pytest.mark.parametrize("role", EVERYONE)
def test_edit_a_customers_post(api, cast, role, thread, item):
    """Only neutral moderators and staff edit someone else's post (saying why)."""
    _check(
        api, cast, role, "PATCH", f"/api/v1/threads/{thread.pk}/",
        _expected(role, NEUTRAL_MODERATORS, 200),
        {"title": "Lens error E-12 (Z5)", "body": "Edited.", "reason": "Clearer title"},
    )  # fmt: skip


@pytest.mark.parametrize("role", EVERYONE)
def test_accept_an_answer(api, cast, role, answer, item):
    """The asker (not in the cast) and neutral moderators; no brand role gives it."""
    _check(
        api, cast, role, "PUT", f"/api/v1/answers/{answer.pk}/accept/",
        _expected(role, NEUTRAL_MODERATORS, 200),
    )  # fmt: skip


@pytest.mark.parametrize("role", EVERYONE)
def test_read_the_rep_inbox(api, cast, role, official, thread):
    _check(
        api, cast, role, "GET", f"/api/v1/brands/{official.slug}/inbox/",
        _expected(role, TEAM, 200, write=False),
    )  # fmt: skip


@pytest.mark.parametrize("role", EVERYONE)
def test_read_the_feedback_board(api, cast, role, official, item):
    _check(
        api, cast, role, "GET", f"/api/v1/brands/{official.slug}/feedback/",
        _expected(role, TEAM, 200, write=False),
    )  # fmt: skip
    _check(
        api, cast, role, "GET", f"/api/v1/feedback/{item.pk}/",
        _expected(role, TEAM, 200, write=False),
    )  # fmt: skip


@pytest.mark.parametrize("role", EVERYONE)
def test_change_a_feedback_items_status(api, cast, role, item):
    response = _check(
        api, cast, role, "POST", f"/api/v1/feedback/{item.pk}/status/",
        _expected(role, TEAM, 200), {"status": "under_review"},
    )  # fmt: skip
    if response.status_code == 200:
        assert response.json()["status"] == "under_review"


def test_the_asker_edits_and_accepts_on_their_own_thread(api, asker, thread, answer):
    edited = api.as_user(
        asker, "PATCH", f"/api/v1/threads/{thread.pk}/", data={"title": "E-12", "body": "More."}
    )
    assert edited.status_code == 200 and edited.json()["title"] == "E-12"
    accepted = api.as_user(asker, "PUT", f"/api/v1/answers/{answer.pk}/accept/")
    assert accepted.status_code == 200 and accepted.json()["accepted"] is True
    thread.refresh_from_db()
    assert thread.status == "solved"
    undone = api.as_user(asker, "DELETE", f"/api/v1/answers/{answer.pk}/accept/")
    assert undone.json()["accepted"] is False


def test_nobody_votes_for_their_own_answer_or_says_me_too_on_their_own_thread(
    api, asker, thread, answer
):
    own_vote = api.as_user(answer.author, "PUT", f"/api/v1/answers/{answer.pk}/vote/")
    assert own_vote.status_code == 403
    assert own_vote.json()["detail"] == "You can't vote for your own answer."
    own_me_too = api.as_user(asker, "PUT", f"/api/v1/threads/{thread.pk}/me-too/", data={})
    assert own_me_too.status_code == 403


def test_a_brand_moderator_may_not_edit_its_brand_teams_post(api, cast, thread):
    """Not the brand's own staff posts: DOMAIN's "✔ (not own brand's staff posts)"."""
    official_answer = api.as_user(
        cast["rep"], "POST", f"/api/v1/threads/{thread.pk}/answers/", data={"body": "Official."}
    ).json()
    response = api.as_user(
        cast["brand_mod"], "PATCH", f"/api/v1/answers/{official_answer['id']}/",
        data={"body": "Rewritten", "reason": "tone"},
    )  # fmt: skip
    assert response.status_code == 403
    assert Answer.objects.get(pk=official_answer["id"]).body == "Official."
