"""Receivers for Wagtail's publish flow: an article made from a thread that an editor
publishes or unpublishes in Wagtail changes the thread's page (its link to the article).
Wagtail's publish flow is Wagtail's, as for themes' pages; Sodan's own writes go through
knowledge.services."""

from __future__ import annotations

from typing import Any

from community import page_cache

from .models import ThreadArticle


def article_published_or_unpublished(sender: Any, instance: Any, **kwargs: Any) -> None:
    thread_id = (
        ThreadArticle.objects.filter(article_id=instance.pk).values_list("thread_id", flat=True)
    ).first()
    if thread_id is not None:
        page_cache.thread_changed(thread_id)
