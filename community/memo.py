"""Facts about a person (or a brand) kept for the length of one request.

A page asks "is this person verified?", "which brands do they work for?", "where do they
moderate?" many times; each answer costs a query the first time and nothing after. The
answers are kept on the object they are about — the request's user, or a brand object a
page shares between its answers — which lives exactly as long as the request, so nothing
is ever served to another request or outlives a change made elsewhere.

Every app keeps its facts here under a key of its own (`"brands.roles"`), so there is
one mechanism to read, fill in advance (community/viewer_facts.py loads several apps'
facts in one query) and forget after a change.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")

_ATTRIBUTE = "_sodan_memo"


def _memo(holder: Any) -> dict[str, Any]:
    return holder.__dict__.setdefault(_ATTRIBUTE, {})


def recall(holder: Any, key: str, load: Callable[[], T]) -> T:
    """The fact kept under `key`, loaded (once per request) if it is not known yet."""
    memo = _memo(holder)
    if key not in memo:
        memo[key] = load()
    return memo[key]


def remember(holder: Any, key: str, value: Any) -> None:
    """Keep a fact read by a query made anyway, so the checks ask nothing more."""
    _memo(holder)[key] = value


def remember_all(holder: Any, facts: dict[str, Any]) -> None:
    """Keep several facts at once (community/viewer_facts.py: all of them, from one query)."""
    _memo(holder).update(facts)


def known(holder: Any, key: str) -> bool:
    return key in holder.__dict__.get(_ATTRIBUTE, {})


def peek(holder: Any, key: str, default: Any = None) -> Any:
    """The fact if it is known, without loading it."""
    return holder.__dict__.get(_ATTRIBUTE, {}).get(key, default)


def forget(holder: Any, *keys: str) -> None:
    """Drop facts after a change to them in this same request."""
    memo = holder.__dict__.get(_ATTRIBUTE, {})
    for key in keys:
        memo.pop(key, None)
