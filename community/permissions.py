"""Who a person is on Sodan: anonymous, member (unverified), customer (verified).

Checks are pure functions over the user; results that need a query are kept for the
length of the request (community/memo.py), so a page asks each question once.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from .viewer_facts import SOURCES

VERIFIED = "community.verified"


def is_verified(user: Any) -> bool:
    """A customer: signed in with a verified e-mail address."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return SOURCES[VERIFIED].recall(user)  # community/facts.py


def participation_refusal(user: Any) -> str | None:
    """Why this person may not ask, answer, vote, press me too or flag; None if they may."""
    if not getattr(user, "is_authenticated", False):
        return _anonymous_refusal(get_language())
    if not user.is_active:
        return _("This account is deactivated.")
    if user.is_suspended:
        if user.is_banned:
            return _("Your account is banned: %(reason)s") % {"reason": user.suspension_reason}
        return _("Your account is suspended until %(until)s: %(reason)s") % {
            "until": date_format(localtime(user.suspended_until), "DATETIME_FORMAT"),
            "reason": user.suspension_reason,
        }
    if not is_verified(user):
        return _(
            "Confirm your e-mail address before you post: open the link we sent you, "
            "or ask for a new one from your account's e-mail page."
        )
    return None


@lru_cache(maxsize=16)
def _anonymous_refusal(language: str | None) -> str:
    """The sentence for a reader who is not signed in, translated once per language and
    process: every rule on every answer of a page asks it first (120 times on a page of
    thirty answers), and looking it up in the catalogue was most of what they cost."""
    return _("Log in or sign up to take part in the community.")


@receiver(setting_changed)
def _forget_anonymous_refusal(**kwargs: object) -> None:
    """The catalogues may have changed (tests only: they are fixed while serving)."""
    _anonymous_refusal.cache_clear()


def allowed(check: Callable[..., None], *args: Any) -> bool:
    """A `check_*` rule as a boolean: the `can_*` form templates and pages ask."""
    try:
        check(*args)
    except PermissionDenied:
        return False
    return True


def require_participation(user: Any) -> None:
    """Raise PermissionDenied, with the reason, unless the person may take part."""
    reason = participation_refusal(user)
    if reason:
        raise PermissionDenied(reason)


# --- Access: fetch what the viewer may reach, or refuse --------------------------------------
# In Zulip's manner (`access_stream_by_id`; the other apps' permissions.py have theirs).


def access_member(viewer: Any, username: str) -> Any:
    """An active member's public profile: 404 for a name nobody has (or a deactivated one)."""
    from django.http import Http404
    from django.shortcuts import get_object_or_404

    from .models import User

    if "\x00" in username:  # names nobody, and PostgreSQL refuses it in a query
        raise Http404
    return get_object_or_404(User, username=username, is_active=True)


def access_notification(viewer: Any, pk: int) -> Any:
    """One of the viewer's own notifications: anyone else's is a 404, as if it were not."""
    from django.shortcuts import get_object_or_404

    from .models import Notification

    return get_object_or_404(
        Notification.objects.select_related("thread", "answer"), pk=pk, recipient=viewer
    )


def check_can_reset_two_factor(actor: Any, member: Any) -> None:
    """Staff reset a member's lost second factor, after checking who the member is; never
    their own (another staff member does that), so one stolen account cannot undo its own
    protection."""
    if not (getattr(actor, "is_authenticated", False) and actor.is_active and actor.is_staff):
        raise PermissionDenied(_("Only staff can reset a member's two-factor authentication."))
    if actor.pk == member.pk:
        raise PermissionDenied(
            _("Another staff member must reset your own two-factor authentication.")
        )
