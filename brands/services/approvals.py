"""Approval before an official answer, and the team's canned replies.

Where a brand's rule (or a member's training) asks for it, what a rep writes for the brand
is held as an `OfficialDraft` instead of being published: qa.services.answer_create,
answer_edit and brands' answer_endorse hand it to `official_draft_submit`. Approvers see
it in their queue, approve it (as it is, or edited), or send it back with a comment; only
approval publishes it, through the same services with the hold lifted, so everything an
answer brings (the thread's status, the response target met, notifications, the page
cache, search) happens at publication and not before. A published answer's approval is
recorded (`AnswerApproval`) and shown beside its official badge.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from community import memo, page_cache
from moderation.services import audit_log_record
from outbox.services import message_send

from .. import canned, permissions, tasks
from ..approval_selectors import ApprovalNeed
from ..models import (
    AnswerApproval,
    ApprovalRule,
    Brand,
    CannedReply,
    Membership,
    OfficialDraft,
    Product,
    ProductVersion,
)

MAX_DRAFT_LENGTH = 20_000
_ALREADY_A_RULE = _lazy("A rule for these threads already exists; remove it first to change it.")


def _clean_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": [_("Write the answer before sending it.")]})
    if len(body) > MAX_DRAFT_LENGTH:
        raise ValidationError(
            {"body": [_("An answer is at most %(n)d characters.") % {"n": MAX_DRAFT_LENGTH}]}
        )
    return body


# --- Held for approval ------------------------------------------------------------------


@transaction.atomic
def official_draft_submit(
    *,
    author: Any,
    thread: Any,
    kind: str,
    need: ApprovalNeed,
    body: str = "",
    answer: Any = None,
    version: ProductVersion | None = None,
) -> OfficialDraft:
    """Hold what the author wrote for the brand until an approver approves it. Called by
    the services that would have published it, after their own checks. A change to an
    answer that already waits for approval revises that draft rather than adding one."""
    brand = thread.brand
    if kind == ApprovalRule.Kind.ANSWER:
        body = _clean_body(body)
    now = timezone.now()
    if answer is not None:
        waiting = (
            OfficialDraft.objects.select_for_update()
            .filter(brand=brand, kind=kind, answer=answer, author=author)
            .open()
            .first()
        )
        if waiting is not None:
            waiting.body, waiting.version = body, version
            waiting.status, waiting.submitted_at = OfficialDraft.Status.PENDING, now
            waiting.save(update_fields=["body", "version", "status", "submitted_at"])
            return waiting
    draft = OfficialDraft.objects.create(
        brand=brand,
        thread=thread,
        author=author,
        kind=kind,
        body=body,
        answer=answer,
        version=version,
        rule=need.rule,
        by_trainee=need.by_trainee,
        admins_approve=need.admins_approve,
        submitted_at=now,
    )
    audit_log_record(
        actor=author,
        action="official_draft.submit",
        target=draft,
        brand=brand,
        data={"thread": thread.pk, "kind": kind, "answer": answer.pk if answer else None},
    )
    message_send(tasks.notify_official_draft, draft.pk, "submitted", draft.submitted_at.isoformat())
    return draft


def _locked(draft: OfficialDraft) -> OfficialDraft:
    locked = (
        OfficialDraft.objects.select_for_update(of=("self",))
        .select_related("brand", "thread__brand", "author", "answer__thread__brand", "rule")
        .get(pk=draft.pk)
    )
    return locked


@transaction.atomic
def draft_approve(*, actor: Any, draft: OfficialDraft, body: str | None = None) -> OfficialDraft:
    """Approve and publish, as it is or with the approver's edit (`body`). Publishing goes
    through qa's and brands' own services, which check again that the author may still
    answer the thread (a locked thread refuses, and nothing changes)."""
    draft = _locked(draft)
    permissions.check_can_approve_draft(actor, draft)
    permissions.check_draft_pending(draft)
    if body is not None and draft.kind == ApprovalRule.Kind.ANSWER:
        body = _clean_body(body)
        if body != draft.body:
            draft.body, draft.edited_by_approver = body, True
    now = timezone.now()
    published = _publish(draft)
    draft.status = OfficialDraft.Status.PUBLISHED
    draft.decided_by, draft.decided_at = actor, now
    draft.comment = ""
    if published is not None and draft.kind == ApprovalRule.Kind.ANSWER:
        draft.answer = published
        AnswerApproval.objects.update_or_create(
            answer=published, defaults={"approved_by": actor, "approved_at": now, "draft": draft}
        )
    draft.save(
        update_fields=[
            "body",
            "edited_by_approver",
            "status",
            "decided_by",
            "decided_at",
            "comment",
            "answer",
        ]
    )
    page_cache.thread_changed(draft.thread_id)
    audit_log_record(
        actor=actor,
        action="official_draft.approve",
        target=draft,
        brand=draft.brand,
        data={"answer": draft.answer_id, "edited": draft.edited_by_approver},
    )
    message_send(tasks.notify_official_draft, draft.pk, "approved", now.isoformat())
    return draft


def _publish(draft: OfficialDraft) -> Any:
    """The answer (or endorsement) the draft becomes, written by its author."""
    from qa import services as qa_services

    from .endorsements import answer_endorse

    thread = draft.thread
    if draft.kind == ApprovalRule.Kind.ENDORSEMENT:
        answer_endorse(
            actor=draft.author, answer=draft.answer, version=draft.version, hold_for_approval=False
        )
        return None
    if draft.answer_id is not None:
        return qa_services.answer_edit(
            actor=draft.author, answer=draft.answer, body=draft.body, hold_for_approval=False
        )
    return qa_services.answer_create(
        author=draft.author, thread=thread, body=draft.body, hold_for_approval=False
    )


@transaction.atomic
def draft_request_changes(*, actor: Any, draft: OfficialDraft, comment: str) -> OfficialDraft:
    """Send the draft back to its author with what to change (they are notified)."""
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": [_("Say what should change, for the author.")]})
    draft = _locked(draft)
    permissions.check_can_approve_draft(actor, draft)
    permissions.check_draft_pending(draft)
    now = timezone.now()
    draft.status = OfficialDraft.Status.CHANGES_REQUESTED
    draft.comment = comment[:2000]
    draft.decided_by, draft.decided_at = actor, now
    draft.rejection_count = F("rejection_count") + 1
    draft.save(update_fields=["status", "comment", "decided_by", "decided_at", "rejection_count"])
    draft.refresh_from_db(fields=["rejection_count"])
    audit_log_record(
        actor=actor,
        action="official_draft.request_changes",
        target=draft,
        brand=draft.brand,
        reason=draft.comment,
    )
    message_send(tasks.notify_official_draft, draft.pk, "changes_requested", now.isoformat())
    return draft


@transaction.atomic
def draft_revise(*, actor: Any, draft: OfficialDraft, body: str) -> OfficialDraft:
    """The author's new text: the draft goes back to the approvers' queue."""
    draft = _locked(draft)
    permissions.check_can_revise_draft(actor, draft)
    permissions.check_draft_open(draft)
    if draft.kind == ApprovalRule.Kind.ANSWER:
        draft.body = _clean_body(body)
    draft.status = OfficialDraft.Status.PENDING
    draft.submitted_at = timezone.now()
    draft.save(update_fields=["body", "status", "submitted_at"])
    audit_log_record(actor=actor, action="official_draft.revise", target=draft, brand=draft.brand)
    message_send(tasks.notify_official_draft, draft.pk, "submitted", draft.submitted_at.isoformat())
    return draft


@transaction.atomic
def draft_withdraw(*, actor: Any, draft: OfficialDraft) -> OfficialDraft:
    draft = _locked(draft)
    permissions.check_can_revise_draft(actor, draft)
    permissions.check_draft_open(draft)
    draft.status = OfficialDraft.Status.WITHDRAWN
    draft.save(update_fields=["status"])
    audit_log_record(actor=actor, action="official_draft.withdraw", target=draft, brand=draft.brand)
    return draft


def official_draft_notify(*, draft_id: int, event: str, stamp: str) -> int:
    """Tell the author (approved, changes requested) or the approvers (submitted). `stamp`
    names the moment, so each submission and each decision is told once."""
    from community.models import Notification
    from community.services import notification_deliver

    draft = (
        OfficialDraft.objects.select_related("brand", "thread", "author", "decided_by")
        .filter(pk=draft_id)
        .first()
    )
    if draft is None:
        return 0
    brand = draft.brand
    if event == "submitted":
        approvers = Q(is_approver=True)
        if draft.admins_approve:
            approvers |= Q(role=Membership.Role.ADMIN)
        memberships = (
            Membership.objects.active()
            .for_brand(brand)
            .filter(approvers, user__is_active=True)
            .select_related("user")
        )
        recipients = [membership.user for membership in memberships]
        actor = draft.author
        text = _("%(name)s sent an official answer for approval: %(title)s") % {
            "name": draft.author.public_name,
            "title": draft.thread.title,
        }
    elif event == "changes_requested":
        recipients, actor = [draft.author], draft.decided_by
        text = _("Your draft answer needs changes before it is published: %(comment)s") % {
            "comment": draft.comment
        }
    elif event == "approved":
        recipients, actor = [draft.author], draft.decided_by
        text = _("Your official answer was approved and published: %(title)s") % {
            "title": draft.thread.title
        }
    else:
        return 0
    return len(
        notification_deliver(
            recipients=recipients,
            kind=Notification.Kind.OFFICIAL_DRAFT,
            dedupe_key=f"official_draft:{draft.pk}:{event}:{stamp}",
            actor=actor,
            thread=draft.thread,
            message=text,
            url=draft.get_absolute_url(),
            context={"draft": draft, "brand": brand, "text": text},
        )
    )


# --- Rules and roles, set by the brand's admins on the team page -------------------------


@transaction.atomic
def approval_rule_add(
    *,
    actor: Any,
    brand: Brand,
    kind: str = ApprovalRule.Kind.ANSWER,
    thread_type: str = "",
    product: Product | None = None,
    approvers: str = ApprovalRule.Approvers.APPROVERS,
) -> ApprovalRule:
    from qa.models import Thread

    permissions.check_can_manage_team(actor, brand)
    errors: dict[str, list[str]] = {}
    if kind not in ApprovalRule.Kind.values:
        errors["kind"] = [_("Choose official answers or endorsements.")]
    if thread_type and thread_type not in Thread.Type.values:
        errors["thread_type"] = [_("Choose one of the thread types.")]
    if product is not None and product.brand_id != brand.pk:
        errors["product"] = [_("Choose one of %(brand)s's products.") % {"brand": brand.name}]
    if approvers not in ApprovalRule.Approvers.values:
        errors["approvers"] = [_("Choose who approves.")]
    if errors:
        raise ValidationError(errors)
    same = ApprovalRule.objects.for_brand(brand).filter(
        kind=kind, thread_type=thread_type, product=product
    )
    if same.exists():
        raise ValidationError({None: [_ALREADY_A_RULE]})
    try:
        with transaction.atomic():
            rule = ApprovalRule.objects.create(
                brand=brand,
                kind=kind,
                thread_type=thread_type,
                product=product,
                approvers=approvers,
                created_by=actor,
            )
    except IntegrityError:
        raise ValidationError({None: [_ALREADY_A_RULE]}) from None  # a concurrent twin
    audit_log_record(actor=actor, action="approval_rule.add", target=rule, brand=brand)
    return rule


@transaction.atomic
def approval_rule_remove(*, actor: Any, rule: ApprovalRule) -> None:
    """Drafts already waiting stay in the queue: they were written under the rule."""
    permissions.check_can_manage_team(actor, rule.brand)
    audit_log_record(
        actor=actor,
        action="approval_rule.remove",
        target=rule,
        brand=rule.brand,
        data={"kind": rule.kind, "thread_type": rule.thread_type, "product": rule.product_id},
    )
    rule.delete()


@transaction.atomic
def membership_approval_set(
    *, actor: Any, membership: Membership, is_approver: bool, in_training: bool
) -> Membership:
    """The approver role and the training flag, per member."""
    permissions.check_can_manage_team(actor, membership.brand)
    if in_training and membership.role == Membership.Role.ADMIN:
        raise ValidationError(
            {"in_training": [_("An admin runs the team: only reps can be in training.")]}
        )
    membership.is_approver, membership.in_training = is_approver, in_training
    membership.save(update_fields=["is_approver", "in_training"])
    memo.forget(membership.user, permissions.APPROVER_SEATS)
    memo.forget(actor, permissions.APPROVER_SEATS)
    audit_log_record(
        actor=actor,
        action="membership.approval",
        target=membership,
        brand=membership.brand,
        data={"is_approver": is_approver, "in_training": in_training},
    )
    return membership


@transaction.atomic
def brand_self_approval_set(*, actor: Any, brand: Brand, allowed: bool) -> Brand:
    permissions.check_can_manage_team(actor, brand)
    brand.approval_self_allowed = allowed
    brand.save(update_fields=["approval_self_allowed"])
    audit_log_record(
        actor=actor,
        action="brand.self_approval",
        target=brand,
        brand=brand,
        data={"allowed": allowed},
    )
    return brand


# --- Canned replies ----------------------------------------------------------------------


@transaction.atomic
def canned_reply_save(
    *,
    actor: Any,
    brand: Brand,
    title: str,
    language: str,
    body: str,
    reply: CannedReply | None = None,
) -> CannedReply:
    """Create or change a canned reply; an unknown placeholder is an error on the text."""
    permissions.check_can_use_canned_replies(actor, brand)
    title, body = (title or "").strip(), (body or "").strip()
    errors: dict[str, list[str]] = {}
    if not title:
        errors["title"] = [_("Give the reply a title the team will recognise.")]
    if language not in CannedReply.Language.values:
        errors["language"] = [_("Choose Japanese or English.")]
    if not body:
        errors["body"] = [_("Write the reply's text.")]
    elif placeholder_problems := canned.placeholder_errors(body):
        errors["body"] = placeholder_problems
    if errors:
        raise ValidationError(errors)
    duplicate = CannedReply.objects.for_brand(brand).filter(language=language, title=title)
    if reply is not None:
        duplicate = duplicate.exclude(pk=reply.pk)
    if duplicate.exists():
        raise ValidationError({"title": [_("Another reply in this language has this title.")]})
    if reply is None:
        reply = CannedReply.objects.create(
            brand=brand, title=title, language=language, body=body, created_by=actor
        )
        action = "canned_reply.create"
    else:
        reply.title, reply.language, reply.body = title, language, body
        reply.save(update_fields=["title", "language", "body", "updated_at"])
        action = "canned_reply.change"
    audit_log_record(actor=actor, action=action, target=reply, brand=brand)
    return reply


@transaction.atomic
def canned_reply_delete(*, actor: Any, reply: CannedReply) -> None:
    permissions.check_can_use_canned_replies(actor, reply.brand)
    audit_log_record(
        actor=actor,
        action="canned_reply.delete",
        target=reply,
        brand=reply.brand,
        data={"title": reply.title},
    )
    reply.delete()


def canned_reply_used(*, actor: Any, reply: CannedReply) -> None:
    """Count one use of the reply (the picker reports it when a rep inserts it)."""
    permissions.check_can_use_canned_replies(actor, reply.brand)
    CannedReply.objects.filter(pk=reply.pk).update(use_count=F("use_count") + 1)
