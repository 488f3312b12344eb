"""The first-post hold: a brand may ask that new members' posts wait for a moderator.

While a member has fewer published posts (anywhere on Sodan) than the brand's number, a
thread or answer they write in that brand is held: hidden (so not public, not in search,
not in the cached page, not counted, nobody notified), shown to its author as waiting for
review, and put in the review queue with a system flag (`Flag.Reason.HELD`). A neutral
moderator approves it (it is published as a new post would be: counted, indexed, listed,
its followers notified) or rejects it (`post_hide` or `post_delete`: hidden with a notice,
which the author may appeal). The brand's own people, moderators and staff are never held.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from brands.models import Brand
from brands.permissions import brand_roles
from community import memo
from outbox.services import message_send
from qa.models import Answer, Thread, ThreadSubscription, Visibility

from .. import permissions
from ..models import AuditLogEntry, FirstPostHold, Flag
from .actions import _act, _brand_of, _kind
from .audit import audit_log_record

Post = Thread | Answer
HOLD = "moderation.first_post_hold"
MAX_HELD_POSTS = 20


def first_post_hold_of(brand: Brand) -> int:
    """The brand's number (0: no hold); one query per brand object."""

    def load() -> int:
        found = FirstPostHold.objects.filter(brand_id=brand.pk).values_list("posts", flat=True)
        return found.first() or 0

    return memo.recall(brand, HOLD, load)


def _must_wait(post: Post, brand: Brand) -> bool:
    author = post.author
    needed = first_post_hold_of(brand)
    if not needed or author.is_staff or permissions.is_moderator(author):
        return False
    if brand_roles(author, brand):
        return False
    threads = Thread.objects.filter(author=author, visibility=Visibility.PUBLISHED)
    answers = Answer.objects.filter(author=author, visibility=Visibility.PUBLISHED)
    # The new post itself was just saved as published: it does not count.
    if isinstance(post, Thread):
        threads = threads.exclude(pk=post.pk)
    else:
        answers = answers.exclude(pk=post.pk)
    return threads.count() + answers.count() < needed


def first_post_hold(*, post: Post) -> bool:
    """Called by the Q&A services right after a new post is saved, before it is counted,
    indexed or announced: hold it if its brand asks for it. True if it is held (the caller
    then stops there). The crisis scan still runs: a fire reported in a held post is seen."""
    brand = _brand_of(post)
    if not _must_wait(post, brand):
        return False
    type(post).objects.filter(pk=post.pk).update(visibility=Visibility.HIDDEN)
    post.visibility = Visibility.HIDDEN
    Flag.objects.create(
        **{_kind(post): post},
        brand=brand,
        flagger=None,
        reason=Flag.Reason.HELD,
        note=_("First posts of new members are reviewed before they are public."),
    )
    audit_log_record(actor=None, action=f"{_kind(post)}.hold", target=post, brand=brand)
    from .keywords import crisis_scan

    crisis_scan(post=post)
    return True


def is_held(post: Post) -> bool:
    """Waiting for review after the first-post hold (one query; only asked of posts that
    are not published)."""
    if post.visibility != Visibility.HIDDEN:
        return False
    return Flag.objects.open().filter(**{_kind(post): post}, reason=Flag.Reason.HELD).exists()


@transaction.atomic
def post_approve_held(
    *, actor: Any, post: Post, reason: str = "", flags: Collection[int] | None = None
) -> AuditLogEntry:
    """Publish a held post as if it had just been posted: counted, listed, indexed, its
    thread's followers told of a new answer, the brand's tools sent the event."""
    from community import page_cache
    from community import tasks as community_tasks
    from integrations import events
    from integrations.services import event_emit
    from search import services as search_services

    permissions.check_can_moderate(actor, _brand_of(post))
    type(post).objects.select_for_update().get(pk=post.pk)
    if not is_held(post):
        raise ValidationError(_("This post is not waiting for review."))
    entry = _act(
        actor=actor,
        post=post,
        action="approve",
        reason=reason or _("Approved: welcome to the community."),
        visibility=Visibility.PUBLISHED,
        flags=flags,
    )
    if isinstance(post, Thread):
        page_cache.brand_list_changed(post.brand_id)
        search_services.thread_changed(post.pk)
        event_emit(
            brand=post.brand, kind="thread.created", data=lambda: events.thread_created(post)
        )
    else:
        Thread.objects.filter(pk=post.thread_id).update(last_activity_at=timezone.now())
        ThreadSubscription.objects.get_or_create(
            thread_id=post.thread_id,
            user_id=post.author_id,
            defaults={"reason": ThreadSubscription.Reason.ANSWERED},
        )
        message_send(community_tasks.notify_answer_posted, post.pk)
        event_emit(
            brand=post.thread.brand,
            kind="answer.posted",
            data=lambda: events.answer_posted(post),
        )
    return entry


@transaction.atomic
def first_post_hold_set(*, actor: Any, brand: Brand, posts: int) -> FirstPostHold:
    """A brand's admins (or staff) choose how many first posts wait for review."""
    permissions.check_can_set_first_post_hold(actor, brand)
    if not 0 <= int(posts) <= MAX_HELD_POSTS:
        raise ValidationError(
            {"posts": [_("Choose 0 to %(max)d posts.") % {"max": MAX_HELD_POSTS}]}
        )
    hold, _created = FirstPostHold.objects.update_or_create(
        brand=brand, defaults={"posts": int(posts), "set_by": actor}
    )
    memo.forget(brand, HOLD)
    audit_log_record(
        actor=actor, action="brand.first_post_hold", target=brand, data={"posts": int(posts)}
    )
    return hold
