"""The one place where stored user HTML is marked safe for templates.

Services store only HTML that passed moderation.sanitize.clean_html at save time, so
rendering does not pay for sanitizing again; nothing else in Sodan may mark user content
safe (no |safe, no mark_safe elsewhere).
"""

from django import template
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.filter
def stored_html(value: str) -> SafeString:
    """HTML a service stored after sanitizing (body_html fields)."""
    return mark_safe(value or "")  # noqa: S308 - sanitized at save time
