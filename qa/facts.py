"""What the thread page needs to know about a viewer on one thread (community/viewer_facts.py):
their votes and me too there, and whether a post only they can see is on it."""

from __future__ import annotations

from typing import Any

from django.db.models import F, QuerySet

from community import memo
from community.viewer_facts import SOURCES, Row, columns, fact

from .models import Answer, HelpfulVote, MeToo

VOTES, ME_TOO, OWN_HIDDEN_ANSWERS = "qa.votes", "qa.me_too", "qa.own_hidden_answers"


def _numbers(rows: list[Row]) -> frozenset[int]:
    return frozenset(number for number, *_texts in rows)


@fact(VOTES, fold=_numbers, per_thread=True)
def votes(user_id: Any, thread_id: int | None) -> QuerySet:
    """The thread's answers the person found helpful."""
    found = HelpfulVote.objects.filter(user_id=user_id, answer__thread_id=thread_id)
    return columns(found, number=F("answer_id"))


@fact(ME_TOO, fold=bool, per_thread=True)
def me_too(user_id: Any, thread_id: int | None) -> QuerySet:
    return columns(MeToo.objects.filter(user_id=user_id, thread_id=thread_id))


@fact(OWN_HIDDEN_ANSWERS, fold=bool, per_thread=True)
def own_hidden_answers(user_id: Any, thread_id: int | None) -> QuerySet:
    """Answers of theirs on the thread that others do not see (only they see why)."""
    hidden = Answer.objects.filter(thread_id=thread_id, author_id=user_id).exclude(
        pk__in=Answer.objects.filter(thread_id=thread_id).visible()
    )
    return columns(hidden)


def forget(user: Any, key: str, thread_id: int) -> None:
    """Drop what this request knew of the person's `key` on the thread, after changing it."""
    memo.forget(user, SOURCES[key].memo_key(thread_id))
