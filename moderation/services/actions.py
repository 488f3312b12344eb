"""Moderator actions on posts: dismiss, hide, restore, delete, lock, close as duplicate,
move. (Editing uses the Q&A edit services, which allow neutral moderators.)

Each action: checks that the actor moderates the post's brand neutrally, requires a
reason, changes the post and the counters that depend on its visibility in one
transaction, resolves the open flags, writes the audit log and tells the author after
commit. Hidden and deleted posts vanish from pages, lists and counts at once.

A decision is made once. Every action locks the post's row first, so two moderators
deciding one post take turns, and the second then sees what the first did:
- the moderation form carries the open flags it showed (`flags`); if any of them has been
  decided since, the action is refused with AlreadyDecided (who, what, when): nothing is
  written, nobody is told. So a delete sent from the queue at the same moment as a hide
  of the same flags is refused, and never silently undone or done twice;
- an action that would change nothing — hide a hidden post, delete a deleted one,
  restore a published one, lock a locked thread, unlock an unlocked one — while the post
  has no open flag to decide is refused the same way, naming the moderator action that
  made it so (the same action twice writes one audit entry and tells the author once);
- a different action taken later on a fresh form (one showing the post as it is now, so
  with no flags or only new ones) is a deliberate decision of its own and goes ahead:
  a moderator who opens a hidden post and deletes it deletes it.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, F, Value, When
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from brands.models import Brand, Product
from outbox.services import message_send
from qa.models import Answer, MeToo, Thread, ThreadSubscription, Visibility

from .. import permissions
from ..models import AuditLogEntry, Flag
from .audit import audit_log_record

Post = Thread | Answer

# What a moderator did, as the refusal of a second decision names it.
DECISIONS = {
    "dismiss": gettext_lazy("dismissed the flags"),
    "hide": gettext_lazy("hid the post"),
    "auto_hide": gettext_lazy("hid the post after flags"),
    "restore": gettext_lazy("restored the post"),
    "delete": gettext_lazy("deleted the post"),
    "lock": gettext_lazy("locked the thread"),
    "unlock": gettext_lazy("unlocked the thread"),
    "close_duplicate": gettext_lazy("closed the thread as a duplicate"),
    "move": gettext_lazy("moved the thread"),
    "edit": gettext_lazy("edited the post"),
    "approve": gettext_lazy("approved the post"),
}


# The actions that leave a post as each action would (for naming who did it first).
_MADE_SO_BY = {
    "hide": ("hide", "auto_hide"),
    "restore": ("restore", "dismiss", "appeal_reversed"),
}


class AlreadyDecided(Exception):
    """Someone else decided this (these flags, or the post's state) first: nothing was
    written and nobody was told. The message names who, what and when."""

    def __init__(self, *, decided_by: Any, verb: str, decided_at: Any) -> None:
        self.decided_by, self.verb, self.decided_at = decided_by, verb, decided_at
        super().__init__(self.message)

    @property
    def message(self) -> str:
        who = decided_by.public_name if (decided_by := self.decided_by) else _("The system")
        what = DECISIONS.get(self.verb, _("decided it"))
        when = formats.date_format(timezone.localtime(self.decided_at), "DATETIME_FORMAT")
        return _(
            "Already decided: %(who)s %(what)s on %(when)s. Your decision was not applied "
            "and the author was not told again."
        ) % {"who": who, "what": what, "when": when}


def _brand_of(post: Post) -> Brand:
    return post.brand if isinstance(post, Thread) else post.thread.brand


def _kind(post: Post) -> str:
    return "thread" if isinstance(post, Thread) else "answer"


def _require_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Say why: the author and the audit log see it.")]})
    if len(reason) > 1000:
        raise ValidationError({"reason": [_("Keep the reason under 1,000 characters.")]})
    return reason


def _flags_of(post: Post):
    return Flag.objects.open().filter(**{_kind(post): post})


def _resolve_flags(post: Post, *, actor: Any, resolution: str) -> int:
    return _flags_of(post).update(
        resolved_at=timezone.now(), resolved_by=actor, resolution=resolution
    )


def _notify_author(entry: AuditLogEntry) -> None:
    from ..tasks import notify_moderation_action

    message_send(notify_moderation_action, entry.pk)


def _reindex(thread_id: int) -> None:
    """Pages and search must never show what moderation removed: refresh both."""
    from community import page_cache

    page_cache.thread_changed(thread_id)
    from search.services import thread_changed

    thread_changed(thread_id)


def thread_status_refresh(thread: Thread) -> None:
    """Solved only while the accepted answer is visible; answered while any answer is."""
    accepted_visible = (
        thread.accepted_answer_id is not None
        and Answer.objects.filter(
            pk=thread.accepted_answer_id, visibility=Visibility.PUBLISHED
        ).exists()
    )
    if accepted_visible:
        status = Thread.Status.SOLVED
    elif Answer.objects.filter(thread=thread, visibility=Visibility.PUBLISHED).exists():
        status = Thread.Status.ANSWERED
    else:
        status = Thread.Status.OPEN
    Thread.objects.filter(pk=thread.pk).update(status=status)
    thread.status = status
    _reindex(thread.pk)  # the status shows on the thread's page and in its brand's list


def _set_visibility(post: Post, visibility: str) -> str:
    """Change visibility and keep the counts that only count published posts exact."""
    model = type(post)
    locked = model.objects.select_for_update().get(pk=post.pk)
    before = locked.visibility
    if before == visibility:
        return before
    model.objects.filter(pk=post.pk).update(visibility=visibility)
    post.visibility = visibility
    was_listed = before == Visibility.PUBLISHED
    now_listed = visibility == Visibility.PUBLISHED
    if was_listed != now_listed:
        delta = 1 if now_listed else -1
        if isinstance(post, Thread):
            if post.duplicate_of_id is None:
                Brand.objects.filter(pk=post.brand_id).update(
                    thread_count=F("thread_count") + delta
                )
        else:
            Thread.objects.filter(pk=post.thread_id).update(answer_count=F("answer_count") + delta)
            thread_status_refresh(Thread.objects.get(pk=post.thread_id))
    _reindex(post.pk if isinstance(post, Thread) else post.thread_id)
    return before


def _last_decision(post: Post, **filters: Any) -> AuditLogEntry | None:
    return (
        AuditLogEntry.objects.for_object(post)
        .filter(action__startswith=f"{_kind(post)}.", **filters)
        .select_related("actor")
        .order_by("-created_at", "-id")
        .first()
    )


def _refusal(entry: AuditLogEntry | None, *, actor: Any, verb: str, at: Any) -> AlreadyDecided:
    if entry is not None:
        actor, verb, at = entry.actor, entry.action.split(".", 1)[1], entry.created_at
    return AlreadyDecided(decided_by=actor, verb=verb, decided_at=at)


def _check_not_decided(
    post: Post, *, action: str, visibility: str | None, flags: Collection[int] | None
) -> None:
    """Lock the post (every decision on it takes its turn here) and the flags the form
    showed; refuse if those flags, or the state asked for, were decided meanwhile."""
    locked = type(post).objects.select_for_update().get(pk=post.pk)
    if flags is not None:
        mine = Flag.objects.filter(pk__in=list(flags), **{_kind(post): post})
        list(mine.select_for_update().order_by("pk").values_list("pk", flat=True))
        decided = (
            mine.exclude(resolved_at=None)
            .select_related("resolved_by")
            .order_by("resolved_at", "pk")
            .first()
        )
        if decided is not None:
            entry = _last_decision(
                post, actor=decided.resolved_by, created_at__gte=decided.resolved_at
            )
            verb = "dismiss" if decided.resolution == Flag.Resolution.DISMISSED else ""
            raise _refusal(entry, actor=decided.resolved_by, verb=verb, at=decided.resolved_at)
    if action in ("hide", "restore", "delete"):
        unchanged = locked.visibility == visibility
    elif action in ("lock", "unlock"):
        unchanged = (locked.locked_at is not None) == (action == "lock")
    elif action == "close_duplicate":
        unchanged = locked.duplicate_of_id is not None
    else:
        unchanged = False
    if unchanged and not _flags_of(post).exists():
        verbs = _MADE_SO_BY.get(action, (action,))
        entry = _last_decision(post, action__in=[f"{_kind(post)}.{verb}" for verb in verbs])
        if entry is None:
            raise ValidationError({"action": [_("Nothing to change: the post is already so.")]})
        raise _refusal(entry, actor=None, verb="", at=None)


def _act(
    *,
    actor: Any,
    post: Post,
    action: str,
    reason: str,
    visibility: str | None = None,
    resolution: str = Flag.Resolution.ACTED,
    data: dict | None = None,
    flags: Collection[int] | None = None,
    notify: bool = True,
) -> AuditLogEntry:
    permissions.check_can_moderate(actor, _brand_of(post))
    reason = _require_reason(reason)
    _check_not_decided(post, action=action, visibility=visibility, flags=flags)
    details = dict(data or {})
    if visibility is not None:
        details["visibility_before"] = _set_visibility(post, visibility)
        details["visibility"] = visibility
    details["flags_resolved"] = _resolve_flags(post, actor=actor, resolution=resolution)
    entry = audit_log_record(
        actor=actor,
        action=f"{_kind(post)}.{action}",
        target=post,
        brand=_brand_of(post),
        reason=reason,
        data=details,
    )
    if notify:  # a ban that removes every post tells the member once (sanctions.py)
        _notify_author(entry)
    return entry


@transaction.atomic
def post_dismiss_flags(
    *, actor: Any, post: Post, reason: str, flags: Collection[int] | None = None
) -> AuditLogEntry:
    """The flags were wrong: close them, and show the post again if flags hid it.

    `flags` (here and in every action): the open flags the moderator was shown; a decision
    on flags someone decided meanwhile raises AlreadyDecided (see the module's docstring).
    A post held for review is approved (holds.post_approve_held), not dismissed: approval
    also counts it and tells its thread's followers.
    """
    from .holds import is_held

    if is_held(post):
        raise ValidationError(
            {"action": [_("This post is waiting for review: approve it, or hide or delete it.")]}
        )
    visibility = Visibility.PUBLISHED if post.visibility == Visibility.HIDDEN else None
    return _act(
        actor=actor,
        post=post,
        action="dismiss",
        reason=reason,
        visibility=visibility,
        resolution=Flag.Resolution.DISMISSED,
        flags=flags,
    )


@transaction.atomic
def post_hide(
    *, actor: Any, post: Post, reason: str, flags: Collection[int] | None = None
) -> AuditLogEntry:
    """Hide pending review: gone for everyone but its author, who sees why."""
    return _act(
        actor=actor,
        post=post,
        action="hide",
        reason=reason,
        visibility=Visibility.HIDDEN,
        flags=flags,
    )


@transaction.atomic
def post_restore(
    *, actor: Any, post: Post, reason: str, flags: Collection[int] | None = None
) -> AuditLogEntry:
    return _act(
        actor=actor,
        post=post,
        action="restore",
        reason=reason,
        visibility=Visibility.PUBLISHED,
        flags=flags,
    )


@transaction.atomic
def post_delete(
    *, actor: Any, post: Post, reason: str, flags: Collection[int] | None = None
) -> AuditLogEntry:
    """Soft delete: the content stays in the database for the audit and an appeal."""
    return _act(
        actor=actor,
        post=post,
        action="delete",
        reason=reason,
        visibility=Visibility.DELETED,
        flags=flags,
    )


@transaction.atomic
def thread_lock(
    *, actor: Any, thread: Thread, reason: str, flags: Collection[int] | None = None
) -> AuditLogEntry:
    entry = _act(actor=actor, post=thread, action="lock", reason=reason, flags=flags)
    Thread.objects.filter(pk=thread.pk).update(locked_at=timezone.now())
    _reindex(thread.pk)
    return entry


@transaction.atomic
def thread_unlock(
    *, actor: Any, thread: Thread, reason: str, flags: Collection[int] | None = None
) -> AuditLogEntry:
    entry = _act(actor=actor, post=thread, action="unlock", reason=reason, flags=flags)
    Thread.objects.filter(pk=thread.pk).update(locked_at=None)
    _reindex(thread.pk)
    return entry


@transaction.atomic
def thread_close_as_duplicate(
    *,
    actor: Any,
    thread: Thread,
    original: Thread,
    reason: str,
    flags: Collection[int] | None = None,
) -> AuditLogEntry:
    """Close a thread as a duplicate: its me-toos and subscribers carry over to the original,
    it leaves the lists, and visitors are redirected to the original."""
    if original.pk == thread.pk:
        raise ValidationError({"original": [_("A thread can't be a duplicate of itself.")]})
    if original.duplicate_of_id or original.visibility != Visibility.PUBLISHED:
        raise ValidationError(
            {"original": [_("Choose an original thread that is itself open and visible.")]}
        )
    if original.brand_id != thread.brand_id:
        raise ValidationError(
            {"original": [_("The original must be in the same brand; move the thread first.")]}
        )
    entry = _act(
        actor=actor,
        post=thread,
        action="close_duplicate",
        reason=reason,
        data={"original": original.pk},
        flags=flags,
    )
    # Carry over me-toos and subscriptions, skipping people the original already has.
    already = set(MeToo.objects.filter(thread=original).values_list("user_id", flat=True))
    already.add(original.author_id)
    MeToo.objects.filter(thread=thread).exclude(user_id__in=already).update(thread=original)
    MeToo.objects.filter(thread=thread).delete()
    following = set(
        ThreadSubscription.objects.filter(thread=original).values_list("user_id", flat=True)
    )
    ThreadSubscription.objects.filter(thread=thread).exclude(user_id__in=following).update(
        thread=original
    )
    Thread.objects.filter(pk=original.pk).update(
        me_too_count=MeToo.objects.filter(thread=original).count()
    )
    Thread.objects.filter(pk=thread.pk).update(duplicate_of=original, me_too_count=0)
    if thread.visibility == Visibility.PUBLISHED:
        Brand.objects.filter(pk=thread.brand_id).update(thread_count=F("thread_count") - 1)
    thread.duplicate_of = original
    _reindex(thread.pk)
    _reindex(original.pk)
    return entry


@transaction.atomic
def thread_move(
    *,
    actor: Any,
    thread: Thread,
    brand: Brand,
    product: Product | None,
    reason: str,
    flags: Collection[int] | None = None,
) -> AuditLogEntry:
    """Move a thread to another brand or product. The moderator must be neutral towards
    both brands."""
    if product is not None and product.brand_id != brand.pk:
        raise ValidationError({"product": [_("That product belongs to another brand.")]})
    permissions.check_can_moderate(actor, brand)
    before = {"brand": thread.brand_id, "product": thread.product_id}
    if before == {"brand": brand.pk, "product": product.pk if product else None}:
        raise ValidationError({"brand": [_("The thread is already there.")]})
    entry = _act(
        actor=actor,
        post=thread,
        action="move",
        reason=reason,
        resolution=Flag.Resolution.ACTED,
        data={
            "from": before,
            "to": {"brand": brand.pk, "product": product.pk if product else None},
        },
        flags=flags,
    )
    counted = thread.visibility == Visibility.PUBLISHED and thread.duplicate_of_id is None
    if brand.pk != thread.brand_id and counted:
        Brand.objects.filter(pk=thread.brand_id).update(thread_count=F("thread_count") - 1)
        Brand.objects.filter(pk=brand.pk).update(thread_count=F("thread_count") + 1)
    Thread.objects.filter(pk=thread.pk).update(brand=brand, product=product, version=None)
    # Answers keep the brand their author spoke for (the badge names it), but only the new
    # brand's own official answers count as its official response from now on.
    Answer.objects.filter(thread=thread).update(
        is_official=Case(When(official_for=brand, then=Value(True)), default=Value(False))
    )
    Flag.objects.filter(thread=thread).update(brand=brand)
    Flag.objects.filter(answer__thread=thread).update(brand=brand)
    thread.brand, thread.product, thread.version = brand, product, None
    from community import page_cache

    page_cache.brand_list_changed(before["brand"])  # the old brand's lists lose it
    _reindex(thread.pk)
    return entry
