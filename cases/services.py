"""Writes for private cases. Each service checks its rule (cases.permissions), validates,
writes in one transaction, records an audit-log entry that never holds the case's text,
and sends its notifications and events as outbox messages.

The public thread changes only through its marker ("continued privately with the brand on
<date>") and, once the customer approves it, the summary published as the brand's official
answer by qa.services.answer_create; each change goes through page_cache.thread_changed.
Nothing here touches the thread's response clock: a case is not an official response.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from attachments.images import PreparedImage
from attachments.services import attachments_store
from brands.models import OfficialDraft
from brands.permissions import is_rep
from community import page_cache
from moderation.ratelimit import rate_limit_hit
from moderation.services import audit_log_record
from outbox.services import message_send
from qa import services as qa_services
from qa.models import Answer, MeToo, Thread, Visibility
from qa.rendering import post_text, render_markdown

from . import permissions
from .models import Case, CaseMessage, HelpdeskUpdate

# The helpdesk's payload: these fields and no others.
HELPDESK_FIELDS = frozenset({"case", "reference", "status", "reply"})
HELPDESK_REPLY_FIELDS = frozenset({"author", "body"})


def _clean_body(body: str, *, field: str = "body") -> str:
    body = post_text(body)
    if not body:
        raise ValidationError({field: [_("Write something here.")]})
    if len(body) > settings.SODAN_MAX_BODY_CHARS:
        raise ValidationError(
            {
                field: [
                    _("The text is %(length)d characters long; the limit is %(limit)d.")
                    % {"length": len(body), "limit": settings.SODAN_MAX_BODY_CHARS}
                ]
            }
        )
    return body


def _notify(case: Case, event: str, message: CaseMessage | None = None) -> None:
    from . import tasks

    message_send(tasks.notify_case, case.pk, event, message.pk if message else 0)


def _emit(case: Case, kind: str) -> None:
    """A case event for the brand's endpoints that subscribe to case events (integrations
    decides which); carries the case out to an outside helpdesk."""
    from integrations.services import event_emit

    from .selectors import case_event_data

    event_emit(brand=case.brand, kind=kind, data=lambda: case_event_data(case))


def _is_thread_participant(thread: Thread, person: Any) -> bool:
    if thread.author_id == person.pk:
        return True
    answered = Answer.objects.filter(thread=thread, author=person, visibility=Visibility.PUBLISHED)
    return answered.exists() or MeToo.objects.filter(thread=thread, user=person).exists()


def _add_message(
    *, case: Case, author: Any, body: str, source: str = CaseMessage.Source.SITE, name: str = ""
) -> CaseMessage:
    message = CaseMessage.objects.create(
        case=case,
        author=author,
        source=source,
        helpdesk_author=name[:120],
        body=body,
        body_html=render_markdown(body),
    )
    Case.objects.filter(pk=case.pk).update(last_message_at=message.created_at)
    case.last_message_at = message.created_at
    return message


@transaction.atomic
def case_open(*, actor: Any, thread: Thread, body: str, customer: Any = None) -> Case:
    """Continue a public thread privately with one customer: the asker by default, or one
    of the thread's people (an answerer, someone who said me too). `body` is the rep's
    first message (what they need: an order number, an address)."""
    permissions.check_can_open_case(actor, thread)
    customer = customer or thread.author
    if not permissions.can_be_case_customer(customer, thread):
        raise ValidationError(
            {"customer": [_("A private case is with a customer, not with the brand's team.")]}
        )
    if not _is_thread_participant(thread, customer):
        raise ValidationError(
            {"customer": [_("Choose the asker or someone who took part in this thread.")]}
        )
    body = _clean_body(body)
    if Case.objects.filter(thread=thread, customer=customer, status=Case.Status.OPEN).exists():
        raise ValidationError(
            {"customer": [_("A private case with this customer on this thread is already open.")]}
        )
    rate_limit_hit(user=actor, action="post")
    try:
        with transaction.atomic():
            case = Case.objects.create(
                brand=thread.brand, thread=thread, customer=customer, opened_by=actor
            )
    except IntegrityError:  # a colleague opened it a moment ago
        raise ValidationError(
            {"customer": [_("A private case with this customer on this thread is already open.")]}
        ) from None
    if not thread.has_cases:  # the thread's page asks for case markers only once it is set
        Thread.objects.filter(pk=thread.pk).update(has_cases=True)
        thread.has_cases = True
    _add_message(case=case, author=actor, body=body)
    audit_log_record(actor=actor, action="case.open", target=case, data={"thread": thread.pk})
    page_cache.thread_changed(thread.pk, brand_id=thread.brand_id)
    _notify(case, "opened")
    _emit(case, "case.opened")
    return case


@transaction.atomic
def case_message_post(
    *, actor: Any, case: Case, body: str, attachments: Sequence[PreparedImage] = ()
) -> CaseMessage:
    """A message from the customer or the brand's reps; the other side is told.
    `attachments`: images the form prepared (attachments.forms), seen only in the case."""
    case = Case.objects.select_for_update(of=("self",)).select_related("brand").get(pk=case.pk)
    permissions.check_can_write_in_case(actor, case)
    body = _clean_body(body)
    rate_limit_hit(user=actor, action="post")
    message = _add_message(case=case, author=actor, body=body)
    if attachments:
        attachments_store(uploader=actor, files=attachments, target=message)
    _notify(case, "message", message)
    return message


def _close(case: Case, *, actor: Any, outcome: str) -> Case:
    if outcome not in (Case.Status.SOLVED, Case.Status.DECLINED):
        raise ValidationError({"outcome": [_("Choose solved or closed without a solution.")]})
    case.status = outcome
    case.resolved_at = timezone.now()
    case.resolved_by = actor
    case.save(update_fields=["status", "resolved_at", "resolved_by"])
    page_cache.thread_changed(case.thread_id, brand_id=case.brand_id)
    _notify(case, "resolved")
    _emit(case, "case.resolved")
    return case


@transaction.atomic
def case_resolve(*, actor: Any, case: Case, outcome: str = Case.Status.SOLVED) -> Case:
    """Close the case as solved (then the rep may write a public summary) or without a
    solution; the public thread then says it was resolved privately."""
    case = Case.objects.select_for_update(of=("self",)).select_related("brand").get(pk=case.pk)
    permissions.check_can_resolve(actor, case)
    case = _close(case, actor=actor, outcome=outcome)
    audit_log_record(actor=actor, action="case.resolve", target=case, data={"outcome": outcome})
    return case


@transaction.atomic
def case_summary_propose(*, actor: Any, case: Case, body: str) -> Case:
    """The public summary of a solved case, shown to the customer for approval; nothing is
    public until they approve. Proposing again replaces a summary still waiting."""
    case = Case.objects.select_for_update(of=("self",)).select_related("brand").get(pk=case.pk)
    permissions.check_can_propose_summary(actor, case)
    case.summary_body = _clean_body(body)
    case.summary_by = actor
    case.summary_status = Case.Summary.PROPOSED
    case.save(update_fields=["summary_body", "summary_by", "summary_status"])
    audit_log_record(actor=actor, action="case.summary_propose", target=case)
    _notify(case, "summary_proposed")
    return case


@transaction.atomic
def case_summary_approve(*, actor: Any, case: Case) -> Answer | OfficialDraft:
    """The customer approves: the summary becomes the brand's official answer in the
    thread, written by the rep who proposed it (an ordinary answer: endorsable, edited,
    verified and moderated like any other). Where the brand's approval rules or the
    writer's training hold the rep's official answers, the summary waits as a draft for the
    brand's approvers like any other (status "held"), and the draft is returned."""
    case = (
        Case.objects.select_for_update(of=("self",))
        .select_related("brand", "thread__brand", "summary_by")
        .get(pk=case.pk)
    )
    permissions.check_can_decide_summary(actor, case)
    permissions.check_summary_writer_speaks(case)
    writer = case.summary_by
    answer = qa_services.answer_create(author=writer, thread=case.thread, body=case.summary_body)
    case.summary_decided_at = timezone.now()
    if isinstance(answer, OfficialDraft):
        case.summary_status = Case.Summary.HELD
        case.summary_draft = answer
    else:
        case.summary_status = Case.Summary.APPROVED
        case.summary_answer = answer
    case.save(
        update_fields=["summary_status", "summary_decided_at", "summary_answer", "summary_draft"]
    )
    page_cache.thread_changed(case.thread_id, brand_id=case.brand_id)
    audit_log_record(actor=actor, action="case.summary_approve", target=case)
    _notify(case, "summary_decided")
    return answer


