"""Threads owned by the brand: take, release, hand over; the version a thread is about;
the reps' private hand-over notes on a customer.

Ownership is laid over the customer's thread: the thread keeps its author, text and
place. Each change is recorded as an OwnershipEvent (for the customer card) and in the
audit log, in the same transaction.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from brands import permissions, tasks
from community import page_cache
from integrations import events
from integrations.services import event_emit
from moderation.services import audit_log_record
from outbox.services import message_send
from qa.models import Thread

from ..models import (
    Brand,
    CustomerNote,
    Membership,
    OwnershipEvent,
    ProductVersion,
    ThreadOwnership,
)

MAX_NOTE = 2000


def _locked_ownership(thread: Thread) -> ThreadOwnership | None:
    """The thread's current ownership, locked; a row left behind by a move is dropped."""
    Thread.objects.select_for_update().filter(pk=thread.pk).first()  # one change at a time
    ownership = (
        ThreadOwnership.objects.select_for_update()
        .select_related("owner")
        .filter(thread_id=thread.pk)
        .first()
    )
    if ownership is not None and ownership.brand_id != thread.brand_id:
        ownership.delete()
        return None
    return ownership


@transaction.atomic
def thread_take(*, actor: Any, thread: Thread) -> ThreadOwnership:
    """A rep takes a customer's thread officially: "Official: <brand> is on it"."""
    permissions.check_can_take(actor, thread)
    ownership = _locked_ownership(thread)
    if ownership is not None:
        permissions.check_can_take_owned(actor, ownership)
        return ownership  # already theirs: nothing changes
    ownership = ThreadOwnership.objects.create(
        thread=thread, brand_id=thread.brand_id, owner=actor, taken_at=timezone.now()
    )
    OwnershipEvent.objects.create(
        thread=thread, brand_id=thread.brand_id, action=OwnershipEvent.Action.TAKE,
        actor=actor, owner=actor,
    )  # fmt: skip
    audit_log_record(actor=actor, action="thread.take", target=thread, brand=thread.brand)
    page_cache.thread_changed(thread.pk)
    event_emit(
        brand=thread.brand,
        kind="thread.taken",
        data=lambda: events.thread_taken(thread, owner=actor),
    )
    return ownership


def _release(*, ownership: ThreadOwnership, actor: Any, reason: str) -> None:
    thread_id, brand_id, owner = ownership.thread_id, ownership.brand_id, ownership.owner
    ownership.delete()
    OwnershipEvent.objects.create(
        thread_id=thread_id, brand_id=brand_id, action=OwnershipEvent.Action.RELEASE,
        actor=actor, owner=owner, previous_owner=owner,
    )  # fmt: skip
    audit_log_record(
        actor=actor,
        action="thread.release",
        target=Thread.objects.get(pk=thread_id),
        brand=Brand.objects.get(pk=brand_id),
        reason=reason,
        data={"owner": owner.pk},
    )
    page_cache.thread_changed(thread_id)


@transaction.atomic
def thread_release(*, actor: Any, thread: Thread, reason: str = "") -> None:
    """The owner, a brand admin or staff let the thread go back to the inbox. Releasing a
    thread nobody owns changes nothing."""
    ownership = _locked_ownership(thread)
    permissions.check_can_release(actor, thread, ownership)
    if ownership is None:
        return
    _release(ownership=ownership, actor=actor, reason=(reason or "").strip())


@transaction.atomic
def thread_hand_over(*, actor: Any, thread: Thread, to: Any) -> ThreadOwnership:
    """Give an owned thread to another rep or admin of the same brand."""
    ownership = _locked_ownership(thread)
    permissions.check_can_release(actor, thread, ownership)
    if ownership is None:
        raise ValidationError({"to": [_("Nobody owns this thread yet: take it first.")]})
    speaks = (
        Membership.objects.active()
        .speaking()
        .filter(brand_id=thread.brand_id, user=to, user__is_active=True)
        .exists()
    )
    if not speaks:
        raise ValidationError(
            {
                "to": [
                    _("%(name)s is not a rep or admin of %(brand)s.")
                    % {"name": to.public_name, "brand": thread.brand.name}
                ]
            }
        )
    previous = ownership.owner
    if previous.pk == to.pk:
        return ownership
    ownership.owner = to
    ownership.taken_at = timezone.now()
    ownership.save(update_fields=["owner", "taken_at"])
    event = OwnershipEvent.objects.create(
        thread=thread, brand_id=thread.brand_id, action=OwnershipEvent.Action.HAND_OVER,
        actor=actor, owner=to, previous_owner=previous,
    )  # fmt: skip
    audit_log_record(
        actor=actor,
        action="thread.hand_over",
        target=thread,
        brand=thread.brand,
        data={"from": previous.pk, "to": to.pk},
    )
    page_cache.thread_changed(thread.pk)
    message_send(tasks.notify_thread_handed_over, event.pk)
    event_emit(
        brand=thread.brand,
        kind="thread.handed_over",
        data=lambda: events.thread_handed_over(thread, owner=to, previous_owner=previous, by=actor),
    )
    return ownership


def release_all_owned_by(*, user: Any, brand: Brand, actor: Any, reason: str) -> int:
    """Someone no longer speaks for the brand: their threads go back to the inbox. Called
    by the team services inside their transaction."""
    owned = list(
        ThreadOwnership.objects.select_for_update()
        .filter(brand=brand, owner=user)
        .select_related("owner")
    )
    for ownership in owned:
        _release(ownership=ownership, actor=actor, reason=reason)
    return len(owned)


@transaction.atomic
def thread_version_set(*, actor: Any, thread: Thread, version: ProductVersion | None) -> Thread:
    """Say which release of the thread's product the thread is about (or none)."""
    permissions.check_can_set_thread_version(actor, thread)
    if version is not None and (not thread.product_id or version.product_id != thread.product_id):
        raise ValidationError(
            {"version": [_("Choose a release of the product this thread is about.")]}
        )
    before = thread.version_id
    new = version.pk if version else None
    if before == new:
        return thread
    Thread.objects.filter(pk=thread.pk).update(version=version)
    thread.version = version
    audit_log_record(
        actor=actor,
        action="thread.set_version",
        target=thread,
        brand=thread.brand,
        data={"before": before, "after": new},
    )
    page_cache.thread_changed(thread.pk)
    return thread


@transaction.atomic
def customer_note_add(
    *, actor: Any, brand: Brand, customer: Any, body: str, thread: Thread | None = None
) -> CustomerNote:
    """A private hand-over note on a customer, for the brand's team only."""
    permissions.check_can_write_customer_note(actor, brand)
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": [_("Write the note first.")]})
    if len(body) > MAX_NOTE:
        raise ValidationError(
            {
                "body": [
                    _("Keep the note to %(limit)d characters; this is %(length)d.")
                    % {"limit": MAX_NOTE, "length": len(body)}
                ]
            }
        )
    if thread is not None and thread.brand_id != brand.pk:
        raise ValidationError({"body": [_("That thread belongs to another brand.")]})
    note = CustomerNote.objects.create(
        brand=brand, customer=customer, author=actor, body=body, thread=thread
    )
    # The note's text stays out of the log: the log is read by staff, the note is the team's.
    audit_log_record(
        actor=actor,
        action="customer_note.add",
        target=note,
        brand=brand,
        data={"customer": customer.pk},
    )
    return note
