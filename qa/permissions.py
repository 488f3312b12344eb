"""The Q&A rules, in one place: views, services and commands all call these.

Each `check_*` raises PermissionDenied with a sentence that tells the person why;
each `can_*` is the same rule as a boolean for templates.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _  # `can_*` never needs the sentence

from community.permissions import allowed as _allowed
from community.permissions import participation_refusal, require_participation
from moderation.permissions import check_can_flag, edit_refusal, moderates
from reputation.permissions import SUGGESTS_EDITS, level_in

from .models import Answer, SuggestedEdit, Thread


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


def check_can_suggest_edit(user: Any, answer: Answer) -> None:
    """Standing in this brand lets a member offer a better text for someone else's answer;
    the author (or a neutral moderator) decides. Levels are per brand: expertise is."""
    require_participation(user)
    if answer.author_id == user.pk:
        raise PermissionDenied(_("This is your own answer: edit it instead."))
    thread = answer.thread
    if answer.visibility != "published" or thread.visibility != "published":
        raise PermissionDenied(_("This answer is not open for suggestions while it is hidden."))
    if thread.locked_at or thread.duplicate_of_id:
        raise PermissionDenied(_("This thread is closed: it takes no suggested edits."))
    level = level_in(user, thread.brand)
    if level < SUGGESTS_EDITS:
        raise PermissionDenied(
            _(
                "Suggesting edits opens at level %(needed)s in %(brand)s; you are at level "
                "%(level)s."
            )
            % {"needed": SUGGESTS_EDITS, "brand": thread.brand.name, "level": level}
        )


def check_can_decide_suggestion(user: Any, suggestion: SuggestedEdit) -> None:
    """The answer's author decides what their answer says; a neutral moderator of the brand
    may too. Brand reps never do by being reps (neutrality: moderation.permissions)."""
    require_participation(user)
    answer = suggestion.answer
    if answer.author_id == user.pk or moderates(user, answer.thread.brand):
        return
    raise PermissionDenied(
        _("Only the answer's author or a neutral moderator can decide on suggested edits.")
    )


def check_can_see_suggestions(user: Any) -> None:
    """An answer's waiting suggestions are shown to those who decide and, each their own,
    to those who suggested them: nobody anonymous."""
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied(_("Log in to see the edits you suggested."))


def can_suggest_edit(user: Any, answer: Answer) -> bool:
    return _allowed(check_can_suggest_edit, user, answer)


def can_decide_suggestion(user: Any, suggestion: SuggestedEdit) -> bool:
    return _allowed(check_can_decide_suggestion, user, suggestion)


def can_ask(user: Any) -> bool:
    return participation_refusal(user) is None


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
    """Whether to offer the flag link: moderation's rule (the flag form says the rest)."""
    return _allowed(check_can_flag, user, post)


def answer_refusal(user: Any, thread: Thread) -> str:
    """Why this person can't answer in this thread, in words; empty if they can."""
    try:
        check_can_answer(user, thread)
    except PermissionDenied as refusal:
        return str(refusal)
    return ""


# --- Access: fetch what the viewer may reach, or refuse --------------------------------------
# In Zulip's manner (`access_stream_by_id`): a view asks for "thread 12 as this person may
# see it" and gets the thread, a 404, or a 403 with the reason; no view grows its own copy.


def access_thread(
    viewer: Any,
    pk: int,
    *,
    for_edit: bool = False,
    threads: QuerySet[Thread] | None = None,
    load: Callable[[Any, int], Thread | None] | None = None,
) -> Thread:
    """The thread as `viewer` may see it: 404 when there is none, or when it is hidden or
    deleted and not their own (a hidden thread does not admit that it exists); with
    `for_edit`, 403 with the reason unless they may edit it.

    `threads` chooses what is loaded with it (select_related, annotations) and may narrow
    it further; the visibility rule is applied here. Or `load(viewer, pk)` loads it (a
    query compiled once: qa.views._page_thread), building it on `visible_to(viewer)`, the
    same rule, itself; None is a 404. A viewer's brand role loaded with the thread
    (brands.selectors.threads_with_ownership) is handed to the checks."""
    if load is not None:
        thread = load(viewer, pk)
        if thread is None:
            raise Http404(f"No {Thread._meta.object_name} matches the given query.")
    else:
        if threads is None:
            threads = Thread.objects.select_related("brand")
        thread = get_object_or_404(threads.visible_to(viewer), pk=pk)
    if hasattr(thread, "viewer_brand_role"):
        from brands.selectors import remember_viewer_role

        remember_viewer_role(viewer, thread)
    if for_edit:
        check_can_edit_thread(viewer, thread)
    return thread


def access_answer(
    viewer: Any,
    pk: int,
    *,
    for_edit: bool = False,
    answers: QuerySet[Answer] | None = None,
) -> Answer:
    """The answer as `viewer` may see it, in a thread they may see: 404 otherwise; with
    `for_edit`, 403 with the reason unless they may edit it. `answers` chooses what is
    loaded with it and may narrow it (brands endorse published answers only)."""
    if answers is None:
        answers = Answer.objects.select_related("thread__brand", "author")
    answer = get_object_or_404(
        answers.visible_to(viewer), pk=pk, thread__in=Thread.objects.visible_to(viewer)
    )
    if for_edit:
        check_can_edit_answer(viewer, answer)
    return answer
