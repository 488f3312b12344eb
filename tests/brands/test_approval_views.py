"""Approval and canned-reply pages: who may open them (403 with the reason), the refusals
shown where they belong, what the customer sees once an answer is approved, what nobody
outside the team ever sees, the picker beside the answer form, and query counts."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from api import services as api_services
from brands.models import AnswerApproval, ApprovalRule, CannedReply, Membership, OfficialDraft
from brands.services import approvals
from qa import services as qa_services
from qa.models import Answer
from tests.brands.conftest import _member, fresh

pytestmark = pytest.mark.django_db

DRAFT_TEXT = "Please update the Z5 to firmware 2.1; it fixes E-12."


def _text(response) -> str:
    return response.content.decode().replace("&#x27;", "'")


@pytest.fixture
def approver(official):
    user = _member(official, "sora", Membership.Role.REP)
    Membership.objects.filter(user=user).update(is_approver=True)
    return user


@pytest.fixture
def trainee(official):
    user = _member(official, "mio", Membership.Role.REP)
    Membership.objects.filter(user=user).update(in_training=True)
    return user


@pytest.fixture
def draft(trainee, customer_thread):
    return qa_services.answer_create(author=fresh(trainee), thread=customer_thread, body=DRAFT_TEXT)


def _queue(brand) -> str:
    return reverse("brands:approvals", kwargs={"brand_slug": brand.slug})


def _draft_url(draft, name="draft") -> str:
    return reverse(f"brands:{name}", kwargs={"brand_slug": draft.brand.slug, "pk": draft.pk})


# --- Posting an answer that is held -------------------------------------------------------


def test_a_trainees_answer_form_posts_a_draft_and_says_so(login, trainee, customer_thread):
    response = login(trainee).post(
        reverse("qa:answer_create", kwargs={"pk": customer_thread.pk}),
        {"body": DRAFT_TEXT},
        follow=True,
    )
    assert response.status_code == 200
    assert "waits for an approver" in _text(response)
    draft = OfficialDraft.objects.get()
    assert response.redirect_chain[-1][0] == draft.get_absolute_url()
    assert not Answer.objects.exists()


def test_nobody_outside_the_team_sees_a_draft_on_the_thread_page(
    client, login, draft, customer_thread, customer, rival_rep
):
    url = customer_thread.get_absolute_url()
    assert DRAFT_TEXT not in _text(client.get(url))
    for person in (customer, rival_rep):
        page = _text(login(fresh(person)).get(url))
        assert DRAFT_TEXT not in page and "Drafts waiting for approval" not in page


def test_the_team_sees_the_threads_drafts_beside_the_answer_form(
    login, draft, customer_thread, product_member
):
    page = _text(login(fresh(product_member)).get(customer_thread.get_absolute_url()))
    assert "Drafts waiting for approval" in page and draft.get_absolute_url() in page


def test_the_api_holds_a_trainees_answer_with_202_and_outsiders_never_read_it(
    trainee, customer_thread, customer
):
    client = Client()
    token = api_services.personal_token_create(
        user=trainee, name="t", scopes=["read", "write"], expires_in_days=30
    ).token
    response = client.post(
        f"/api/v1/threads/{customer_thread.pk}/answers/",
        data=json.dumps({"body": DRAFT_TEXT}),
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 202, response.content
    assert response.json()["status"] == "pending"
    reader = api_services.personal_token_create(
        user=customer, name="r", scopes=["read"], expires_in_days=30
    ).token
    shown = client.get(
        f"/api/v1/threads/{customer_thread.pk}/", headers={"Authorization": f"Bearer {reader}"}
    )
    assert shown.status_code == 200 and DRAFT_TEXT not in shown.content.decode()


# --- The queue and a draft's page ---------------------------------------------------------


def test_the_queue_is_the_teams_with_constant_queries(login, draft, official, approver, trainee):
    client = login(fresh(approver))
    response = client.get(_queue(official))
    assert response.status_code == 200 and "You can approve it" in _text(response)
    with CaptureQueriesContext(connection) as one:
        client.get(_queue(official))
    for _more in range(3):
        qa_services.answer_create(author=fresh(trainee), thread=draft.thread, body="Again.")
    with CaptureQueriesContext(connection) as four:
        client.get(_queue(official))
    assert len(four) == len(one)


def test_customers_and_other_brands_get_403_with_the_reason(login, draft, customer, rival_rep):
    for person, reason in (
        (customer, "private to Hoshino Camera's team"),
        (rival_rep, "You work for Kumo Mobile, not for Hoshino Camera"),
    ):
        client = login(fresh(person))
        for url in (_queue(draft.brand), _draft_url(draft)):
            response = client.get(url)
            assert response.status_code == 403 and reason in _text(response)
        response = client.post(_draft_url(draft, "draft_approve"))
        assert response.status_code == 403
    draft.refresh_from_db()
    assert draft.status == "pending"


def test_a_rep_who_is_not_an_approver_is_told_why_and_nothing_changes(login, draft, rep):
    response = login(fresh(rep)).post(_draft_url(draft, "draft_approve"))
    assert response.status_code == 403
    assert "Only Hoshino Camera's approvers and admins approve this draft." in _text(response)
    assert not Answer.objects.exists()


def test_approving_ones_own_draft_is_refused_on_the_page_unless_allowed(
    login, official, approver, customer_thread
):
    ApprovalRule.objects.create(brand=official)
    own = qa_services.answer_create(author=fresh(approver), thread=customer_thread, body="Hi.")
    response = login(fresh(approver)).post(_draft_url(own, "draft_approve"))
    assert response.status_code == 403
    assert "You wrote this draft: another approver must approve it." in _text(response)
    own.refresh_from_db()
    assert own.status == "pending" and not Answer.objects.exists()


def test_ask_for_changes_then_approve_and_the_customer_sees_the_approval(
    login, draft, approver, trainee, customer, customer_thread
):
    client = login(fresh(approver))
    response = client.post(_draft_url(draft, "draft_request_changes"), {"comment": ""})
    assert response.status_code == 400 and "Say what should change" in _text(response)
    client.post(_draft_url(draft, "draft_request_changes"), {"comment": "Add the version."})
    page = _text(login(fresh(trainee)).get(_draft_url(draft)))
    assert "Add the version." in page and "Send for approval" in page
    login(fresh(trainee)).post(_draft_url(draft, "draft_revise"), {"body": DRAFT_TEXT + " (v2.1)"})
    response = login(fresh(approver)).post(_draft_url(draft, "draft_approve"), {"body": ""})
    answer = Answer.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"#answer-{answer.pk}")
    page = _text(login(fresh(customer)).get(customer_thread.get_absolute_url()))
    assert "Official answer · Hoshino Camera" in page and "Approved by Sora" in page
    assert AnswerApproval.objects.get(answer=answer).approved_by == approver


def test_editing_an_approved_answer_sends_the_change_for_approval(login, draft, approver, trainee):
    approvals.draft_approve(actor=fresh(approver), draft=draft)
    answer = Answer.objects.get()
    response = login(fresh(trainee)).post(
        reverse("qa:answer_edit", kwargs={"pk": answer.pk}),
        {"body": "Something else entirely.", "base_revision": 1},
        follow=True,
    )
    assert "Your change goes back for approval" in _text(response)
    answer.refresh_from_db()
    assert answer.body == DRAFT_TEXT


# --- The team page's approvals section ---------------------------------------------------


def test_the_admin_sets_rules_roles_and_self_approval_on_the_team_page(
    login, official, brand_admin, rep, z5
):
    client = login(fresh(brand_admin))
    team = reverse("brands:team", kwargs={"brand_slug": official.slug})
    assert "Approval of official answers" in _text(client.get(team))
    client.post(
        reverse("brands:approval_rule_add", kwargs={"brand_slug": official.slug}),
        {"kind": "answer", "thread_type": "problem", "product": z5.pk, "approvers": "approvers"},
    )
    rule = ApprovalRule.objects.get()
    assert (rule.thread_type, rule.product) == ("problem", z5)
    membership = Membership.objects.get(user=rep)
    client.post(
        reverse(
            "brands:member_approval", kwargs={"brand_slug": official.slug, "pk": membership.pk}
        ),
        {"is_approver": "on", "in_training": "on"},
    )
    membership.refresh_from_db()
    assert membership.is_approver and membership.in_training
    client.post(
        reverse("brands:self_approval", kwargs={"brand_slug": official.slug}), {"allowed": "on"}
    )
    official.refresh_from_db()
    assert official.approval_self_allowed


def test_a_rep_may_not_set_rules(login, official, rep):
    response = login(fresh(rep)).post(
        reverse("brands:approval_rule_add", kwargs={"brand_slug": official.slug}),
        {"kind": "answer", "approvers": "approvers"},
    )
    assert response.status_code == 403 and "Only Hoshino Camera's admins" in _text(response)
    assert not ApprovalRule.objects.exists()


# --- Canned replies -----------------------------------------------------------------------


def _canned(brand) -> str:
    return reverse("brands:canned_replies", kwargs={"brand_slug": brand.slug})


def test_an_unknown_placeholder_is_an_error_beside_the_text(login, official, rep):
    response = login(fresh(rep)).post(
        _canned(official),
        {"title": "Firmware", "language": "ja", "body": "{custmer_name}様、{product}の件です。"},
    )
    assert response.status_code == 400
    assert "Unknown placeholder {custmer_name}" in _text(response)
    assert not CannedReply.objects.exists()


def test_reps_and_admins_write_canned_replies_in_japanese_and_english(
    login, official, rep, brand_admin
):
    login(fresh(rep)).post(
        _canned(official),
        {
            "title": "更新のお願い",
            "language": "ja",
            "body": "{customer_name}様、{release}へ更新を。",
        },
    )
    login(fresh(brand_admin)).post(
        _canned(official),
        {"title": "Update", "language": "en", "body": "Hi {customer_name}, update {product}."},
    )
    assert set(CannedReply.objects.values_list("language", flat=True)) == {"ja", "en"}
    reply = CannedReply.objects.get(language="en")
    login(fresh(rep)).post(
        reverse("brands:canned_reply_edit", kwargs={"brand_slug": official.slug, "pk": reply.pk}),
        {"title": "Update", "language": "en", "body": "Hello {customer_name}."},
    )
    reply.refresh_from_db()
    assert reply.body == "Hello {customer_name}."


def test_customers_product_members_and_other_brands_may_not_use_canned_replies(
    login, official, customer, product_member, rival_rep
):
    for person in (customer, product_member, rival_rep):
        response = login(fresh(person)).get(_canned(official))
        assert response.status_code == 403 and "Canned replies are for" in _text(response)


def test_the_picker_fills_placeholders_for_the_team_and_counts_uses(
    client, login, official, rep, customer, customer_thread
):
    reply = CannedReply.objects.create(
        brand=official, title="Greeting", language="en", body="Hi {customer_name}, about {product}:"
    )
    url = customer_thread.get_absolute_url()
    page = _text(login(fresh(rep)).get(url))
    assert "Hi Hana, about Z5:" in page and "Insert into answer" in page
    assert "Insert into answer" not in _text(login(fresh(customer)).get(url))
    assert "Insert into answer" not in _text(Client().get(url))
    used = reverse("brands:canned_reply_used", kwargs={"brand_slug": official.slug, "pk": reply.pk})
    response = login(fresh(rep)).post(
        used, {"thread": customer_thread.pk}, headers={"X-Requested-With": "fetch"}
    )
    assert response.status_code == 204
    reply.refresh_from_db()
    assert reply.use_count == 1


def test_an_endorsement_held_for_approval_says_so_and_shows_nothing_yet(
    login, official, rep, customer_answer
):
    ApprovalRule.objects.create(brand=official, kind=ApprovalRule.Kind.ENDORSEMENT)
    response = login(fresh(rep)).post(
        reverse("brands:endorse", kwargs={"pk": customer_answer.pk}), follow=True
    )
    assert "Your endorsement waits for an approver" in _text(response)
    draft = OfficialDraft.objects.get()
    assert response.redirect_chain[-1][0] == draft.get_absolute_url()
    customer_answer.refresh_from_db()
    assert customer_answer.endorsed_at is None


def test_the_canned_replies_page_and_the_teams_thread_page_cost_the_same_for_more_rows(
    login, official, rep, trainee, customer_thread
):
    client = login(fresh(rep))
    pages = (_canned(official), customer_thread.get_absolute_url())

    def counts():
        found = []
        for url in pages:
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(url).status_code == 200
            found.append(len(ctx))
        return found

    CannedReply.objects.create(brand=official, title="A", language="ja", body="{product}")
    qa_services.answer_create(author=fresh(trainee), thread=customer_thread, body="One.")
    counts()  # the session's first pages load what later ones find remembered
    one = counts()
    for n in range(3):
        CannedReply.objects.create(brand=official, title=f"B{n}", language="en", body="Hi.")
        qa_services.answer_create(author=fresh(trainee), thread=customer_thread, body=f"{n}.")
    assert counts() == one
