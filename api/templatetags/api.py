"""The team navigation's link to the brand's API keys, for those who manage them."""

from __future__ import annotations

from typing import Any

from django import template

from api import permissions
from brands.models import Brand

register = template.Library()


@register.simple_tag(takes_context=True)
def can_manage_api_keys(context: Any, brand: Brand) -> bool:
    request = context.get("request")
    return request is not None and permissions.can_manage_api_keys(request.user, brand)
