"""Attachments for the pages that show posts: one query per page, whatever the number of
answers or messages (the query-count tests hold this), and on thread pages none at all
when the thread has no image."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from .models import Attachment

_SHOWN = ("id", "thread_id", "answer_id", "case_message_id", "alt_text", "width", "height")


def with_has_attachments(threads: QuerySet) -> QuerySet:
    """Threads marked with whether they or any of their answers carry an image, in the
    thread's own query, so a page with none asks nothing more."""
    return threads.annotate(
        has_attachments=Exists(
            Attachment.objects.filter(
                Q(thread_id=OuterRef("pk")) | Q(answer__thread_id=OuterRef("pk"))
            )
        )
    )


def attach_to_thread_page(thread: Any, answers: Sequence[Any]) -> None:
    """Set `.attached` (a list, in order) on the thread and each answer shown: one query,
    none when the thread's query found no image (`with_has_attachments`)."""
    if getattr(thread, "has_attachments", True) is False:
        thread.attached = []
        for answer in answers:
            answer.attached = []
        return
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
