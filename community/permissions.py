"""Who a person is on Sodan: anonymous, member (unverified), customer (verified).

Checks are pure functions over the user; results that need a query are memoised on
the user object for the length of the request, so a page asks each question once.
"""

from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress
from django.core.exceptions import PermissionDenied
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _


def is_verified(user: Any) -> bool:
    """A customer: signed in with a verified e-mail address."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    cached = getattr(user, "_sodan_verified", None)
    if cached is None:
        cached = EmailAddress.objects.filter(user=user, verified=True).exists()
        user._sodan_verified = cached
    return cached


def remember_verified(user: Any, verified: bool) -> None:
    """Record whether the person has a verified address, read by a query the page made
    anyway (qa.selectors: a thread page's facts about its reader), so the checks ask
    nothing more."""
    user._sodan_verified = verified


def participation_refusal(user: Any) -> str | None:
    """Why this person may not ask, answer, vote, press me too or flag; None if they may."""
    if not getattr(user, "is_authenticated", False):
        return _("Log in or sign up to take part in the community.")
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


def require_participation(user: Any) -> None:
    """Raise PermissionDenied, with the reason, unless the person may take part."""
    reason = participation_refusal(user)
    if reason:
        raise PermissionDenied(reason)
