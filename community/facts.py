"""The members' facts the rules ask about a viewer (community/viewer_facts.py)."""

from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.db.models import Count, QuerySet

from .mfa import TWO_FACTOR
from .models import Notification
from .permissions import VERIFIED
from .viewer_facts import Row, columns, fact

UNREAD = "community.unread_notifications"


@fact(VERIFIED, fold=bool)
def verified_addresses(user_id: Any, thread_id: int | None) -> QuerySet:
    """A customer has a verified e-mail address (community.permissions.is_verified)."""
    return columns(EmailAddress.objects.filter(user_id=user_id, verified=True))


@fact(TWO_FACTOR, fold=bool)
def second_factors(user_id: Any, thread_id: int | None) -> QuerySet:
    """An authenticator app or a security key / passkey: what powers need (community/mfa.py).
    Recovery codes only stand in for one, so they do not count."""
    factors = Authenticator.objects.filter(user_id=user_id).exclude(
        type=Authenticator.Type.RECOVERY_CODES
    )
    return columns(factors)


def _count(rows: list[Row]) -> int:
    return rows[0][0] if rows else 0


@fact(UNREAD, fold=_count)
def unread_notifications(user_id: Any, thread_id: int | None) -> QuerySet:
    """How many notifications the header's bell shows."""
    unread = Notification.objects.filter(recipient_id=user_id).unread().order_by()
    return columns(unread.values("recipient_id"), number=Count("id"))
