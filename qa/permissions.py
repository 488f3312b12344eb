"""The Q&A rules, in one place: views, services and commands all call these.

Each `check_*` raises PermissionDenied with a sentence that tells the person why;
each `can_*` is the same rule as a boolean for templates.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from community.permissions import participation_refusal, require_participation
from moderation.permissions import edit_refusal, moderates

from .models import Answer, Thread


def check_can_ask(user: Any) -> None:
    require_participation(user)


def check_can_answer(user: Any, thread: Thread) -> None:
    require_participation(user)
    if thread.visibility != "published":
        raise PermissionDenied(_("This thread is not open for answers while it is under review."))
    if thread.duplicate_of_id:
        raise PermissionDenied(
            _("This thread was closed as a duplicate; answer in the original thread instead.")
        )
    if thread.locked_at:
        raise PermissionDenied(_("A moderator locked this thread: it takes no new answers."))


def check_can_edit_thread(user: Any, thread: Thread) -> None:
    require_participation(user)
    if thread.author_id == user.pk:
        return
    if moderates(user, thread.brand):
        _check_moderator_edit(user, thread.brand, author_id=thread.author_id, official=False)
        return
    raise PermissionDenied(_("Only the person who asked can edit this question."))


def check_can_edit_answer(user: Any, answer: Answer) -> None:
    require_participation(user)
    if answer.author_id == user.pk:
        return
    brand = answer.thread.brand
    if moderates(user, brand):
        _check_moderator_edit(user, brand, author_id=answer.author_id, official=answer.is_official)
        return
    raise PermissionDenied(_("Only the person who wrote this answer can edit it."))


def _check_moderator_edit(user: Any, brand: Any, *, author_id: int, official: bool) -> None:
    reason = edit_refusal(user, brand, author_id=author_id, official=official)
    if reason:
        raise PermissionDenied(reason)


def check_can_vote(user: Any, answer: Answer) -> None:
    require_participation(user)
    if answer.author_id == user.pk:
        raise PermissionDenied(_("You can't vote for your own answer."))


def check_can_me_too(user: Any, thread: Thread) -> None:
    require_participation(user)
    if thread.author_id == user.pk:
        raise PermissionDenied(
            _("You started this thread, so you already follow it; me too is for others.")
        )


def check_can_accept(user: Any, answer: Answer) -> None:
    require_participation(user)
    thread = answer.thread
    if thread.author_id == user.pk or moderates(user, thread.brand):
        return
    raise PermissionDenied(_("Only the person who asked can accept an answer."))


def can_ask(user: Any) -> bool:
    return participation_refusal(user) is None


def _allowed(check, *args: Any) -> bool:
    try:
        check(*args)
    except PermissionDenied:
        return False
    return True


def can_edit_thread(user: Any, thread: Thread) -> bool:
    return _allowed(check_can_edit_thread, user, thread)


def can_edit_answer(user: Any, answer: Answer) -> bool:
    return _allowed(check_can_edit_answer, user, answer)


def can_vote(user: Any, answer: Answer) -> bool:
    return _allowed(check_can_vote, user, answer)


def can_accept(user: Any, answer: Answer) -> bool:
    return _allowed(check_can_accept, user, answer)


def can_me_too(user: Any, thread: Thread) -> bool:
    return _allowed(check_can_me_too, user, thread)


def can_flag(user: Any, post: Thread | Answer) -> bool:
    """Anyone who may take part may flag someone else's post (the flag form says the rest)."""
    return can_ask(user) and post.author_id != user.pk


def answer_refusal(user: Any, thread: Thread) -> str:
    """Why this person can't answer in this thread, in words; empty if they can."""
    try:
        check_can_answer(user, thread)
    except PermissionDenied as refusal:
        return str(refusal)
    return ""
