"""Writes for product feedback: items, linking threads, merging, statuses, comments with
@mentions, labels, and closing the loop with everyone affected.

Every service checks its rule (feedback.permissions) and writes in one transaction.
Status changes go to the audit log; whatever customers see on a thread changes with
community.page_cache.thread_changed, so anonymous readers see it at once; webhooks and
notifications are queued after commit and can never undo or block the team's action.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from brands.models import Brand, Membership
from community import page_cache
from community.models import Notification, User
from community.services import notification_deliver
from feedback import permissions, selectors, tasks
from feedback.models import (
    FeedbackComment,
    FeedbackEmailOptOut,
    FeedbackItem,
    FeedbackLabel,
    FeedbackLink,
    FeedbackLoopClosure,
    FeedbackStatusChange,
    ThreadLabel,
)
from integrations import events
from integrations.services import event_emit
from moderation.services import audit_log_record
from outbox.services import message_send
from qa.models import Thread, Visibility

from . import integrations

Status = FeedbackItem.Status
OPT_OUT_SALT = "brands.feedback.email-opt-out"
MENTION = re.compile(r"(?<![\w@])@([\w.+-]+)")


def _on_commit(task: Any, *args: Any) -> None:
    """An outbox message in this transaction, delivered after commit; a delivery that
    fails is logged and retried, never shown to the team."""
    message_send(task, *args)


def _threads_changed(thread_ids: Iterable[int]) -> None:
    """The public status on these threads changed: their cached pages must go."""
    for thread_id in set(thread_ids):
        page_cache.thread_changed(thread_id)


def _item_thread_ids(item: FeedbackItem) -> list[int]:
    return list(item.links.values_list("thread_id", flat=True))


def _require_active(item: FeedbackItem) -> None:
    if item.merged_into_id:
        raise ValidationError(
            _("This item was merged into #%(target)s; work on that one.")
            % {"target": item.merged_into_id}
        )


def _clean_text(value: str, *, field: str, limit: int, required: bool = False) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: [_("This field is required.")]})
    if len(value) > limit:
        raise ValidationError(
            {
                field: [
                    _("Keep it to %(limit)d characters; this is %(length)d.")
                    % {"limit": limit, "length": len(value)}
                ]
            }
        )
    return value


def _clean_issue_url(*, brand: Brand, issue_url: str, item: FeedbackItem | None) -> str:
    issue_url = (issue_url or "").strip()
    if not issue_url:
        return ""
    if not issue_url.startswith(("https://", "http://")) or len(issue_url) > 500:
        raise ValidationError({"issue_url": [_("Enter the issue's full web address.")]})
    taken = (
        FeedbackItem.objects.for_brand(brand)
        .annotate(lowered=Lower("issue_url"))
        .filter(lowered=issue_url.lower())
    )
    if item is not None:
        taken = taken.exclude(pk=item.pk)
    other = taken.first()
    if other is not None:
        raise ValidationError(
            {
                "issue_url": [
                    _("Item #%(id)s already links to this issue.") % {"id": other.pk},
                ]
            }
        )
    return issue_url


# --- Items -------------------------------------------------------------------------------


@transaction.atomic
def feedback_item_create(
    *,
    actor: User,
    brand: Brand,
    title: str,
    kind: str = FeedbackItem.Kind.PROBLEM,
    summary: str = "",
    issue_url: str = "",
    threads: Iterable[Thread] = (),
) -> FeedbackItem:
    permissions.check_can_work_on_feedback(actor, brand)
    title = _clean_text(title, field="title", limit=200, required=True)
    summary = _clean_text(summary, field="summary", limit=4000)
    if kind not in FeedbackItem.Kind.values:
        raise ValidationError({"kind": [_("Choose problem, idea or complaint.")]})
    item = FeedbackItem.objects.create(
        brand=brand,
        title=title,
        kind=kind,
        summary=summary,
        issue_url=_clean_issue_url(brand=brand, issue_url=issue_url, item=None),
        created_by=actor,
    )
    audit_log_record(actor=actor, action="feedback.create", target=item, brand=brand)
    threads = list(threads)
    if threads:
        _link(actor=actor, item=item, threads=threads, announce=False)
    event_emit(
        brand=item.brand,
        kind="feedback_item.created",
        data=lambda: events.feedback_item_created(item),
    )
    return item


@transaction.atomic
def feedback_item_edit(
    *, actor: User, item: FeedbackItem, title: str, kind: str, summary: str, issue_url: str
) -> FeedbackItem:
    permissions.check_can_work_on_feedback(actor, item.brand)
    item.title = _clean_text(title, field="title", limit=200, required=True)
    item.summary = _clean_text(summary, field="summary", limit=4000)
    if kind not in FeedbackItem.Kind.values:
        raise ValidationError({"kind": [_("Choose problem, idea or complaint.")]})
    public_changed = kind != item.kind  # "Fixed in" versus "Available in"
    item.kind = kind
    item.issue_url = _clean_issue_url(brand=item.brand, issue_url=issue_url, item=item)
    item.save(update_fields=["title", "kind", "summary", "issue_url"])
    if public_changed:
        _threads_changed(_item_thread_ids(item))
    return item


# --- Threads -------------------------------------------------------------------------------


def _link(
    *, actor: User, item: FeedbackItem, threads: list[Thread], announce: bool = True
) -> list[FeedbackLink]:
    errors = []
    for thread in threads:
        if thread.brand_id != item.brand_id:
            errors.append(_("Thread #%(id)s belongs to another brand.") % {"id": thread.pk})
        elif thread.visibility == Visibility.DELETED:
            errors.append(_("Thread #%(id)s was deleted.") % {"id": thread.pk})
    existing = {
        link.thread_id: link
        for link in FeedbackLink.objects.filter(thread__in=threads).select_related("item")
    }
    for thread_id, link in existing.items():
        if link.item_id != item.pk:
            errors.append(
                _(
                    "Thread #%(id)s is already linked to item #%(item)s “%(title)s”: a thread "
                    "belongs to one item. Unlink it there, or merge the two items."
                )
                % {"id": thread_id, "item": link.item_id, "title": link.item.title}
            )
    if errors:
        raise ValidationError({"threads": errors})
    created = []
    for thread in threads:
        if thread.pk in existing:
            continue
        try:
            with transaction.atomic():
                created.append(
                    FeedbackLink.objects.create(thread=thread, item=item, linked_by=actor)
                )
        except IntegrityError:
            raise ValidationError(
                {"threads": [_("Thread #%(id)s was just linked elsewhere.") % {"id": thread.pk}]}
            ) from None
    if created:
        audit_log_record(
            actor=actor,
            action="feedback.link",
            target=item,
            brand=item.brand,
            data={"threads": [link.thread_id for link in created]},
        )
        _threads_changed(link.thread_id for link in created)
        if announce:
            event_emit(
                brand=item.brand,
                kind="feedback_item.changed",
                data=lambda: events.feedback_item_changed(
                    item, change="threads_linked", threads=[link.thread_id for link in created]
                ),
            )
    return created


@transaction.atomic
def feedback_threads_link(
    *, actor: User, item: FeedbackItem, threads: Iterable[Thread]
) -> list[FeedbackLink]:
    """Link threads to the item. One thread, one item: a thread linked elsewhere is refused
    with the item it belongs to; linking again to the same item changes nothing."""
    permissions.check_can_work_on_feedback(actor, item.brand)
    _require_active(item)
    threads = list(threads)
    if not threads:
        raise ValidationError({"threads": [_("Choose at least one thread to link.")]})
    return _link(actor=actor, item=item, threads=threads)


@transaction.atomic
def feedback_thread_unlink(*, actor: User, thread: Thread) -> FeedbackItem | None:
    link = FeedbackLink.objects.select_related("item__brand").filter(thread=thread).first()
    if link is None:
        return None
    permissions.check_can_work_on_feedback(actor, link.item.brand)
    link.delete()
    audit_log_record(
        actor=actor,
        action="feedback.unlink",
        target=link.item,
        brand=link.item.brand,
        data={"thread": thread.pk},
    )
    _threads_changed([thread.pk])
    return link.item


@transaction.atomic
def feedback_items_merge(
    *, actor: User, source: FeedbackItem, target: FeedbackItem
) -> FeedbackItem:
    """Move the source's threads to the target and retire the source.

    People who were affected by both count once on the target; comments stay on the
    source, which points to the target from then on.
    """
    permissions.check_can_work_on_feedback(actor, source.brand)
    if source.brand_id != target.brand_id:
        raise ValidationError({"target": [_("Both items must belong to the same brand.")]})
    if source.pk == target.pk:
        raise ValidationError({"target": [_("Choose another item to merge into.")]})
    _require_active(source)
    _require_active(target)
    moved = list(source.links.values_list("thread_id", flat=True))
    source.links.update(item=target)
    source.merged_into = target
    source.save(update_fields=["merged_into"])
    audit_log_record(
        actor=actor,
        action="feedback.merge",
        target=source,
        brand=source.brand,
        data={"into": target.pk, "threads": moved},
    )
    _threads_changed(moved)
    if moved:
        event_emit(
            brand=target.brand,
            kind="feedback_item.changed",
            data=lambda: events.feedback_item_changed(
                target, change="threads_linked", threads=moved, merged=source.pk
            ),
        )
    return target


# --- Status ------------------------------------------------------------------------------


def _apply_status(
    *,
    actor: User | None,
    item: FeedbackItem,
    status: str,
    message: str,
    shipped_in: str,
    reason: str,
    source: str,
) -> FeedbackItem:
    _require_active(item)
    if status not in Status.values:
        raise ValidationError({"status": [_("Choose one of the statuses.")]})
    message = _clean_text(message, field="message", limit=1000)
    shipped_in = _clean_text(shipped_in, field="shipped_in", limit=50)
    reason = _clean_text(reason, field="reason", limit=1000)
    if status == Status.DECLINED and not (reason or item.decline_reason):
        raise ValidationError(
            {"reason": [_("Say why: customers see the reason on their threads.")]}
        )
    item = FeedbackItem.objects.select_for_update().select_related("brand").get(pk=item.pk)
    previous = item.status
    fields = []
    if status == Status.SHIPPED:
        if message:
            item.resolution = message
            fields.append("resolution")
        if shipped_in:
            item.shipped_in = shipped_in
            fields.append("shipped_in")
    if status == Status.DECLINED and reason:
        item.decline_reason = reason
        fields.append("decline_reason")
    if previous == status and not fields:
        return item
    now = timezone.now()
    if previous != status:
        item.status = status
        item.status_changed_at = now
        fields += ["status", "status_changed_at"]
        if status == Status.SHIPPED:
            item.shipped_at = now
            fields.append("shipped_at")
        FeedbackStatusChange.objects.create(
            item=item,
            from_status=previous,
            to_status=status,
            actor=actor,
            source=source,
            note=message
            if status == Status.SHIPPED
            else reason
            if status == Status.DECLINED
            else "",
        )
    item.save(update_fields=fields)
    audit_log_record(
        actor=actor,
        action="feedback.status" if previous != status else "feedback.public_status",
        target=item,
        brand=item.brand,
        reason=reason or message,
        data={"from": previous, "to": status, "source": source, "shipped_in": item.shipped_in},
    )
    _threads_changed(_item_thread_ids(item))
    if previous != status:
        event_emit(
            brand=item.brand,
            kind="feedback_item.changed",
            data=lambda: events.feedback_item_changed(
                item, change="status_changed", previous_status=previous
            ),
        )
        if status == Status.SHIPPED:
            _on_commit(tasks.close_feedback_loop, item.pk)
    return item


@transaction.atomic
def feedback_status_set(
    *,
    actor: User,
    item: FeedbackItem,
    status: str,
    message: str = "",
    shipped_in: str = "",
    reason: str = "",
) -> FeedbackItem:
    """Move the item along new → under review → let's do it → in progress → shipped, or
    decline it with a reason (any step may be taken back). Shipping closes the loop: once
    committed, everyone affected is told, once per person per item."""
    permissions.check_can_work_on_feedback(actor, item.brand)
    return _apply_status(
        actor=actor,
        item=item,
        status=status,
        message=message,
        shipped_in=shipped_in,
        reason=reason,
        source=FeedbackStatusChange.Source.BOARD,
    )


@transaction.atomic
def feedback_status_set_by_tracker(
    *, item: FeedbackItem, status: str, message: str = "", shipped_in: str = "", reason: str = ""
) -> FeedbackItem:
    """The issue tracker changed the status. Only feedback.services.integrations calls this,
    after it has verified the request's signature with the brand's secret."""
    return _apply_status(
        actor=None,
        item=item,
        status=status,
        message=message,
        shipped_in=shipped_in,
        reason=reason,
        source=FeedbackStatusChange.Source.TRACKER,
    )


# --- Closing the loop ----------------------------------------------------------------------


def opt_out_token(user: User) -> str:
    return signing.dumps(user.pk, salt=OPT_OUT_SALT)


def opt_out_user(token: str) -> User | None:
    try:
        user_id = signing.loads(token, salt=OPT_OUT_SALT)
    except signing.BadSignature:
        return None
    return User.objects.filter(pk=user_id, is_active=True).first()


def feedback_loop_close(*, item_id: int) -> int:
    """Tell everyone affected by a shipped item, in the app and by e-mail (unless they
    opted out), with the team's message. Returns how many were told now.

    A FeedbackLoopClosure row per item and person makes it once per person: a retried
    task, or an item shipped again after being taken back, tells nobody twice. People
    who joined since the last time are told.
    """
    item = (
        FeedbackItem.objects.select_related("brand")
        .filter(pk=item_id, status=Status.SHIPPED, merged_into__isnull=True)
        .first()
    )
    if item is None:
        return 0
    people = selectors.affected_people(item)
    FeedbackLoopClosure.objects.bulk_create(
        [FeedbackLoopClosure(item=item, user_id=p.user_id, thread_id=p.thread_id) for p in people],
        ignore_conflicts=True,
    )
    waiting = list(
        FeedbackLoopClosure.objects.filter(
            item=item, notified_at__isnull=True, user__is_active=True
        )
        .select_related("user", "thread")
        .order_by("pk")
    )
    opted_out = set(
        FeedbackEmailOptOut.objects.filter(user__in=[c.user_id for c in waiting]).values_list(
            "user_id", flat=True
        )
    )
    status = selectors.public_status(item)
    told = 0
    for closure in waiting:
        thread = closure.thread
        notification_deliver(
            recipients=[closure.user],
            kind=Notification.Kind.FEEDBACK_SHIPPED,
            dedupe_key=f"feedback_shipped:{item.pk}",
            actor=None,
            thread=thread,
            message=f"{status.headline}. {item.resolution}".strip()
            if item.resolution
            else status.headline,
            context={
                "brand": item.brand,
                "item": item,
                "headline": status.headline,
                "resolution": item.resolution,
                "settings_url": integrations.absolute(
                    reverse("feedback:email_stop", args=[opt_out_token(closure.user)])
                ),
            },
            email=closure.user_id not in opted_out,
        )
        FeedbackLoopClosure.objects.filter(pk=closure.pk, notified_at__isnull=True).update(
            notified_at=timezone.now()
        )
        told += 1
    return told


@transaction.atomic
def feedback_email_opt_out_set(*, user: User, opted_out: bool) -> bool:
    """Turn loop-closing e-mails off or on again for this person: their LOOP_CLOSING
    consent, which keeps FeedbackEmailOptOut in step (community/consent.py)."""
    from community.consent import Topic, consent_set

    consent_set(user=user, topic=Topic.LOOP_CLOSING, allowed=not opted_out, source="feedback")
    return opted_out


def feedback_emails_opted_out(user: User) -> bool:
    return FeedbackEmailOptOut.objects.filter(user=user).exists()


# --- Comments and mentions -----------------------------------------------------------------


@transaction.atomic
def feedback_comment_add(*, actor: User, item: FeedbackItem, body: str) -> FeedbackComment:
    """An internal comment; each @username of the brand's team is told."""
    permissions.check_can_work_on_feedback(actor, item.brand)
    body = _clean_text(body, field="body", limit=4000, required=True)
    comment = FeedbackComment.objects.create(item=item, author=actor, body=body)
    if mentioned_team(item.brand, body):
        _on_commit(tasks.notify_feedback_mentions, comment.pk)
    return comment


