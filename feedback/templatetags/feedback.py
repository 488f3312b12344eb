"""Template helpers for product feedback's navigation (no queries beyond the viewer's
roles, which brands.permissions remembers for the request)."""

from __future__ import annotations

from typing import Any

from django import template

from brands.models import Brand
from feedback import permissions

register = template.Library()


@register.simple_tag(takes_context=True)
def can_manage_integrations(context: Any, brand: Brand) -> bool:
    request = context.get("request")
    return request is not None and permissions.can_manage_integrations(request.user, brand)
