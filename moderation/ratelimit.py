"""Rate limits on posting, voting, flagging, signing up and searching, counted in the cache
(a real one: local memory in development, Redis in production).

Fixed windows per person (or, for sign-ups and anonymous searches, per client address) and
action. New members (young accounts with little reputation) get a tighter posting limit.
Services call `rate_limit_hit` after validating and before writing, so the web, the API and
commands all meet the same limit; the sign-up form (community.adapters) and the search page
call `address_rate_limit_hit`.

When the cache is unavailable (Redis down or slow, community.cache), each limit fails in
the direction that keeps the site usable without letting a person flood it:

- post (threads, answers and private case messages): counted from the database, the
  person's threads, answers and case messages created in the last `seconds` (a sliding
  window; hidden and deleted ones count too).
  Holds, slightly stricter than the cache's fixed window.
- flag: counted from the database, the person's flags created in the window. Holds.
- vote and me_too: counted from the database, the person's helpful votes and me-toos
  created in the window. Holds for adding; a vote or me-too taken back deletes its row,
  so pressing and releasing again and again is not counted: fails open for that churn.
- signup (per client address): fails open, with a warning in the log. The database keeps
  no address per account, so it has nothing to count; new accounts still have to confirm
  their e-mail address before they can take part.
- search (per person, or per client address for visitors): fails open, with a warning in
  the log. A search writes nothing, so there is nothing to count, and writing a row per
  search would move the load of an outage onto the database.
- removal_request (legal/, per person, or per client address for visitors): fails open,
  with a warning in the log, as sign-ups do: a refused request may be a rights holder's
  only way to have a post looked at, and every request still waits for a moderator.
- allauth's own limits (sign-in attempts, password resets, e-mail confirmations) are off
  while the cache is unavailable (community.cache.AllauthRateLimits): fail open, so that
  signing in keeps working.
"""

from __future__ import annotations

import ipaddress
import logging
import math
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db.models import Count, Min, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from community.cache import CacheUnavailable, count_hit

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Limit:
    count: int
    seconds: int


class RateLimited(Exception):
    """Raised when a person goes over a limit; the view answers 429 with `message`."""

    def __init__(self, *, action: str, retry_after: int) -> None:
        self.action = action
        self.retry_after = max(1, retry_after)
        super().__init__(self.message)

    @property
    def message(self) -> str:
        minutes = math.ceil(self.retry_after / 60)
        if self.retry_after < 60:
            wait = ngettext("%(n)d second", "%(n)d seconds", self.retry_after) % {
                "n": self.retry_after
            }
        else:
            wait = ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes}
        if self.action == "signup":
            return _(
                "Too many accounts were made from your network in the last hour. Please "
                "try again in %(wait)s."
            ) % {"wait": wait}
        if self.action == "search":
            return _(
                "You are searching faster than the community allows. Please try again in %(wait)s."
            ) % {"wait": wait}
        what = {
            "post": _("posting"),
            "vote": _("voting"),
            "flag": _("flagging"),
            "me_too": _("pressing “me too”"),
            "preview": _("previewing"),
        }.get(self.action, self.action)
        return _(
            "You are %(what)s faster than the community allows. Please try again in %(wait)s; "
            "what you wrote is still here."
        ) % {"what": what, "wait": wait}


def is_new_member(user: Any, brand: Any = None) -> bool:
    """Young accounts with little reputation: where most spam comes from. Expertise is per
    brand: posting in `brand`, the standing that counts is the level earned there
    (reputation.permissions); without a brand, the site-wide reputation."""
    rules = settings.SODAN_NEW_MEMBER
    young = timezone.now() - user.date_joined < timezone.timedelta(days=rules["max_age_days"])
    if not young:
        return False
    if brand is None:
        return user.reputation < rules["max_reputation"]
    from reputation.permissions import can_skip_new_member_limits

    return not can_skip_new_member_limits(user, brand)


def limit_for(user: Any, action: str, brand: Any = None) -> Limit:
    count, seconds = settings.SODAN_RATE_LIMITS[action]
    if action == "post" and is_new_member(user, brand):
        count = min(count, settings.SODAN_NEW_MEMBER["posts_per_hour"])
        seconds = 3600
    return Limit(count, seconds)