def mentioned_team(brand: Brand, body: str) -> list[User]:
    """The active team members (and staff) named with @username in the text; anyone else
    named is not told, since they cannot open the item."""
    names = sorted({name.rstrip(".").lower() for name in MENTION.findall(body)})[:20]
    if not names:
        return []
    named = Q()
    for name in names:
        named |= Q(username__iexact=name)
    members = Membership.objects.active().for_brand(brand).values("user_id")
    return list(
        User.objects.filter(named, is_active=True)
        .filter(Q(pk__in=members) | Q(is_staff=True))
        .order_by("username")
    )


def feedback_mentions_notify(*, comment_id: int) -> int:
    comment = (
        FeedbackComment.objects.select_related("item__brand", "author")
        .filter(pk=comment_id)
        .first()
    )
    if comment is None:
        return 0
    item = comment.item
    recipients = mentioned_team(item.brand, comment.body)
    author = comment.author.public_name if comment.author else ""
    delivered = notification_deliver(
        recipients=recipients,
        kind=Notification.Kind.FEEDBACK_MENTION,
        dedupe_key=f"feedback_mention:{item.pk}:{comment.pk}",
        actor=comment.author,
        message=_("%(author)s on “%(title)s”: %(body)s")
        % {"author": author, "title": item.title, "body": comment.body[:300]},
        url=item.get_absolute_url() + f"#comment-{comment.pk}",
        context={"item": item, "comment": comment, "brand": item.brand},
    )
    return len(delivered)


