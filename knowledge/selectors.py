"""Reads for the thread page and the article page."""

from __future__ import annotations

from typing import Any

from .models import ThreadArticle


def article_of_thread(thread: Any) -> ThreadArticle | None:
    """The live article made from this thread, for its link. Only a solved thread with a
    verified answer can have one, so other threads' pages never ask (query counts stay)."""
    if not thread.accepted_answer_id:
        return None
    return (
        ThreadArticle.objects.filter(thread_id=thread.pk, article__live=True)
        .select_related("article", "outdated_for")
        .first()
    )


def source_of_article(page: Any) -> ThreadArticle | None:
    """The thread an article came from, its credits and its "may be outdated" mark."""
    return (
        ThreadArticle.objects.filter(article_id=page.pk)
        .select_related("thread", "version__product", "outdated_for")
        .prefetch_related("contributors")
        .first()
    )
