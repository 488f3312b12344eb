"""Private cases: every rule and refusal of the services."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from brands.models import Membership
from brands.selectors import awaiting_official_response
from cases import services
from cases.models import Case, CaseMessage
from community.models import Notification
from moderation.models import AuditLogEntry
from moderation.ratelimit import RateLimited
from qa import services as qa_services
from qa.models import Answer
from tests.cases.conftest import ORDER_NUMBER
from tests.community.factories import UserFactory
from tests.qa.factories import AnswerFactory

pytestmark = pytest.mark.django_db


# --- Opening ---------------------------------------------------------------------------------


def test_a_rep_continues_the_askers_thread_privately(rep, customer, customer_thread, committed):
    with committed():
        case = services.case_open(
            actor=rep, thread=customer_thread, body="Could you tell us your **order number**?"
        )
    assert (case.brand, case.customer, case.opened_by, case.status) == (
        customer_thread.brand,
        customer,
        rep,
        Case.Status.OPEN,
    )
    message = case.messages.get()
    assert message.author == rep and "<strong>order number</strong>" in message.body_html
    assert AuditLogEntry.objects.filter(action="case.open", target_id=str(case.pk)).exists()
    told = Notification.objects.get(recipient=customer, kind=Notification.Kind.PRIVATE_CASE)
    assert "order number" not in told.message  # notices never carry the case's words
    assert "Hoshino Camera continued your thread privately" in told.message


def test_an_admin_may_open_one_with_someone_who_answered_or_said_me_too(
    brand_admin, customer_thread, customer_answer, other_customer
):
    case = services.case_open(
        actor=brand_admin, thread=customer_thread, customer=other_customer, body="A word?"
    )
    assert case.customer == other_customer
    me_too = UserFactory()
    qa_services.thread_me_too_toggle(user=me_too, thread=customer_thread)
    assert (
        services.case_open(
            actor=brand_admin, thread=customer_thread, customer=me_too, body="And you?"
        ).customer
        == me_too
    )


def test_a_case_is_only_with_someone_from_the_thread(rep, customer_thread):
    with pytest.raises(ValidationError, match="took part in this thread"):
        services.case_open(actor=rep, thread=customer_thread, customer=UserFactory(), body="Hi")
    assert not Case.objects.exists()


def test_a_case_is_never_with_the_brands_own_people(rep, second_rep, customer_thread):
    AnswerFactory(thread=customer_thread, author=second_rep)
    with pytest.raises(ValidationError, match="not with the brand's team"):
        services.case_open(actor=rep, thread=customer_thread, customer=second_rep, body="Hi")


@pytest.mark.parametrize(
    "who",
    [
        "customer",
        "other_customer",
        "product_member",
        "rival_rep",
        "global_moderator",
        "brand_moderator",
        "staff",
    ],
)
def test_only_the_brands_reps_and_admins_open_a_case(request, who, customer_thread):
    with pytest.raises(PermissionDenied):
        services.case_open(
            actor=request.getfixturevalue(who), thread=customer_thread, body="Your address?"
        )
    assert not Case.objects.exists()


def test_a_hidden_thread_is_not_continued_privately(rep, customer_thread):
    customer_thread.visibility = "hidden"
    customer_thread.save(update_fields=["visibility"])
    with pytest.raises(PermissionDenied, match="not public"):
        services.case_open(actor=rep, thread=customer_thread, body="Hi")


def test_one_open_case_per_customer_and_thread(case, second_rep, customer_thread):
    with pytest.raises(ValidationError, match="already open"):
        services.case_open(actor=second_rep, thread=customer_thread, body="Me too")
    assert Case.objects.count() == 1


def test_the_first_message_is_required(rep, customer_thread):
    with pytest.raises(ValidationError, match="Write something"):
        services.case_open(actor=rep, thread=customer_thread, body="  \u200b ")


def test_the_response_clock_keeps_running(case, official, customer_thread):
    """A private case is not an official response: the thread still waits for one."""
    assert customer_thread in awaiting_official_response(official)


# --- Messages --------------------------------------------------------------------------------


def test_the_customer_adds_the_order_number_and_the_rep_hears(case, customer, rep, committed):
    with committed():
        message = services.case_message_post(actor=customer, case=case, body=ORDER_NUMBER)
    assert message.body == ORDER_NUMBER
    told = Notification.objects.get(recipient=rep, kind=Notification.Kind.PRIVATE_CASE)
    assert ORDER_NUMBER not in told.message and "wrote in a private case" in told.message
    assert told.dedupe_key == f"case_message:{case.pk}:{message.pk}"


def test_messages_pass_the_sanitizer(case, customer):
    message = services.case_message_post(
        actor=customer,
        case=case,
        body='<script>alert(1)</script><img src=x onerror="alert(2)"> [x](javascript:alert(3))',
    )
    assert "<script" not in message.body_html
    assert "onerror" not in message.body_html
    assert 'href="javascript' not in message.body_html


def test_overlong_messages_are_refused(case, customer, settings):
    settings.SODAN_MAX_BODY_CHARS = 50
    with pytest.raises(ValidationError, match="the limit is 50"):
        services.case_message_post(actor=customer, case=case, body="x" * 51)


@pytest.mark.parametrize(
    "who", ["other_customer", "product_member", "rival_rep", "global_moderator", "staff"]
)
def test_nobody_else_writes_in_a_case(request, who, case):
    with pytest.raises(PermissionDenied):
        services.case_message_post(actor=request.getfixturevalue(who), case=case, body="Hello")
    assert case.messages.count() == 1


def test_a_revoked_rep_no_longer_writes(case, rep):
    Membership.objects.filter(user=rep).update(revoked_at="2026-01-01T00:00Z")
    fresh = type(rep).objects.get(pk=rep.pk)
    with pytest.raises(PermissionDenied):
        services.case_message_post(actor=fresh, case=case, body="Still here?")


def test_a_closed_case_takes_no_messages(solved, customer):
    with pytest.raises(PermissionDenied, match="closed"):
        services.case_message_post(actor=customer, case=solved, body="One more thing")


def test_messages_meet_the_posting_rate_limit(case, customer, settings):
    settings.SODAN_RATE_LIMITS_ENABLED = True
    settings.SODAN_RATE_LIMITS = {**settings.SODAN_RATE_LIMITS, "post": (2, 60)}
    settings.SODAN_NEW_MEMBER = {**settings.SODAN_NEW_MEMBER, "max_age_days": 0}
    services.case_message_post(actor=customer, case=case, body="one")
    services.case_message_post(actor=customer, case=case, body="two")
    with pytest.raises(RateLimited):
        services.case_message_post(actor=customer, case=case, body="three")
    assert case.messages.count() == 3  # the rep's first message and two


# --- Resolving and the summary ---------------------------------------------------------------


def test_the_rep_resolves_and_the_customer_is_told(case_with_order, rep, customer, committed):
    with committed():
        case = services.case_resolve(actor=rep, case=case_with_order)
    assert case.status == Case.Status.SOLVED and case.resolved_by == rep
    assert case.resolved_at is not None
    assert Notification.objects.filter(
        recipient=customer, dedupe_key=f"case_resolved:{case.pk}"
    ).exists()


@pytest.mark.parametrize("who", ["customer", "product_member", "rival_rep", "staff"])
def test_only_the_brands_reps_resolve(request, who, case):
    with pytest.raises(PermissionDenied):
        services.case_resolve(actor=request.getfixturevalue(who), case=case)
    case.refresh_from_db()
    assert case.is_open


def test_a_case_is_resolved_once_and_with_a_known_outcome(case, rep):
    with pytest.raises(ValidationError):
        services.case_resolve(actor=rep, case=case, outcome="open")
    services.case_resolve(actor=rep, case=case, outcome=Case.Status.DECLINED)
    with pytest.raises(PermissionDenied, match="already closed"):
        services.case_resolve(actor=rep, case=case)


def test_a_summary_waits_for_a_solved_case(case, rep):
    with pytest.raises(PermissionDenied, match="once the case is solved"):
        services.case_summary_propose(actor=rep, case=case, body="Fixed.")


def test_the_customer_does_not_write_the_summary(solved, customer):
    with pytest.raises(PermissionDenied):
        services.case_summary_propose(actor=customer, case=solved, body="Fixed.")


def test_approving_publishes_the_brands_official_answer(proposed, customer, rep, committed):
    with committed():
        answer = services.case_summary_approve(actor=customer, case=proposed)
    proposed.refresh_from_db()
    assert proposed.summary_status == Case.Summary.APPROVED and proposed.summary_answer == answer
    assert answer.author == rep and answer.is_official
    assert answer.official_for == proposed.brand
    assert answer.thread == proposed.thread and "firmware 2.2" in answer.body_html
    assert ORDER_NUMBER not in answer.body
    assert Notification.objects.filter(
        recipient=rep, dedupe_key=f"case_summary_decided:{proposed.pk}"
    )


def test_the_published_summary_is_an_answer_like_any_other(proposed, customer, other_customer):
    """Endorsable and version-scoped through brands, voted on, accepted by the asker."""
    answer = services.case_summary_approve(actor=customer, case=proposed)
    assert qa_services.answer_vote_toggle(user=other_customer, answer=answer)
    qa_services.answer_accept(actor=customer, answer=answer)
    answer.refresh_from_db()
    assert answer.is_accepted and answer.helpful_count == 1


@pytest.mark.parametrize("who", ["rep", "other_customer", "brand_admin"])
def test_only_the_customer_decides_about_the_summary(request, who, proposed):
    with pytest.raises(PermissionDenied):
        services.case_summary_approve(actor=request.getfixturevalue(who), case=proposed)
    with pytest.raises(PermissionDenied):
        services.case_summary_decline(actor=request.getfixturevalue(who), case=proposed)
    assert not Answer.objects.filter(thread=proposed.thread).exists()


def test_declining_publishes_nothing(proposed, customer, rep):
    case = services.case_summary_decline(actor=customer, case=proposed)
    assert case.summary_status == Case.Summary.DECLINED
    assert not Answer.objects.filter(thread=case.thread).exists()
    with pytest.raises(PermissionDenied):
        services.case_summary_approve(actor=customer, case=case)
    with pytest.raises(PermissionDenied, match="already decided"):
        services.case_summary_propose(actor=rep, case=case, body="Please?")


def test_there_is_nothing_to_approve_before_a_proposal(solved, customer):
    with pytest.raises(PermissionDenied, match="no summary waiting"):
        services.case_summary_approve(actor=customer, case=solved)


def test_a_summary_by_a_rep_who_left_is_not_published(proposed, rep, customer):
    Membership.objects.filter(user=rep).update(revoked_at="2026-01-01T00:00Z")
    with pytest.raises(PermissionDenied, match="no longer speaks"):
        services.case_summary_approve(actor=customer, case=proposed)
    assert not Answer.objects.filter(thread=proposed.thread).exists()


def test_the_audit_log_never_holds_what_the_case_says(proposed, customer):
    services.case_summary_approve(actor=customer, case=proposed)
    for entry in AuditLogEntry.objects.filter(action__startswith="case."):
        assert ORDER_NUMBER not in f"{entry.reason} {entry.data} {entry.target_repr}"
        assert "firmware" not in f"{entry.reason} {entry.data}"


def test_a_removed_message_author_keeps_the_message(case, customer):
    message = services.case_message_post(actor=customer, case=case, body="kept")
    assert CaseMessage.objects.filter(pk=message.pk).exists()