@transaction.atomic
def case_summary_decline(*, actor: Any, case: Case) -> Case:
    """The customer declines: nothing of the case is published; the thread says only that
    it was resolved privately."""
    case = Case.objects.select_for_update(of=("self",)).select_related("brand").get(pk=case.pk)
    permissions.check_can_decide_summary(actor, case)
    case.summary_status = Case.Summary.DECLINED
    case.summary_decided_at = timezone.now()
    case.save(update_fields=["summary_status", "summary_decided_at"])
    page_cache.thread_changed(case.thread_id, brand_id=case.brand_id)
    audit_log_record(actor=actor, action="case.summary_decline", target=case)
    _notify(case, "summary_decided")
    return case


def case_read_record(*, actor: Any, case: Case) -> None:
    """Staff reading a case that is not theirs leave a trace in the audit log."""
    audit_log_record(actor=actor, action="case.read", target=case)


# --- The helpdesk, signed ------------------------------------------------------------------


@dataclass
class HelpdeskResult:
    status_code: int
    message: str
    case: Case | None = None


def helpdesk_update_receive(
    *, brand: Any, headers: Mapping[str, str], body: bytes, remote_addr: str | None = None
) -> HelpdeskResult:
    """Apply a signed update from the brand's outside helpdesk: its reference for the case,
    a reply to the customer, a new status. Signed as the tracker integration's requests are
    (feedback.webhooks, `X-Sodan-Signature`, the brand's signing secret); a replay, a bad
    signature, malformed JSON, an unknown field or another brand's case changes nothing."""
    from feedback import webhooks
    from feedback.models import BrandSigningSecret

    def refuse(code: int, reason: str, case: Case | None = None) -> HelpdeskResult:
        HelpdeskUpdate.objects.create(
            brand=brand,
            case=case,
            outcome=HelpdeskUpdate.Outcome.REFUSED,
            reason=reason[:300],
            remote_addr=remote_addr,
        )
        return HelpdeskResult(code, reason)

    secret = BrandSigningSecret.objects.filter(brand=brand).first()
    if secret is None:
        return refuse(401, _("This brand has no signing secret yet."))
    try:
        replay_key = webhooks.verify_sodan(
            secret=secret.secret,
            header=headers.get(webhooks.SIGNATURE_HEADER, ""),
            body=body,
            now=int(timezone.now().timestamp()),
        )
    except webhooks.SignatureError as error:
        return refuse(401, str(error))
    try:
        payload = json.loads(body)
    except ValueError:
        return refuse(400, _("The body is not valid JSON."))
    try:
        change = _read_helpdesk_change(payload)
    except ValueError as error:
        return refuse(400, str(error))
    case = Case.objects.filter(Q(pk=change["case"]), brand=brand).select_related("brand").first()
    if case is None:
        return refuse(404, _("This brand has no such case."))
    try:
        with transaction.atomic():
            HelpdeskUpdate.objects.create(
                brand=brand,
                case=case,
                outcome=HelpdeskUpdate.Outcome.ACCEPTED,
                reason=change.get("status") or "reply",
                replay_key=replay_key,
                remote_addr=remote_addr,
            )
            case = _apply_helpdesk_change(case, change)
    except IntegrityError:
        return refuse(409, _("This request was already received: replays are refused."), case)
    except (ValidationError, PermissionDenied) as error:
        messages = error.messages if isinstance(error, ValidationError) else [str(error)]
        return refuse(422, " ".join(messages), case)
    return HelpdeskResult(200, case.status, case)


