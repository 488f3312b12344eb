"""What the caller may do with a thread and each of its answers, for the API's answers.

One function, so that when `qa.rights.thread_viewer_rights` (one rights object per viewer
and thread) lands, the API switches to it here and nowhere else. Until then it asks the
same `qa.permissions.can_*` checks the thread page asks, on the real objects.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from qa import permissions
from qa.models import Answer, Thread


@dataclass(frozen=True)
class AnswerRights:
    edit: bool
    vote: bool
    accept: bool
    flag: bool


@dataclass(frozen=True)
class ThreadRights:
    answer: bool
    edit: bool
    me_too: bool
    flag: bool
    answers: dict[int, AnswerRights] = field(default_factory=dict)

    def as_dict(self) -> dict[str, bool]:
        return {
            "answer": self.answer,
            "edit": self.edit,
            "me_too": self.me_too,
            "flag": self.flag,
        }


def thread_rights(viewer: Any, thread: Thread, answers: list[Answer]) -> ThreadRights:
    return ThreadRights(
        answer=not permissions.answer_refusal(viewer, thread),
        edit=permissions.can_edit_thread(viewer, thread),
        me_too=permissions.can_me_too(viewer, thread),
        flag=permissions.can_flag(viewer, thread),
        answers={
            answer.pk: AnswerRights(
                edit=permissions.can_edit_answer(viewer, answer),
                vote=permissions.can_vote(viewer, answer),
                accept=permissions.can_accept(viewer, answer),
                flag=permissions.can_flag(viewer, answer),
            )
            for answer in answers
        },
    )
