"""What the API shows: a thread as the caller sees it (with what they may do), lists with
the brand page's filters a cursor page at a time, ETags, the inbox, notifications and the
caller's profile; and the query counts of the lists, whatever their length."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from community.models import Notification
from moderation.models import AuditLogEntry
from tests.api.conftest import key_for, token_for
from tests.community.factories import UserFactory
from tests.qa.factories import AnswerFactory, ThreadFactory

pytestmark = pytest.mark.django_db


def test_a_thread_shows_its_answers_and_what_the_caller_may_do(api, thread, answer, asker, cast):
    as_asker = api("GET", f"/api/v1/threads/{thread.pk}/", token=token_for(asker)).json()
    assert as_asker["title"] == "Lens error E-12" and as_asker["product"] == "z5"
    assert as_asker["can"] == {
        "answer": True, "answer_refusal": "", "edit": True, "me_too": False, "flag": False,
        "moderate": False,
    }  # fmt: skip
    assert as_asker["answers"][0]["can"] == {
        "edit": False, "vote": True, "accept": True, "flag": True,
    }  # fmt: skip
    as_visitor = api("GET", f"/api/v1/threads/{thread.pk}/").json()
    assert as_visitor["can"]["answer"] is False
    assert as_visitor["can"]["answer_refusal"] == "Log in or sign up to take part in the community."
    assert not any(as_visitor["can"][right] for right in ("edit", "me_too", "flag", "moderate"))
    assert as_visitor["answers"][0]["body_html"].strip() == "<p>Reboot it.</p>"


def test_a_hidden_thread_is_not_found_except_by_its_author(api, thread, asker, cast):
    thread.visibility = "hidden"
    thread.save(update_fields=["visibility"])
    assert api("GET", f"/api/v1/threads/{thread.pk}/").status_code == 404
    assert api.as_user(cast["customer"], "GET", f"/api/v1/threads/{thread.pk}/").status_code == 404
    assert api.as_user(asker, "GET", f"/api/v1/threads/{thread.pk}/").status_code == 200


def test_brand_threads_take_the_brand_pages_filters_and_pages_by_cursor(api, official, z5):
    people = [UserFactory() for _ in range(3)]
    for n in range(5):
        ThreadFactory(brand=official, author=people[n % 3], title=f"Question {n}", product=z5)
    ThreadFactory(brand=official, author=people[0], title="An idea", type="idea")
    path = f"/api/v1/brands/{official.slug}/threads/"
    ideas = api("GET", f"{path}?type=idea").json()["results"]
    assert [t["title"] for t in ideas] == ["An idea"]
    assert len(api("GET", f"{path}?product=z5").json()["results"]) == 5
    first = api("GET", f"{path}?page_size=4").json()
    assert [t["title"] for t in first["results"]] == [
        "An idea",
        "Question 4",
        "Question 3",
        "Question 2",
    ]
    second = api("GET", first["next"]).json()
    assert [t["title"] for t in second["results"]] == ["Question 1", "Question 0"]
    assert second["next"] is None
    refused = api("GET", f"{path}?type=rant")
    assert refused.status_code == 400 and "type" in refused.json()["errors"]


def test_reads_carry_an_etag_and_answer_304_until_something_changes(api, thread, asker):
    token = token_for(asker)
    path = f"/api/v1/threads/{thread.pk}/"
    first = api("GET", path, token=token)
    etag = first["ETag"]
    assert etag and "private" in first["Cache-Control"]
    again = api("GET", path, token=token, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    AnswerFactory(thread=thread, author=UserFactory(), body="New answer")
    changed = api("GET", path, token=token, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed["ETag"] != etag


def test_products_list_their_published_releases(api, official, z5):
    from brands.models import ProductVersion

    ProductVersion.objects.create(product=z5, name="3.0")  # not published yet
    products = api("GET", f"/api/v1/brands/{official.slug}/products/").json()
    assert products == [{"slug": "z5", "name": "Z5", "releases": [products[0]["releases"][0]]}]
    assert products[0]["releases"][0]["name"] == "2.1"


def test_a_thread_is_asked_with_its_product_and_release(api, official, z5, cast):
    response = api.as_user(
        cast["customer"], "POST", f"/api/v1/brands/{official.slug}/threads/",
        data={"title": "Battery", "body": "Drains.", "type": "problem", "product": "z5",
              "version": "2.1"},
    )  # fmt: skip
    assert response.status_code == 201, response.content
    assert response.json()["version"] == "2.1" and response.json()["type"] == "problem"
    unknown = api.as_user(
        cast["customer"], "POST", f"/api/v1/brands/{official.slug}/threads/",
        data={"title": "Battery", "body": "Drains.", "product": "z9"},
    )  # fmt: skip
    assert unknown.status_code == 400 and "product" in unknown.json()["errors"]


def test_a_moderators_edit_through_the_api_is_audited_as_on_the_page(api, thread, cast):
    response = api.as_user(
        cast["global_mod"], "PATCH", f"/api/v1/threads/{thread.pk}/",
        data={"title": "Lens error E-12 (Z5)", "body": "Tidied.", "reason": "Clearer title"},
    )  # fmt: skip
    assert response.status_code == 200
    entry = AuditLogEntry.objects.get(action="thread.edit")
    assert entry.actor == cast["global_mod"] and entry.reason == "Clearer title"
    missing_reason = api.as_user(
        cast["global_mod"], "PATCH", f"/api/v1/threads/{thread.pk}/",
        data={"title": "Again", "body": "Again"},
    )  # fmt: skip
    assert missing_reason.status_code == 400 and "reason" in missing_reason.json()["errors"]


def test_vote_and_me_too_are_idempotent(api, thread, answer, cast):
    token = token_for(cast["customer"])
    vote = f"/api/v1/answers/{answer.pk}/vote/"
    assert api("PUT", vote, token=token).json() == {"voted": True, "helpful_count": 1}
    assert api("PUT", vote, token=token).json() == {"voted": True, "helpful_count": 1}
    assert api("DELETE", vote, token=token).json() == {"voted": False, "helpful_count": 0}
    assert api("DELETE", vote, token=token).json() == {"voted": False, "helpful_count": 0}
    me_too = f"/api/v1/threads/{thread.pk}/me-too/"
    assert api("PUT", me_too, token=token, data={}).json()["me_too_count"] == 1
    assert api("PUT", me_too, token=token, data={}).json()["me_too_count"] == 1
    assert api("DELETE", me_too, token=token).json() == {"said_me_too": False, "me_too_count": 0}


def test_the_inbox_lists_a_tab_with_owners_and_due_times(api, official, thread, cast):
    response = api.as_user(
        cast["rep"], "GET", f"/api/v1/brands/{official.slug}/inbox/?tab=awaiting"
    )
    rows = response.json()["results"]
    assert [row["id"] for row in rows] == [thread.pk]
    assert rows[0]["owner"] is None and rows[0]["due_at"] and rows[0]["overdue"] is False
    assert (
        api.as_user(cast["rep"], "GET", f"/api/v1/brands/{official.slug}/inbox/?tab=x").status_code
        == 400
    )


def test_notifications_are_the_callers_own_and_can_be_marked_read(api, asker, thread, cast):
    mine = Notification.objects.create(
        recipient=asker, kind="answer_posted", thread=thread, dedupe_key="a"
    )
    Notification.objects.create(recipient=cast["customer"], kind="answer_posted", dedupe_key="b")
    token = token_for(asker)
    listed = api("GET", "/api/v1/notifications/", token=token).json()["results"]
    assert [n["id"] for n in listed] == [mine.pk] and listed[0]["read_at"] is None
    marked = api("POST", "/api/v1/notifications/read/", token=token, data={"ids": [mine.pk]})
    assert marked.json() == {"marked": 1}
    mine.refresh_from_db()
    assert mine.read_at is not None
    assert api("GET", "/api/v1/notifications/").status_code == 401


def test_the_callers_profile_reads_and_changes_through_the_profile_service(api, asker):
    token = token_for(asker)
    assert api("GET", "/api/v1/me/", token=token).json()["username"] == "hana"
    changed = api("PATCH", "/api/v1/me/", token=token, data={"bio": "Photographer"})
    assert changed.status_code == 200 and changed.json()["bio"] == "Photographer"
    asker.refresh_from_db()
    assert asker.bio == "Photographer" and asker.display_name == "Hana"
    refused = api("PATCH", "/api/v1/me/", token=token, data={"language": "fr"})
    assert refused.status_code == 400 and "language" in refused.json()["errors"]


def test_a_key_touches_last_used_at_most_once_a_minute(api, official, cast):
    issued = key_for(official, cast["admin"])
    api("GET", f"/api/v1/brands/{official.slug}/", token=issued.token)
    issued.credential.refresh_from_db()
    first = issued.credential.last_used_at
    assert first is not None and first <= timezone.now()
    api("GET", f"/api/v1/brands/{official.slug}/", token=issued.token)
    issued.credential.refresh_from_db()
    assert issued.credential.last_used_at == first


# --- Query counts --------------------------------------------------------------------------


def _queries(api, path: str, token: str | None = None) -> int:
    api("GET", path, token=token)  # the token's first use notes it; count a later one
    with CaptureQueriesContext(connection) as captured:
        response = api("GET", path, token=token)
    assert response.status_code == 200, response.content
    return len(captured)


def test_list_endpoints_ask_the_same_number_of_queries_for_two_rows_or_twenty(
    api, official, z5, cast
):
    from feedback.models import FeedbackItem

    token = token_for(cast["rep"])
    reader = token_for(cast["customer"])
    paths = {
        f"/api/v1/brands/{official.slug}/threads/": None,
        f"/api/v1/brands/{official.slug}/inbox/": token,
        f"/api/v1/brands/{official.slug}/feedback/": token,
        "/api/v1/brands/": None,
        "/api/v1/notifications/": reader,
        f"/api/v1/brands/{official.slug}/products/": None,
    }

    def grow(n: int) -> None:
        for i in range(n):
            author = UserFactory()
            thread = ThreadFactory(brand=official, author=author, product=z5)
            FeedbackItem.objects.create(brand=official, title=f"Item {i}")
            Notification.objects.create(
                recipient=cast["customer"], actor=author, kind="answer_posted",
                thread=thread, dedupe_key=f"n{i}-{timezone.now().timestamp()}",
            )  # fmt: skip

    grow(2)
    before = {path: _queries(api, path, t) for path, t in paths.items()}
    grow(18)
    after = {path: _queries(api, path, t) for path, t in paths.items()}
    assert after == before
    # Anonymous thread list: the brand and the page (no count: a cursor page needs none).
    assert before[f"/api/v1/brands/{official.slug}/threads/"] == 2


def test_a_thread_asks_the_same_number_of_queries_for_one_answer_or_ten(api, thread, cast):
    token = token_for(cast["customer"])
    path = f"/api/v1/threads/{thread.pk}/"
    AnswerFactory(thread=thread, author=UserFactory())
    one = _queries(api, path, token)
    for _ in range(9):
        AnswerFactory(thread=thread, author=UserFactory())
    assert _queries(api, path, token) == one
