"""Where other rooms' pages show cases: the thread page's markers and the team's tools, the
rep inbox's open cases, the customer card's one history. Template tags, so that qa and
brands need not import this app (as feedback reaches the team's pages through templates);
each asks one selector, once per page."""

from __future__ import annotations

from typing import Any

from django import template

from .. import permissions, selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def thread_cases(context: Any, thread: Any) -> dict:
    """The markers (the same for every reader, so part of the shared cached rendering) and,
    for the brand's reps and admins, the tools to open a case."""
    return selectors.thread_cases(thread=thread, user=context.get("user"))


@register.simple_tag(takes_context=True)
def open_cases(context: Any, brand: Any) -> list | None:
    """The brand's open cases for its reps and admins; None for the product team."""
    if not permissions.can_see_cases_of(context.get("user"), brand):
        return None
    return selectors.inbox_cases(brand=brand)


@register.simple_tag(takes_context=True)
def customer_history(
    context: Any, brand: Any, customer: Any, threads: Any, answers: Any, notes: Any
) -> list[selectors.HistoryEntry]:
    return selectors.customer_history(
        brand=brand,
        customer=customer,
        threads=threads,
        answers=answers,
        notes=notes,
        viewer=context.get("user"),
    )
