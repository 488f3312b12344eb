"""Who may follow, unfollow or mute, and who may answer a follow-up.

Following is receiving notifications, not taking part: any signed-in, active person may
follow what they can read (a member whose address is unverified too; a suspended person
may still read and be told). The views, the API and the services all ask these.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _


def check_can_follow(user: Any, target: Any) -> None:
    """May this person follow, unfollow or mute `target` (a thread, product or brand)?"""
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied(_("Log in or sign up to follow threads, products and brands."))
    if not user.is_active:
        raise PermissionDenied(_("This account is deactivated."))
    from qa.models import Thread

    if isinstance(target, Thread):
        from qa.models import Visibility

        visible = target.visibility == Visibility.PUBLISHED or (
            target.visibility == Visibility.HIDDEN and target.author_id == user.pk
        )
        if not visible:
            raise PermissionDenied(_("This thread is not there to follow."))


def check_can_answer_follow_up(user: Any, follow_up: Any) -> None:
    """Only the person a follow-up was sent to answers it (the signed link stands for them),
    and only once."""
    if follow_up.user_id != getattr(user, "pk", None):
        raise PermissionDenied(_("This question was sent to someone else."))
    if follow_up.responded_at is not None:
        raise PermissionDenied(_("This link was already used: your answer is recorded."))


def check_choice_fits(follow_up: Any, choice: str) -> None:
    """The asker answers for the thread; a me-too person only for themselves."""
    asker_choices = {"solved", "still_broken", "broken_again"}
    if (follow_up.kind == "asker") != (choice in asker_choices):
        raise PermissionDenied(_("This choice does not belong to this question."))
