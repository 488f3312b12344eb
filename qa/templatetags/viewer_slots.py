"""`{% viewer_slot "name" arg … %}…{% endviewer_slot %}`: a part of a page that differs
from one viewer to the next (their name in the header, whether they voted, the answer form).

Rendered normally, the tag renders what it encloses. When the page is rendered to be
shared (qa/thread_page.py: one rendering of a thread page serves every reader without
powers in its brand), the tag leaves a marker with its name and arguments instead, and
each request fills the markers in for its own viewer with the same small templates.
"""

from __future__ import annotations

from django import template
from django.template.base import FilterExpression, NodeList, Parser, Token

register = template.Library()

# The context variable that, when set, turns slots into markers (a thread_page.SharedPage).
SHARED_PAGE = "shared_page"


class ViewerSlotNode(template.Node):
    def __init__(self, name: FilterExpression, args: list[FilterExpression], nodelist: NodeList):
        self.name = name
        self.args = args
        self.nodelist = nodelist

    def render(self, context: template.Context) -> str:
        shared = context.get(SHARED_PAGE)
        if shared is None:
            return self.nodelist.render(context)
        return shared.marker(
            str(self.name.resolve(context)), [arg.resolve(context) for arg in self.args]
        )


@register.tag("viewer_slot")
def viewer_slot(parser: Parser, token: Token) -> ViewerSlotNode:
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("viewer_slot needs a name")
    nodelist = parser.parse(("endviewer_slot",))
    parser.delete_first_token()
    return ViewerSlotNode(
        parser.compile_filter(bits[1]), [parser.compile_filter(b) for b in bits[2:]], nodelist
    )
