"""The thread page's link to its article and its editors' button; the article's source."""

from __future__ import annotations

from typing import Any

from django import template

from .. import selectors
from ..permissions import can_make_article

register = template.Library()


@register.simple_tag
def thread_article(thread: Any, has_verified_answer: bool) -> Any:
    """The live article made from this thread (public: part of the shared page)."""
    if not has_verified_answer:
        return None
    return selectors.article_of_thread(thread)


@register.inclusion_tag("knowledge/_thread_tools.html", takes_context=True)
def knowledge_thread_tools(context: template.Context, thread: Any) -> dict[str, Any]:
    """The brand editors' "make a knowledge article" button, shown only to those the rule
    allows (asked with the viewer's brand roles, already loaded for the page)."""
    user = context.get("user")
    ready = bool(thread.accepted_answer_id and context.get("has_verified_answer"))
    return {
        "thread": thread,
        "show": ready and can_make_article(user, thread),
        "csrf_token": context.get("csrf_token"),
    }


@register.simple_tag
def article_source(page: Any) -> Any:
    return selectors.source_of_article(page)
