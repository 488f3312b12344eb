"""`{% draft_form "answer" thread.pk bound=form.is_bound %}` inside a <form> tag: the data
attributes with which themes/static/themes/drafts.js keeps that form's text in the
browser until the server has saved it (qa/drafts.py).

The notice's words come translated from here, as the script has no catalogue of its own.
`bound` marks a form the server sent back with errors: it already holds what the person
sent, so a draft must not replace it.
"""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from qa import drafts

register = template.Library()


@register.simple_tag
def draft_form(kind: str, target: object, bound: bool = False) -> SafeString:
    return format_html(
        ' data-draft="{}"{} data-draft-notice="{}" data-draft-discard="{}"',
        drafts.key(kind, target),
        SafeString(" data-draft-bound") if bound else "",
        _("We restored text you had not sent."),
        _("Discard it"),
    )
