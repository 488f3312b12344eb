"""Attachments for the pages that show posts: one query per page, whatever the number of
answers or messages (the query-count tests hold this)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from django.db.models import Q

from .models import Attachment

_SHOWN = ("id", "thread_id", "answer_id", "case_message_id", "alt_text", "width", "height")


def attach_to_thread_page(thread: Any, answers: Sequence[Any]) -> None:
    """Set `.attached` (a list, in order) on the thread and each answer shown."""
    answer_ids = [answer.pk for answer in answers]
    rows = Attachment.objects.filter(Q(thread=thread) | Q(answer_id__in=answer_ids)).only(*_SHOWN)
    by_answer: dict[int, list[Attachment]] = defaultdict(list)
    thread.attached = []
    for row in rows:
        if row.thread_id:
            thread.attached.append(row)
        else:
            by_answer[row.answer_id].append(row)
    for answer in answers:
        answer.attached = by_answer.get(answer.pk, [])


def attach_to_case_messages(messages: Sequence[Any]) -> None:
    """Set `.attached` on each message of a case page."""
    by_message: dict[int, list[Attachment]] = defaultdict(list)
    ids = [message.pk for message in messages]
    for row in Attachment.objects.filter(case_message_id__in=ids).only(*_SHOWN) if ids else ():
        by_message[row.case_message_id].append(row)
    for message in messages:
        message.attached = by_message.get(message.pk, [])