def rate_limit_hit(*, user: Any, action: str, brand: Any = None) -> None:
    """Count one `action` by `user`; raise RateLimited if that goes over the limit. With
    the cache unavailable, count the person's rows in the database instead (see above)."""
    if not settings.SODAN_RATE_LIMITS_ENABLED or user.is_staff:
        return
    limit = limit_for(user, action, brand)
    try:
        _hit(action, str(user.pk), limit)
    except CacheUnavailable:
        _hit_from_database(user, action, limit)


def address_rate_limit_hit(request: HttpRequest, *, action: str) -> None:
    """Count one `action` ("signup", "search", "removal_request") by whoever sent
    `request`: the person when signed in, else the client's address; raise RateLimited
    if that goes over the limit. With the cache unavailable it lets the action through and
    logs a warning (see above)."""
    user = getattr(request, "user", None)
    if not settings.SODAN_RATE_LIMITS_ENABLED or (user is not None and user.is_staff):
        return
    count, seconds = settings.SODAN_RATE_LIMITS[action]
    who = f"u{user.pk}" if user is not None and user.is_authenticated else client_address(request)
    try:
        _hit(action, who, Limit(count, seconds))
    except CacheUnavailable:
        logger.warning("%s rate limit not applied: the cache is unavailable", action)


def client_address(request: HttpRequest) -> str:
    """The client's address as allauth finds it (ALLAUTH_TRUSTED_PROXY_COUNT or
    ALLAUTH_TRUSTED_CLIENT_IP_HEADER behind a proxy); an IPv6 address stands for its /64,
    which one household or phone usually holds whole."""
    from allauth.account.adapter import get_adapter

    address = get_adapter().get_client_ip(request)
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return f"ip:{address}"
    if parsed.version == 6:
        return f"ip:{ipaddress.ip_network(f'{parsed}/64', strict=False).network_address}"
    return f"ip:{parsed}"


def _hit(action: str, who: str, limit: Limit) -> None:
    now = time.time()
    window = int(now // limit.seconds)
    key = f"sodan:rl:{action}:{who}:{limit.seconds}:{window}"
    if count_hit(key, timeout=limit.seconds + 5) > limit.count:
        retry_after = int((window + 1) * limit.seconds - now) + 1
        raise RateLimited(action=action, retry_after=retry_after)


def _hit_from_database(user: Any, action: str, limit: Limit) -> None:
    """The limit counted from the rows the action writes, created in the last
    `limit.seconds` (this action's row is not written yet, hence `>=`)."""
    since = timezone.now() - timezone.timedelta(seconds=limit.seconds)
    count, oldest = 0, None
    for rows in _rows_of(user, action):
        found = rows.filter(created_at__gt=since).aggregate(n=Count("pk"), oldest=Min("created_at"))
        count += found["n"]
        if found["oldest"] is not None and (oldest is None or found["oldest"] < oldest):
            oldest = found["oldest"]
    if count >= limit.count:
        raise RateLimited(action=action, retry_after=_seconds_until_out(oldest, limit))


def _seconds_until_out(oldest: datetime | None, limit: Limit) -> int:
    """Seconds until the oldest counted row leaves the window."""
    if oldest is None:
        return limit.seconds
    left = oldest + timezone.timedelta(seconds=limit.seconds) - timezone.now()
    return int(left.total_seconds()) + 1


def _rows_of(user: Any, action: str) -> list[QuerySet]:
    from cases.models import CaseMessage
    from qa.models import Answer, HelpfulVote, MeToo, Thread

    from .models import Flag

    return {
        "post": [
            Thread.objects.filter(author=user),
            Answer.objects.filter(author=user),
            CaseMessage.objects.filter(author=user),  # a private case's messages are posts
        ],
        "vote": [HelpfulVote.objects.filter(user=user)],
        "me_too": [MeToo.objects.filter(user=user)],
        "flag": [Flag.objects.filter(flagger=user)],
    }[action]


def links_allowed(user: Any, brand: Any = None) -> int | None:
    """How many links one post in `brand` may carry; None means no limit."""
    if is_new_member(user, brand):
        return settings.SODAN_NEW_MEMBER["links_per_post"]
    return None
