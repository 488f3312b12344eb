"""What one viewer may do on one thread and each of its answers, asked once per page.

Every door that shows a thread reads this one object: the page rendered for a viewer
(qa.views), the page assembled from the shared rendering for a reader (qa/thread_page.py)
and the API. It holds no rule of its own: each right is the answer of qa.permissions (and
the moderation rule it asks) on the real thread and the real answers, one by one, so a
rule that looks at anything about an answer — its author, whether it is official, whether
the asker wrote it — is obeyed on every door at once. The facts the rules need about the
viewer come from the request's memo (community/viewer_facts.py), loaded in one query on a
page assembled from the cache.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from moderation.permissions import moderates

from . import permissions
from .models import Answer, Thread


@dataclass(frozen=True)
class AnswerRights:
    vote: bool = False
    accept: bool = False
    edit: bool = False
    flag: bool = False


NO_RIGHTS = AnswerRights()


@dataclass(frozen=True)
class ThreadViewerRights:
    participate: bool  # may ask, answer, vote at all (signed in, verified, not suspended)
    answer_refusal: str  # why they cannot answer here, in words; empty if they can
    edit: bool
    flag: bool
    me_too: bool
    moderate: bool
    answers: Mapping[int, AnswerRights]

    def answer(self, answer_id: int) -> AnswerRights:
        return self.answers.get(answer_id, NO_RIGHTS)


def thread_viewer_rights(
    viewer: Any, thread: Thread, answers: Iterable[Answer]
) -> ThreadViewerRights:
    """The viewer's rights on the thread and on each of these answers (each answer's
    `thread` is this thread)."""
    return ThreadViewerRights(
        participate=permissions.can_ask(viewer),
        answer_refusal=permissions.answer_refusal(viewer, thread),
        edit=permissions.can_edit_thread(viewer, thread),
        flag=permissions.can_flag(viewer, thread),
        me_too=permissions.can_me_too(viewer, thread),
        moderate=moderates(viewer, thread.brand),
        answers={
            answer.pk: AnswerRights(
                vote=permissions.can_vote(viewer, answer),
                accept=permissions.can_accept(viewer, answer),
                edit=permissions.can_edit_answer(viewer, answer),
                flag=permissions.can_flag(viewer, answer),
            )
            for answer in answers
        },
    )
