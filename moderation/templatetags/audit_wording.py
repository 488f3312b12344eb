"""`{{ entry.action|action_wording }}`: an audit log code as a sentence (moderation/wording.py)."""

from django import template

from moderation.wording import action_wording as _action_wording

register = template.Library()


@register.filter
def action_wording(code: str) -> str:
    return _action_wording(code)
