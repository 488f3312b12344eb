"""Case pages: who reads them (everyone else gets 404), the thread page's marker and tools,
the inbox, the customer card's one history, the customer's own list and notifications."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from cases import services
from cases.models import Case
from community.models import Notification
from moderation.models import AuditLogEntry
from qa import services as qa_services
from tests.brands.conftest import fresh
from tests.cases.conftest import ORDER_NUMBER

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


# --- Who reads a case --------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["customer", "rep", "brand_admin", "second_rep"])
def test_the_customer_and_the_brands_reps_read_the_case(request, login, who, case_with_order):
    response = login(request.getfixturevalue(who)).get(case_with_order.get_absolute_url())
    assert response.status_code == 200 and ORDER_NUMBER in _text(response)


@pytest.mark.parametrize(
    "who",
    [
        "other_customer",
        "product_member",
        "rival_rep",
        "rival_admin",
        "global_moderator",
        "brand_moderator",
    ],
)
def test_everyone_else_is_told_there_is_no_such_case(request, login, who, case_with_order):
    response = login(request.getfixturevalue(who)).get(case_with_order.get_absolute_url())
    assert response.status_code == 404 and ORDER_NUMBER not in _text(response)
    response = login(request.getfixturevalue(who)).post(
        case_with_order.get_absolute_url(), {"body": "let me in"}
    )
    assert response.status_code == 404 and case_with_order.messages.count() == 2


def test_a_visitor_is_sent_to_sign_in(client, case):
    response = client.get(case.get_absolute_url())
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_staff_reading_a_case_is_audited(login, staff, case_with_order):
    assert login(staff).get(case_with_order.get_absolute_url()).status_code == 200
    entry = AuditLogEntry.objects.get(action="case.read")
    assert entry.actor == staff and entry.target_id == str(case_with_order.pk)


def test_the_customer_writes_from_the_case_page(login, customer, case):
    client = login(customer)
    response = client.post(case.get_absolute_url(), {"body": ORDER_NUMBER})
    assert response.status_code == 302
    assert case.messages.filter(author=customer, body=ORDER_NUMBER).exists()
    response = client.post(case.get_absolute_url(), {"body": ""})
    assert response.status_code == 400


def test_the_product_team_and_others_cannot_open_a_case(login, product_member, customer_thread):
    url = reverse("cases:open", args=[customer_thread.pk])
    response = login(product_member).post(url, {"customer": "", "message": "Your address?"})
    assert response.status_code == 403 and not Case.objects.exists()


# --- The public thread -------------------------------------------------------------------------


def test_the_thread_page_shows_the_marker_and_nothing_of_the_case(
    client, login, rep, customer, customer_thread, committed
):
    url = customer_thread.get_absolute_url()
    assert "continued privately" not in _text(client.get(url))
    assert client.get(url)["X-Sodan-Cache"] == "hit"  # the anonymous page is cached now
    rep_client = login(rep)
    response = rep_client.get(url)
    assert "Continue privately" in _text(response)  # the rep's tools
    with committed():
        response = rep_client.post(
            reverse("cases:open", args=[customer_thread.pk]),
            {"customer": customer.pk, "message": "Please send your order number."},
        )
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == case.get_absolute_url()
    services.case_message_post(actor=customer, case=case, body=ORDER_NUMBER)
    rep_client.logout()
    # The cached page was dropped (page_cache.thread_changed): the marker shows at once.
    page = _text(client.get(url))
    assert "Continued privately with Hoshino Camera on" in page
    assert ORDER_NUMBER not in page and "Please send your order number" not in page
    assert "Continue privately" not in page  # no team tools in the shared page
    cached = client.get(url)
    assert cached["X-Sodan-Cache"] == "hit" and ORDER_NUMBER not in _text(cached)
    # A signed-in customer reading it from the cache sees the same, nothing more.
    customer_page = _text(login(customer).get(url))
    assert "Continued privately" in customer_page and ORDER_NUMBER not in customer_page


def test_the_marker_says_resolved_privately_after_a_decline(client, proposed, customer):
    url = proposed.thread.get_absolute_url()
    client.get(url)
    services.case_summary_decline(actor=customer, case=proposed)
    page = _text(client.get(url))
    assert "Resolved privately with Hoshino Camera on" in page
    assert "firmware 2.2" not in page and ORDER_NUMBER not in page


def test_an_approved_summary_appears_as_the_official_answer(client, proposed, customer):
    url = proposed.thread.get_absolute_url()
    client.get(url)
    services.case_summary_approve(actor=customer, case=proposed)
    page = _text(client.get(url))
    assert "firmware 2.2 fixes E-12" in page and "Official answer · Hoshino Camera" in page
    assert "summary is among the answers" in page and ORDER_NUMBER not in page


def test_a_trainees_summary_the_customer_approves_waits_for_the_brands_approver(
    login, official, case_with_order, customer
):
    """Nothing is said in the brand's name without the approver's yes, a customer-approved
    summary included: the case keeps the draft and says so; the approver publishes it."""
    from brands.models import Membership, OfficialDraft
    from brands.services import approvals
    from qa.models import Answer
    from tests.brands.conftest import _member

    trainee = _member(official, "mio", Membership.Role.REP)
    approver = _member(official, "sora", Membership.Role.REP)
    Membership.objects.filter(user=trainee).update(in_training=True)
    Membership.objects.filter(user=approver).update(is_approver=True)
    case = services.case_resolve(actor=fresh(trainee), case=case_with_order)
    case = services.case_summary_propose(
        actor=fresh(trainee), case=case, body="A replacement lens cap is on its way."
    )
    client = login(customer)
    response = client.post(reverse("cases:summary_decide", args=[case.pk]), {"decision": "approve"})
    assert response.status_code == 302 and response["Location"] == case.get_absolute_url()
    case.refresh_from_db()
    draft = case.summary_draft
    assert case.summary_status == Case.Summary.HELD and case.summary_answer is None
    assert isinstance(draft, OfficialDraft) and (draft.status, draft.author) == ("pending", trainee)
    assert draft.body == "A replacement lens cap is on its way."
    assert not Answer.objects.filter(thread=case.thread).exists()
    page = _text(client.get(case.get_absolute_url()))
    assert "it waits for Hoshino Camera's approval" in page
    assert "summary is among the answers" not in _text(client.get(case.thread.get_absolute_url()))

    approvals.draft_approve(actor=fresh(approver), draft=draft)
    answer = Answer.objects.get(thread=case.thread)
    assert (answer.author, answer.is_official) == (trainee, True)
    page = _text(client.get(case.get_absolute_url()))
    assert answer.get_absolute_url() in page
    assert "summary is among the answers" in _text(client.get(case.thread.get_absolute_url()))


def test_one_customers_part_is_marked_without_naming_them(
    client, rep, customer_thread, customer_answer, other_customer
):
    services.case_open(actor=rep, thread=customer_thread, customer=other_customer, body="Hi")
    page = _text(client.get(customer_thread.get_absolute_url()))
    assert "One person's part in this thread continued privately" in page


# --- The team's pages and the customer's own ---------------------------------------------------


def test_the_inbox_lists_open_cases_for_reps_not_for_the_product_team(
    login, official, rep, product_member, case
):
    url = reverse("brands:inbox", args=[official.slug])
    page = _text(login(rep).get(url))
    assert "1 open private case" in page and case.get_absolute_url() in page
    page = _text(login(product_member).get(url))
    assert "open private case" not in page


def test_the_customer_card_is_one_history_in_time_order(
    login, official, rep, product_member, customer, customer_thread, other_customer
):
    other = qa_services.thread_create(
        author=other_customer, brand=official, title="Strap loose", body="It slips."
    )
    qa_services.thread_me_too_toggle(user=customer, thread=other)
    case = services.case_open(actor=rep, thread=customer_thread, body="Order number?")
    services.case_resolve(actor=rep, case=case)
    from brands import services as brand_services

    brand_services.customer_note_add(
        actor=rep, brand=official, customer=customer, body="Prefers e-mail."
    )
    url = reverse("brands:customer_card", args=[official.slug, customer.username])
    page = _text(login(rep).get(url))
    kinds = re.findall(r'class="history-entry history-([a-z_]+)"', page)
    assert kinds == ["note", "case_resolved", "case_opened", "me_too", "thread"]
    assert "Prefers e-mail." in page and "Strap loose" in page
    page = _text(login(product_member).get(url))
    kinds = re.findall(r'class="history-entry history-([a-z_]+)"', page)
    assert kinds == ["note", "me_too", "thread"] and "Private case" not in page


def test_the_customer_finds_their_cases_from_the_profile_and_notifications(
    login, rep, customer, customer_thread, committed
):
    with committed():
        case = services.case_open(actor=rep, thread=customer_thread, body="Order number?")
    client = login(customer)
    profile = _text(client.get(customer.get_absolute_url()))
    assert reverse("cases:mine") in profile
    assert case.get_absolute_url() in _text(client.get(reverse("cases:mine")))
    notification = Notification.objects.get(recipient=customer, kind="private_case")
    response = client.get(reverse("community:notification_open", args=[notification.pk]))
    assert response["Location"] == case.get_absolute_url()


def test_the_customer_approves_from_the_case_page(login, customer, proposed):
    client = login(customer)
    page = _text(client.get(proposed.get_absolute_url()))
    assert "Approve and publish" in page
    response = client.post(
        reverse("cases:summary_decide", args=[proposed.pk]), {"decision": "approve"}
    )
    proposed.refresh_from_db()
    assert response["Location"] == proposed.summary_answer.get_absolute_url()


def test_a_rep_cannot_approve_for_the_customer(login, rep, proposed):
    response = login(fresh(rep)).post(
        reverse("cases:summary_decide", args=[proposed.pk]), {"decision": "approve"}
    )
    assert response.status_code == 403
    proposed.refresh_from_db()
    assert proposed.summary_status == Case.Summary.PROPOSED
