"""The search page's result rows, written in Python.

Twenty rows through the template engine were about a third of the page's rendering (each
row resolving a dozen variables, a plural through {% blocktranslate %}, the type's label
through get_FOO_display, which hashes every choice's lazy label): 4.4 ms of a 32 ms search
at tier M. The HTML is the template's, byte for byte (tests/search/test_views.py compares
them), and the sentences are the catalogue's own (the same msgids).
"""

from __future__ import annotations

from collections.abc import Sequence

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext, ngettext

from qa.templatetags.thread_rows import type_labels

register = template.Library()

# Per language: "Solved" and "In an answer:" (a row asks them per thread).
_words: dict[str | None, tuple[str, str]] = {}


def _language_words() -> tuple[str, str]:
    language = get_language()
    words = _words.get(language)
    if words is None:
        words = _words[language] = (
            conditional_escape(gettext("Solved")),
            conditional_escape(gettext("In an answer:")),
        )
    return words


@register.simple_tag
def result_rows(items: Sequence) -> SafeString:
    """Each result as the list's <li>, as `{% for item in results.items %}` wrote it."""
    types = type_labels()
    solved, in_answer = _language_words()
    rows = []
    for item in items:
        thread = item.thread
        product = thread.product
        answers = ngettext("%(counter)s answer", "%(counter)s answers", thread.answer_count) % {
            "counter": thread.answer_count
        }
        url = thread.get_absolute_url()
        label = types.get(thread.type)
        if label is None:  # a type no longer offered: as get_type_display shows it
            label = conditional_escape(thread.get_type_display())
        rows.append(
            '\n    <li class="thread-row">\n      <div class="thread-main">\n'
            f'        <span class="badge badge-type badge-{conditional_escape(thread.type)}">'
            f"{label}</span>\n        "
            + (f'<span class="badge badge-solved">{solved}</span>' if thread.is_solved else "")
            + f'\n        <a class="thread-title" href="{conditional_escape(url)}">'
            f"{conditional_escape(item.title)}</a>\n"
            f'        <p class="excerpt">{conditional_escape(item.snippet)}</p>\n        '
            + (
                f'<p class="excerpt answer-snippet"><span class="meta">{in_answer}</span> '
                f"{conditional_escape(item.answer_snippet)}</p>"
                if item.answer_snippet
                else ""
            )
            + f'\n        <p class="meta">{conditional_escape(thread.brand.name)}'
            + (f" · {conditional_escape(product.name)}" if product else "")
            + f" · {answers}</p>\n      </div>\n    </li>\n  "
        )
    return mark_safe("".join(rows))  # noqa: S308 - every value escaped above
