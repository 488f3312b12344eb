"""Moderation at volume: one decision on many posts from the review queue.

Each post still goes through its own action (services/actions.py): its own audit entry,
its author's notice, and for a removal its author's one appeal. The batch is one
transaction: every post is checked first, and if the moderator may not act on any one of
them (a brand they work for, a brand they do not moderate) nothing is done and the refusal
names that post; a post decided meanwhile by someone else rolls the whole batch back too,
with the message naming who did what.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from qa.models import Answer, Thread

from .. import permissions
from ..models import AuditLogEntry
from .actions import (
    AlreadyDecided,
    _brand_of,
    post_delete,
    post_dismiss_flags,
    post_hide,
    post_restore,
)
from .holds import post_approve_held

Post = Thread | Answer

BATCH_ACTIONS = {
    "dismiss": post_dismiss_flags,
    "hide": post_hide,
    "restore": post_restore,
    "delete": post_delete,
    "approve": post_approve_held,
}
MAX_BATCH = 100


def _named(post: Post) -> str:
    thread = post if isinstance(post, Thread) else post.thread
    if isinstance(post, Thread):
        return _("the thread “%(title)s”") % {"title": thread.title}
    return _("an answer in “%(title)s”") % {"title": thread.title}


@transaction.atomic
def posts_act_in_batch(
    *,
    actor: Any,
    action: str,
    reason: str,
    posts: Sequence[tuple[Post, Collection[int] | None]],
) -> list[AuditLogEntry]:
    """Apply `action` (approve a held post, dismiss, hide, restore, delete) to each post
    with the open flags the queue showed for it; all or nothing."""
    if action not in BATCH_ACTIONS:
        raise ValidationError({"action": [_("Choose approve, dismiss, hide, restore or delete.")]})
    if not posts:
        raise ValidationError({"posts": [_("Select at least one post.")]})
    if len(posts) > MAX_BATCH:
        raise ValidationError(
            {"posts": [_("Select at most %(max)d posts at once.") % {"max": MAX_BATCH}]}
        )
    permissions.check_can_moderate_each(
        actor, ((_named(post), _brand_of(post)) for post, _flags in posts)
    )
    entries = []
    act = BATCH_ACTIONS[action]
    for post, flags in posts:
        try:
            entries.append(act(actor=actor, post=post, reason=reason, flags=flags))
        except AlreadyDecided as decided:
            raise ValidationError(
                _("Nothing was done: %(post)s: %(message)s")
                % {"post": _named(post), "message": decided.message}
            ) from None
        except ValidationError as error:
            if hasattr(error, "error_dict") and "reason" in error.error_dict:
                raise
            raise ValidationError(
                _("Nothing was done: %(post)s: %(message)s")
                % {"post": _named(post), "message": " ".join(error.messages)}
            ) from None
    return entries
