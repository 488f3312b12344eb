"""The team's requests to other departments where other rooms' pages show them: the thread
page's team-only part and the private case page. A template tag, so qa and cases need not
import brands' selectors; nothing is asked for readers outside the team."""

from __future__ import annotations

from typing import Any

from django import template

from .. import permissions, selectors
from ..models import Department

register = template.Library()


@register.simple_tag(takes_context=True)
def department_requests_here(context: Any, brand: Any, thread: Any = None, case: Any = None):
    """None for anyone outside the brand's team (no query); for the team, the requests
    about this thread or case and, for its reps and admins, the departments to ask."""
    user = context.get("user")
    if user is None or not permissions.is_brand_member(user, brand):
        return None
    departments = (
        list(Department.objects.for_brand(brand)) if permissions.is_rep(user, brand) else []
    )
    return {
        "requests": selectors.requests_about(thread=thread, case=case),
        "departments": departments,
        "thread": thread,
        "case": case,
    }