def _read_helpdesk_change(payload: Any) -> dict:
    if not isinstance(payload, dict):
        raise ValueError(_("The body must be a JSON object."))
    for field in payload:
        if field not in HELPDESK_FIELDS:
            raise ValueError(_("Unknown field: %(field)s.") % {"field": field})
    case_id = payload.get("case")
    if not isinstance(case_id, int) or isinstance(case_id, bool):
        raise ValueError(_("The field case must be the case's number."))
    change: dict[str, Any] = {"case": case_id}
    reference = payload.get("reference")
    if reference is not None:
        if not isinstance(reference, str) or len(reference) > 120:
            raise ValueError(_("The field reference must be text of at most 120 characters."))
        change["reference"] = reference.strip()
    status = payload.get("status")
    if status is not None:
        if status not in Case.Status.values:
            raise ValueError(_("The field status must be open, solved or declined."))
        change["status"] = status
    reply = payload.get("reply")
    if reply is not None:
        if not isinstance(reply, dict):
            raise ValueError(_("The field reply must be an object with author and body."))
        for field in reply:
            if field not in HELPDESK_REPLY_FIELDS:
                raise ValueError(_("Unknown field: reply.%(field)s.") % {"field": field})
        if not isinstance(reply.get("body"), str) or not isinstance(reply.get("author", ""), str):
            raise ValueError(_("The field reply.body must be text."))
        change["reply"] = {"author": reply.get("author", ""), "body": reply["body"]}
    if len(change) == 1:
        raise ValueError(_("Send a reference, a status or a reply."))
    return change


