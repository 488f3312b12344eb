"""An anonymous reader's press of Helpful or Me too, remembered across signing in.

The button an anonymous reader sees is a link (`qa:take_part_start`), the same for every
reader, so the cached page stays one page. Following it sends them to sign in (or sign up
and verify) with `next` set to a confirmation address that carries the intended action,
signed so nobody can hand another person a link that acts for them unseen. Back from
signing in, the confirmation page asks for one POST; a GET never changes anything. The
action is applied once: pressing again later, or confirming twice, does not take it back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.core import signing
from django.urls import reverse

VOTE = "vote"
ME_TOO = "me-too"
KINDS = (VOTE, ME_TOO)

_SALT = "qa.intents"
# Long enough for someone who signs up, waits for the confirmation e-mail and verifies.
MAX_AGE = timedelta(days=2)


@dataclass(frozen=True)
class Intent:
    kind: str  # VOTE (on an answer) or ME_TOO (on a thread)
    target_id: int


def intent_token(intent: Intent) -> str:
    return signing.dumps([intent.kind, intent.target_id], salt=_SALT, compress=True)


def intent_from_token(token: str) -> Intent | None:
    """The intent a token carries, or None when it was altered or is too old."""
    try:
        kind, target_id = signing.loads(token, salt=_SALT, max_age=MAX_AGE)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if kind not in KINDS or not isinstance(target_id, int):
        return None
    return Intent(kind=kind, target_id=target_id)


def confirmation_url(intent: Intent) -> str:
    return reverse("qa:take_part", kwargs={"token": intent_token(intent)})
