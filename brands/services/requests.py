"""Requests to other departments: a rep asks a department of the same brand about a thread
or a private case, with a due date; the department starts it and answers inside the team;
the rep hears the answer. Every step is audit-logged and told through the outbox."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from brands import permissions, tasks
from moderation.services import audit_log_record
from outbox.services import message_send

from ..models import Brand, Department, DepartmentRequest, Membership


@transaction.atomic
def department_request_send(
    *,
    actor: Any,
    brand: Brand,
    department: Department,
    body: str,
    due_on: date | None,
    thread: Any = None,
    case: Any = None,
) -> DepartmentRequest:
    """Ask `department` of `brand` about `thread` or `case` (one of them, of the brand)."""
    permissions.check_can_send_request(actor, brand, department)
    errors: dict[str, list[str]] = {}
    body = (body or "").strip()
    if not body:
        errors["body"] = [_("Say what you need from the department.")]
    elif len(body) > 5000:
        errors["body"] = [_("Keep the request to 5,000 characters.")]
    today = timezone.localdate()
    if due_on is None:
        errors["due_on"] = [_("Choose the date you need the answer by.")]
    elif due_on < today:
        errors["due_on"] = [
            _("The due date %(date)s has passed: choose today or a later day.")
            % {"date": due_on.isoformat()}
        ]
    if case is not None:
        thread = thread or case.thread
        if case.brand_id != brand.pk:
            errors["case"] = [_("That private case belongs to another brand.")]
    if thread is not None and thread.brand_id != brand.pk:
        errors["thread"] = [_("That thread belongs to another brand.")]
    if errors:
        raise ValidationError(errors)
    request = DepartmentRequest.objects.create(
        brand=brand,
        department=department,
        thread=thread,
        case=case,
        requested_by=actor,
        body=body,
        due_on=due_on,
    )
    audit_log_record(
        actor=actor,
        action="department_request.send",
        target=request,
        brand=brand,
        data={"department": department.name, "due_on": due_on.isoformat()},
    )
    message_send(tasks.notify_department_request, request.pk, "sent")
    return request


def _locked(request: DepartmentRequest) -> DepartmentRequest:
    return (
        DepartmentRequest.objects.select_for_update()
        .select_related("brand", "department")
        .get(pk=request.pk)
    )


@transaction.atomic
def department_request_start(*, actor: Any, request: DepartmentRequest) -> DepartmentRequest:
    """The department says it is working on it (open → in progress)."""
    permissions.check_can_work_request(actor, request)
    request = _locked(request)
    if request.status != DepartmentRequest.Status.OPEN:
        raise ValidationError(
            _("This request is already %(status)s.") % {"status": request.get_status_display()}
        )
    request.status = DepartmentRequest.Status.IN_PROGRESS
    request.started_at = timezone.now()
    request.save(update_fields=["status", "started_at"])
    audit_log_record(actor=actor, action="department_request.start", target=request)
    return request


@transaction.atomic
def department_request_answer(
    *, actor: Any, request: DepartmentRequest, answer: str
) -> DepartmentRequest:
    """The department answers, inside the team; the rep who asked is told."""
    permissions.check_can_work_request(actor, request)
    request = _locked(request)
    answer = (answer or "").strip()
    if not answer:
        raise ValidationError({"answer": [_("Write the department's answer.")]})
    if len(answer) > 5000:
        raise ValidationError({"answer": [_("Keep the answer to 5,000 characters.")]})
    if request.status == DepartmentRequest.Status.ANSWERED:
        raise ValidationError(_("This request is already answered."))
    request.status = DepartmentRequest.Status.ANSWERED
    request.answer = answer
    request.answered_by = actor
    request.answered_at = timezone.now()
    request.save(update_fields=["status", "answer", "answered_by", "answered_at"])
    audit_log_record(actor=actor, action="department_request.answer", target=request)
    message_send(tasks.notify_department_request, request.pk, "answered")
    return request


def department_request_notify(*, request_id: int, event: str) -> int:
    """Tell the department's members of a new request, or the rep of its answer. Safe to
    run twice: one notification per person, request and event."""
    from community.services import notification_deliver

    request = DepartmentRequest.objects.with_relations().filter(pk=request_id).first()
    if request is None:
        return 0
    brand, department = request.brand, request.department
    if event == "sent":
        recipients = [
            membership.user
            for membership in Membership.objects.active()
            .filter(brand=brand, department=department)
            .select_related("user")
        ]
        actor = request.requested_by
        text = _("%(name)s asks %(department)s (due %(date)s): %(body)s") % {
            "name": actor.public_name if actor else _("A rep"),
            "department": department.name,
            "date": request.due_on.isoformat(),
            "body": request.body[:300],
        }
    elif event == "answered" and request.requested_by is not None:
        recipients, actor = [request.requested_by], request.answered_by
        text = _("%(department)s answered your request: %(answer)s") % {
            "department": department.name,
            "answer": request.answer[:300],
        }
    else:
        return 0
    url = reverse("brands:department_request", kwargs={"brand_slug": brand.slug, "pk": request.pk})
    return len(
        notification_deliver(
            recipients=recipients,
            kind="department_request",
            dedupe_key=f"department_request_{event}:{request.pk}",
            actor=actor,
            thread=request.thread,
            message=text,
            url=url,
            context={"brand": brand, "department": department, "text": text},
        )
    )