def _apply_helpdesk_change(case: Case, change: dict) -> Case:
    case = Case.objects.select_for_update(of=("self",)).select_related("brand").get(pk=case.pk)
    if "reference" in change and change["reference"] != case.external_reference:
        case.external_reference = change["reference"]
        case.save(update_fields=["external_reference"])
    if "reply" in change:
        if not case.is_open:
            raise ValidationError(_("This case is closed; it takes no new messages."))
        body = _clean_body(change["reply"]["body"], field="reply")
        message = _add_message(
            case=case,
            author=None,
            body=body,
            source=CaseMessage.Source.HELPDESK,
            name=post_text(change["reply"]["author"]),
        )
        _notify(case, "message", message)
    status = change.get("status")
    if status and status != case.status:
        if status == Case.Status.OPEN:
            raise ValidationError(_("A closed case is not reopened from the helpdesk."))
        if not case.is_open:
            raise ValidationError(_("This case is already closed."))
        case = _close(case, actor=None, outcome=status)
    audit_log_record(
        actor=None,
        action="case.helpdesk_update",
        target=case,
        data={k: v for k, v in change.items() if k in ("status", "reference")},
    )
    return case


# --- Notifications (the outbox's task calls this) -----------------------------------------


def case_notify(*, case_id: int, event: str, message_id: int = 0) -> int:
    """Tell the other side of the case what happened, without a word of what it holds:
    notifications and e-mails may be read where a case must not be."""
    from community.models import Notification, User
    from community.services import notification_deliver

    case = Case.objects.select_related("brand", "thread", "customer", "opened_by").filter(
        pk=case_id
    )
    case = case.first()
    if case is None:
        return 0
    brand, actor, dedupe = case.brand.name, None, f"case_{event}:{case.pk}"
    team = _team_to_tell(case)
    if event == "opened":
        recipients, actor = [case.customer], case.opened_by
        text = _("%(brand)s continued your thread privately with you.") % {"brand": brand}
    elif event == "message":
        message = CaseMessage.objects.select_related("author").filter(pk=message_id).first()
        if message is None:
            return 0
        dedupe = f"case_message:{case.pk}:{message.pk}"
        actor = message.author
        if message.author_id == case.customer_id:
            recipients = team
            text = _("%(name)s wrote in a private case.") % {"name": case.customer.public_name}
        else:
            recipients = [case.customer]
            text = _("%(brand)s wrote in your private case.") % {"brand": brand}
    elif event == "resolved":
        recipients, actor = [case.customer], case.resolved_by
        text = _("%(brand)s closed your private case: %(status)s.") % {
            "brand": brand,
            "status": case.get_status_display(),
        }
    elif event == "summary_proposed":
        recipients, actor = [case.customer], case.summary_by
        text = _("%(brand)s asks you to approve a public summary of your case.") % {"brand": brand}
    elif event == "summary_decided":
        recipients = [case.summary_by] if case.summary_by else team
        actor = case.customer
        text = _("%(name)s decided about the public summary: %(decision)s.") % {
            "name": case.customer.public_name,
            "decision": case.get_summary_status_display(),
        }
    else:
        return 0
    recipients = [
        person
        for person in recipients
        if isinstance(person, User)
        and person.is_active
        and (person.pk == case.customer_id or is_rep(person, case.brand))
    ]
    return len(
        notification_deliver(
            recipients=recipients,
            kind=Notification.Kind.PRIVATE_CASE,
            dedupe_key=dedupe,
            actor=actor,
            thread=case.thread,
            message=text,
            url=case.get_absolute_url(),
            context={"case": case, "brand": case.brand, "text": text},
        )
    )


def _team_to_tell(case: Case) -> list[Any]:
    """Who hears the customer: the rep who opened the case while they still speak for the
    brand, else every rep and admin of the brand."""
    from brands.models import Membership

    if case.opened_by is not None and is_rep(case.opened_by, case.brand):
        return [case.opened_by]
    return [
        membership.user
        for membership in Membership.objects.active()
        .for_brand(case.brand)
        .speaking()
        .select_related("user")
    ]
