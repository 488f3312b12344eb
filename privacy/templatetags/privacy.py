"""Where other rooms' pages show what a person shared: the public profile, the customer
card and the cases. A tag, so community, brands and cases need not import this app."""

from __future__ import annotations

from typing import Any

from django import template

from .. import permissions, selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def shared_social_accounts(context: Any, member: Any, brand: Any = None) -> list:
    """The member's social accounts the reader may see here; one query."""
    return selectors.social_accounts_shown(viewer=context.get("user"), member=member, brand=brand)


@register.simple_tag(takes_context=True)
def can_manage_disclosure(context: Any, brand: Any) -> bool:
    return permissions.can_manage_disclosure(context.get("user"), brand)
