"""A brand's thread list, its rows written in Python: `{% thread_rows threads %}`.

A brand's list is invalidated by every change to one of its threads (community/page_cache.py),
so on a busy brand most of its readers get a list rendered again, and the rows were a
quarter of that rendering: twenty-five rows through the template engine (an include each,
an avatar, three dates, a plural through {% blocktranslate %}, the type's label through
get_type_display, which hashes every choice's lazy label). Written here, a list's Python
went from 16.5 to 12.5 ms at tier M. The HTML is what qa/_thread_row.html wrote, byte for
byte (tests/qa/test_thread_rows.py compares them in English and Japanese, and in another
time zone), and the sentences are the catalogue's own (the same msgids).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django import template
from django.template import Context
from django.utils import formats
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import template_localtime
from django.utils.translation import get_language, gettext, ngettext

from themes.templatetags.frame import avatar

from ..models import Thread
from .dates import format_datetime

register = template.Library()

# Per language: what a row asks of the catalogue for every thread.
_words: dict[str | None, dict[str, str]] = {}
_labels: dict[str | None, dict[str, str]] = {}


def type_labels() -> dict[str, str]:
    """The threads' type labels in the current language, escaped: what
    `{{ thread.get_type_display }}` writes for each type still offered."""
    language = get_language()
    labels = _labels.get(language)
    if labels is None:
        labels = _labels[language] = {
            value: conditional_escape(label) for value, label in Thread.Type.choices
        }
    return labels


def _language_words() -> dict[str, str]:
    language = get_language()
    words = _words.get(language)
    if words is None:  # each sentence written out, for the catalogue's extraction
        words = _words[language] = {
            "solved": conditional_escape(gettext("Solved")),
            "answered": conditional_escape(gettext("Answered")),
            "me too": conditional_escape(gettext("me too")),
            "fixed": conditional_escape(gettext("fixed")),
            "activity": conditional_escape(gettext("activity")),
        }
    return words


def _date(value: datetime.datetime, format_name: str) -> str:
    """`{{ value|date_text:format_name }}`: in local time, escaped."""
    return conditional_escape(format_datetime(template_localtime(value), format_name))


def _row(thread: Thread, words: dict[str, str], labels: dict[str, str], formats_: tuple) -> str:
    datetime_format, short_date_format = formats_
    label = labels.get(thread.type)
    if label is None:  # a type no longer offered: as get_type_display shows it
        label = conditional_escape(thread.get_type_display())
    if thread.is_solved:
        status = f'<span class="badge badge-solved">{words["solved"]}</span>'
    elif thread.status == Thread.Status.ANSWERED:
        status = f'<span class="badge badge-answered">{words["answered"]}</span>'
    else:
        status = ""
    product = thread.product
    author = thread.author
    answers = ngettext("answer", "answers", thread.answer_count) % {"counter": thread.answer_count}
    fixed = (
        f'<span class="stat fixed-for"><strong>{thread.fixed_for_count}</strong> '
        f"{words['fixed']}</span>"
        if thread.fixed_for_count
        else ""
    )
    return (
        '<li class="thread-row">\n'
        f"  {avatar(author)}\n"
        '  <div class="thread-main">\n'
        '    <div class="thread-line">\n'
        f'      <span class="badge badge-type badge-{conditional_escape(thread.type)}">'
        f"{label}</span>\n"
        f"      {status}\n"
        f'      <a class="thread-title" href="{conditional_escape(thread.get_absolute_url())}"'
        f' title="{conditional_escape(thread.excerpt)}">{conditional_escape(thread.title)}</a>\n'
        "    </div>\n"
        '    <p class="meta">'
        + (f"{conditional_escape(product.name)} · " if product else "")
        + f"{conditional_escape(author.public_name)} · "
        f'<time datetime="{_date(thread.created_at, "c")}" data-relative>'
        f"{_date(thread.created_at, datetime_format)}</time></p>\n"
        "  </div>\n"
        '  <div class="thread-figures">\n'
        f'    <span class="stat"><strong>{thread.answer_count}</strong> {answers}</span>\n'
        f'    <span class="stat"><strong>{thread.me_too_count}</strong> {words["me too"]}</span>\n'
        f"    {fixed}\n"
        f'    <span class="stat"><strong><time datetime="{_date(thread.last_activity_at, "c")}"'
        f" data-relative>{_date(thread.last_activity_at, short_date_format)}</time></strong>"
        f" {words['activity']}</span>\n"
        "  </div>\n"
        "</li>\n"
    )


@register.simple_tag(takes_context=True)
def thread_rows(context: Context, threads: Iterable[Thread]) -> SafeString:
    """Each thread as a list's <li>, as `{% for thread in threads %}{% include
    "qa/_thread_row.html" %}{% endfor %}` wrote it. A rendering kept in the page cache
    hands the list `shown_rows`, to which the threads shown are added: it is kept with
    their versions (community.page_cache.serve_brand_threads)."""
    words = _language_words()
    labels = type_labels()
    formats_ = (formats.get_format("DATETIME_FORMAT"), formats.get_format("SHORT_DATE_FORMAT"))
    threads = list(threads)
    shown = context.get("shown_rows")
    if shown is not None:
        shown.extend(thread.pk for thread in threads)
    return mark_safe(  # noqa: S308 - every value escaped in _row
        "".join(_row(thread, words, labels, formats_) for thread in threads)
    )
