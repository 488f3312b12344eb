"""Approval before an official answer: the brand's rules, trainees, the approvers' queue,
asking for changes, editing and approving, self-approval, edits after approval, who may
see a draft, the response target's clock, and endorsements held the same way."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from brands import approval_selectors, selectors
from brands.models import AnswerApproval, ApprovalRule, Membership, OfficialDraft
from brands.services import approvals
from community.models import Notification
from moderation.models import AuditLogEntry
from qa import services as qa_services
from qa.models import Answer, Thread
from search.models import IndexOutbox
from tests.brands.conftest import fresh
from tests.qa.factories import AnswerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def approver(official):
    from tests.brands.conftest import _member

    user = _member(official, "sora", Membership.Role.REP)
    Membership.objects.filter(user=user).update(is_approver=True)
    return user


@pytest.fixture
def trainee(official):
    from tests.brands.conftest import _member

    user = _member(official, "mio", Membership.Role.REP)
    Membership.objects.filter(user=user).update(in_training=True)
    return user


def _rule(brand, **kwargs):
    return ApprovalRule.objects.create(brand=brand, **kwargs)


def _draft(trainee, thread, body="Please update to 2.1; it fixes E-12."):
    return qa_services.answer_create(author=fresh(trainee), thread=thread, body=body)


# --- What is held ------------------------------------------------------------------------


def test_a_trainees_official_answer_is_held_as_a_draft_nothing_is_published(
    trainee, customer_thread
):
    draft = _draft(trainee, customer_thread)
    assert isinstance(draft, OfficialDraft)
    assert (draft.status, draft.by_trainee, draft.author) == ("pending", True, trainee)
    assert not Answer.objects.filter(thread=customer_thread).exists()
    customer_thread.refresh_from_db()
    assert (customer_thread.answer_count, customer_thread.status) == (0, Thread.Status.OPEN)


def test_a_rule_holds_answers_of_its_type_and_product_only(rep, official, z5, customer):
    _rule(official, thread_type=Thread.Type.PROBLEM, product=z5)
    from tests.qa.factories import ThreadFactory

    problem = ThreadFactory(brand=official, author=customer, product=z5, type="problem")
    question = ThreadFactory(brand=official, author=customer, product=z5, type="question")
    other_product = ThreadFactory(brand=official, author=customer, type="problem")
    assert isinstance(
        qa_services.answer_create(author=fresh(rep), thread=problem, body="We are on it."),
        OfficialDraft,
    )
    for thread in (question, other_product):
        answer = qa_services.answer_create(author=fresh(rep), thread=thread, body="Here is how.")
        assert isinstance(answer, Answer) and answer.is_official


def test_the_most_specific_rule_decides_who_approves(rep, official, z5, customer_thread):
    _rule(official)
    _rule(official, product=z5, approvers=ApprovalRule.Approvers.APPROVERS_AND_ADMINS)
    draft = qa_services.answer_create(author=fresh(rep), thread=customer_thread, body="Soon.")
    assert draft.rule.product == z5 and draft.admins_approve


def test_a_customers_answer_is_never_held(official, customer_thread, other_customer):
    _rule(official)
    answer = AnswerFactory(thread=customer_thread, author=other_customer)
    assert isinstance(answer, Answer) and not answer.is_official


# --- Who sees a draft ---------------------------------------------------------------------


def test_a_draft_is_seen_only_by_the_team(
    trainee, customer_thread, customer, rival_rep, product_member, staff
):
    draft = _draft(trainee, customer_thread)
    from brands.permissions import can_read_drafts

    assert can_read_drafts(fresh(product_member), draft.brand)
    assert can_read_drafts(fresh(staff), draft.brand)
    assert not can_read_drafts(fresh(customer), draft.brand)
    assert not can_read_drafts(fresh(rival_rep), draft.brand)
    assert approval_selectors.thread_drafts(thread=customer_thread, user=fresh(customer)) == []


def test_a_draft_is_not_sent_to_search_until_it_is_published(trainee, approver, customer_thread):
    before = IndexOutbox.objects.filter(thread_id=customer_thread.pk).count()
    draft = _draft(trainee, customer_thread, body="Unmistakable draft words")
    assert IndexOutbox.objects.filter(thread_id=customer_thread.pk).count() == before
    approvals.draft_approve(actor=fresh(approver), draft=draft)
    assert IndexOutbox.objects.filter(thread_id=customer_thread.pk).count() > before


# --- Approving ----------------------------------------------------------------------------


def test_approving_publishes_the_answer_with_the_approver_and_time(
    trainee, approver, customer_thread, customer, committed
):
    draft = _draft(trainee, customer_thread)
    with committed():
        draft = approvals.draft_approve(actor=fresh(approver), draft=draft)
    answer = Answer.objects.get(thread=customer_thread)
    assert (answer.author, answer.is_official, answer.body) == (
        trainee,
        True,
        "Please update to 2.1; it fixes E-12.",
    )
    approval = AnswerApproval.objects.get(answer=answer)
    assert approval.approved_by == approver and approval.approved_at == draft.decided_at
    assert (draft.status, draft.answer) == ("published", answer)
    assert AuditLogEntry.objects.filter(action="official_draft.approve").exists()
    told = Notification.objects.get(recipient=trainee, kind=Notification.Kind.OFFICIAL_DRAFT)
    assert "approved" in told.message


def test_edit_and_approve_publishes_the_approvers_text(trainee, approver, customer_thread):
    draft = _draft(trainee, customer_thread)
    approvals.draft_approve(actor=fresh(approver), draft=draft, body="Update to 2.1, please.")
    assert Answer.objects.get(thread=customer_thread).body == "Update to 2.1, please."
    draft.refresh_from_db()
    assert draft.edited_by_approver


def test_a_rep_who_is_not_an_approver_is_refused_with_the_reason(
    trainee, rep, customer_thread, customer, rival_admin
):
    draft = _draft(trainee, customer_thread)
    for person in (rep, customer, rival_admin):
        with pytest.raises(PermissionDenied, match="approvers"):
            approvals.draft_approve(actor=fresh(person), draft=draft)
    assert not Answer.objects.filter(thread=customer_thread).exists()
    draft.refresh_from_db()
    assert draft.status == "pending"


def test_admins_approve_only_where_the_rule_says_so(official, rep, brand_admin, customer_thread):
    rule = _rule(official)
    draft = qa_services.answer_create(author=fresh(rep), thread=customer_thread, body="Soon.")
    with pytest.raises(PermissionDenied, match="approvers"):
        approvals.draft_approve(actor=fresh(brand_admin), draft=draft)
    rule.approvers = ApprovalRule.Approvers.APPROVERS_AND_ADMINS
    rule.save()
    draft = qa_services.answer_create(author=fresh(rep), thread=customer_thread, body="Later.")
    approvals.draft_approve(actor=fresh(brand_admin), draft=draft)
    assert Answer.objects.filter(thread=customer_thread, body="Later.").exists()


def test_an_approver_may_not_approve_their_own_draft_unless_the_brand_allows_it(
    official, approver, customer_thread
):
    _rule(official)
    draft = qa_services.answer_create(author=fresh(approver), thread=customer_thread, body="Hi.")
    with pytest.raises(PermissionDenied, match="another approver must approve it"):
        approvals.draft_approve(actor=fresh(approver), draft=draft)
    draft.refresh_from_db()
    assert draft.status == "pending" and not Answer.objects.filter(thread=customer_thread)
    official.approval_self_allowed = True
    official.save()
    draft.brand.refresh_from_db()
    approvals.draft_approve(actor=fresh(approver), draft=draft)
    assert Answer.objects.filter(thread=customer_thread).exists()


def test_staff_may_approve(trainee, staff, customer_thread):
    approvals.draft_approve(actor=fresh(staff), draft=_draft(trainee, customer_thread))
    assert Answer.objects.filter(thread=customer_thread).exists()


# --- Asking for changes -------------------------------------------------------------------


def test_asking_for_changes_returns_the_draft_with_the_reason_and_tells_the_author(
    trainee, approver, customer_thread, committed
):
    draft = _draft(trainee, customer_thread)
    with committed():
        draft = approvals.draft_request_changes(
            actor=fresh(approver), draft=draft, comment="Name the firmware version."
        )
    assert (draft.status, draft.comment, draft.rejection_count) == (
        "changes_requested",
        "Name the firmware version.",
        1,
    )
    told = Notification.objects.get(recipient=trainee, kind=Notification.Kind.OFFICIAL_DRAFT)
    assert "Name the firmware version." in told.message
    with pytest.raises(PermissionDenied, match="back with"):
        approvals.draft_approve(actor=fresh(approver), draft=draft)
    draft = approvals.draft_revise(
        actor=fresh(trainee), draft=draft, body="Update to firmware 2.1."
    )
    assert draft.status == "pending"
    approvals.draft_approve(actor=fresh(approver), draft=draft)
    assert Answer.objects.get(thread=customer_thread).body == "Update to firmware 2.1."


def test_asking_for_changes_needs_a_comment(trainee, approver, customer_thread):
    draft = _draft(trainee, customer_thread)
    with pytest.raises(ValidationError) as error:
        approvals.draft_request_changes(actor=fresh(approver), draft=draft, comment="  ")
    assert "comment" in error.value.message_dict
    draft.refresh_from_db()
    assert draft.status == "pending"


def test_only_the_author_revises_or_withdraws(trainee, rep, approver, customer_thread):
    draft = _draft(trainee, customer_thread)
    with pytest.raises(PermissionDenied, match="only they revise"):
        approvals.draft_revise(actor=fresh(rep), draft=draft, body="Mine now.")
    approvals.draft_withdraw(actor=fresh(trainee), draft=draft)
    draft.refresh_from_db()
    assert draft.status == "withdrawn"
    with pytest.raises(PermissionDenied, match="already"):
        approvals.draft_approve(actor=fresh(approver), draft=draft)


# --- Edits after approval -----------------------------------------------------------------


def test_an_approved_answer_edited_by_its_author_goes_back_for_approval(
    trainee, approver, customer_thread
):
    approvals.draft_approve(actor=fresh(approver), draft=_draft(trainee, customer_thread))
    answer = Answer.objects.get(thread=customer_thread)
    edited = qa_services.answer_edit(actor=fresh(trainee), answer=answer, body="Changed words.")
    held = edited.held_for_approval
    assert held.is_revision and held.status == "pending"
    answer.refresh_from_db()
    assert answer.body == "Please update to 2.1; it fixes E-12."  # nothing changed
    assert answer.revision_count == 1
    approvals.draft_approve(actor=fresh(approver), draft=held)
    answer.refresh_from_db()
    assert (answer.body, answer.revision_count) == ("Changed words.", 2)
    assert AnswerApproval.objects.get(answer=answer).draft == held


# --- The response target's clock ----------------------------------------------------------


def test_the_response_target_counts_until_publication(trainee, approver, official, customer_thread):
    draft = _draft(trainee, customer_thread)
    assert customer_thread in selectors.awaiting_official_response(official)
    approvals.draft_approve(actor=fresh(approver), draft=draft)
    assert customer_thread not in selectors.awaiting_official_response(official)


# --- Endorsements -------------------------------------------------------------------------


def test_an_endorsement_can_require_approval_the_same_way(official, rep, approver, customer_answer):
    _rule(official, kind=ApprovalRule.Kind.ENDORSEMENT)
    from brands import services as brand_services

    draft = brand_services.answer_endorse(actor=fresh(rep), answer=customer_answer)
    assert isinstance(draft, OfficialDraft) and draft.kind == "endorsement"
    customer_answer.refresh_from_db()
    assert customer_answer.endorsed_at is None
    approvals.draft_approve(actor=fresh(approver), draft=draft)
    customer_answer.refresh_from_db()
    assert customer_answer.endorsed_by == rep


# --- Rules and roles ----------------------------------------------------------------------


def test_only_admins_set_rules_and_roles(official, brand_admin, rep, z5):
    with pytest.raises(PermissionDenied):
        approvals.approval_rule_add(actor=fresh(rep), brand=official)
    rule = approvals.approval_rule_add(actor=fresh(brand_admin), brand=official, product=z5)
    with pytest.raises(ValidationError):
        approvals.approval_rule_add(actor=fresh(brand_admin), brand=official, product=z5)
    membership = Membership.objects.get(user=rep)
    approvals.membership_approval_set(
        actor=fresh(brand_admin), membership=membership, is_approver=True, in_training=False
    )
    membership.refresh_from_db()
    assert membership.is_approver
    approvals.approval_rule_remove(actor=fresh(brand_admin), rule=rule)
    assert not ApprovalRule.objects.exists()


def test_a_rule_for_another_brands_product_is_refused(official, brand_admin, rival):
    from tests.brands.factories import ProductFactory

    with pytest.raises(ValidationError) as error:
        approvals.approval_rule_add(
            actor=fresh(brand_admin), brand=official, product=ProductFactory(brand=rival)
        )
    assert "product" in error.value.message_dict


# --- The reports' approvals table ---------------------------------------------------------


def test_the_approvals_table_counts_times_and_rejections(
    trainee, approver, official, customer_thread
):
    from brands.reports import brand_report

    first = _draft(trainee, customer_thread)
    approvals.draft_request_changes(actor=fresh(approver), draft=first, comment="Shorter.")
    approvals.draft_revise(actor=fresh(trainee), draft=first, body="Shorter.")
    approvals.draft_approve(actor=fresh(approver), draft=first)
    second = _draft(trainee, customer_thread, body="Another.")
    approvals.draft_approve(actor=fresh(approver), draft=second)
    table = brand_report(brand=official).table("approvals")
    assert len(table.rows) == 1
    _week, sent, approved, median, p90, rejected = table.rows[0]
    assert (sent, approved, rejected) == (2, 2, "50%")
    assert median != "–" and p90 != "–"
