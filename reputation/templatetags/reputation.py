"""The profile's standing per brand and badges (public: no per-viewer fact)."""

from __future__ import annotations

from typing import Any

from django import template

from .. import selectors

register = template.Library()


@register.inclusion_tag("reputation/_profile_standing.html")
def profile_standing(member: Any) -> dict[str, Any]:
    """Two queries whatever the number of brands and badges."""
    return {
        "standing": selectors.member_standing(member),
        "badges": selectors.member_badges(member),
    }
