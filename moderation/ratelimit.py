"""Rate limits on posting, voting and flagging, counted in the cache (a real one: local
memory in development, Redis in production).

Fixed windows per person and action. New members (young accounts with little reputation)
get a tighter posting limit. Services call `rate_limit_hit` after validating and before
writing, so the web, the API and commands all meet the same limit.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


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
        what = {
            "post": _("posting"),
            "vote": _("voting"),
            "flag": _("flagging"),
            "me_too": _("pressing “me too”"),
        }.get(self.action, self.action)
        return _(
            "You are %(what)s faster than the community allows. Please try again in %(wait)s; "
            "what you wrote is still here."
        ) % {"what": what, "wait": wait}


def is_new_member(user: Any) -> bool:
    """Young accounts with little reputation: where most spam comes from."""
    rules = settings.SODAN_NEW_MEMBER
    young = timezone.now() - user.date_joined < timezone.timedelta(days=rules["max_age_days"])
    return young and user.reputation < rules["max_reputation"]


def limit_for(user: Any, action: str) -> Limit:
    count, seconds = settings.SODAN_RATE_LIMITS[action]
    if action == "post" and is_new_member(user):
        count = min(count, settings.SODAN_NEW_MEMBER["posts_per_hour"])
        seconds = 3600
    return Limit(count, seconds)


def rate_limit_hit(*, user: Any, action: str) -> None:
    """Count one `action` by `user`; raise RateLimited if that goes over the limit."""
    if not settings.SODAN_RATE_LIMITS_ENABLED or user.is_staff:
        return
    limit = limit_for(user, action)
    now = time.time()
    window = int(now // limit.seconds)
    key = f"sodan:rl:{action}:{user.pk}:{limit.seconds}:{window}"
    cache.add(key, 0, timeout=limit.seconds + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=limit.seconds + 5)
        count = 1
    if count > limit.count:
        retry_after = int((window + 1) * limit.seconds - now) + 1
        raise RateLimited(action=action, retry_after=retry_after)


def links_allowed(user: Any) -> int | None:
    """How many links one post may carry; None means no limit."""
    if is_new_member(user):
        return settings.SODAN_NEW_MEMBER["links_per_post"]
    return None
