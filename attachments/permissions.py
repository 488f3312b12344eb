"""Who may fetch an attachment: whoever may see the post it belongs to, by the post's own
rule. A hidden or deleted question or answer hides its files (404, as the post), and a
private case's files are for the case's parties only."""

from __future__ import annotations

from typing import Any

from django.http import Http404

from .models import Attachment


def access_attachment(viewer: Any, pk: int) -> Attachment:
    """The attachment, or 404 for anyone who may not see its post."""
    attachment = Attachment.objects.select_related("case_message").filter(pk=pk).first()
    if attachment is None:
        raise Http404
    if attachment.thread_id:
        from qa.permissions import access_thread

        access_thread(viewer, attachment.thread_id)
    elif attachment.answer_id:
        from qa.permissions import access_answer

        access_answer(viewer, attachment.answer_id)
    else:
        from cases.permissions import access_case

        access_case(viewer, attachment.case_message.case_id)
    return attachment