# --- Labels --------------------------------------------------------------------------------


@transaction.atomic
def feedback_label_create(
    *, actor: User, brand: Brand, name: str, description: str = ""
) -> FeedbackLabel:
    permissions.check_can_manage_labels(actor, brand)
    name = _clean_text(name, field="name", limit=50, required=True)
    description = _clean_text(description, field="description", limit=200)
    if FeedbackLabel.objects.for_brand(brand).filter(name__iexact=name).exists():
        raise ValidationError({"name": [_("There is already a label with this name.")]})
    label = FeedbackLabel.objects.create(brand=brand, name=name, description=description)
    audit_log_record(actor=actor, action="feedback.label_create", target=label, brand=brand)
    return label


@transaction.atomic
def feedback_label_delete(*, actor: User, label: FeedbackLabel) -> None:
    permissions.check_can_manage_labels(actor, label.brand)
    audit_log_record(actor=actor, action="feedback.label_delete", target=label, brand=label.brand)
    label.delete()


@transaction.atomic
def thread_labels_set(*, actor: User, thread: Thread, labels: Iterable[FeedbackLabel]) -> set[int]:
    """The thread's labels become exactly these (for internal triage; never public)."""
    permissions.check_can_work_on_feedback(actor, thread.brand)
    labels = list(labels)
    if any(label.brand_id != thread.brand_id for label in labels):
        raise ValidationError({"labels": [_("Those labels belong to another brand.")]})
    wanted = {label.pk for label in labels}
    current = set(
        ThreadLabel.objects.filter(thread=thread, label__brand=thread.brand_id).values_list(
            "label_id", flat=True
        )
    )
    ThreadLabel.objects.filter(thread=thread, label_id__in=current - wanted).delete()
    ThreadLabel.objects.bulk_create(
        [ThreadLabel(thread=thread, label_id=pk, added_by=actor) for pk in wanted - current],
        ignore_conflicts=True,
    )
    return wanted
