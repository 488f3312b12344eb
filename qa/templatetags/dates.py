"""Dates as Django's `date` filter writes them, from a format taken apart once per process.

A thread page writes the date of its question and of every answer; Django's filter looks
the format up, splits it with a regular expression and asks gettext for the month's name
and "a.m."/"p.m." each time, which cost more than the rest of an answer's byline. Here the
format is split once, digits are written directly, and the words (a month's abbreviation,
"noon", "3:30 p.m.") are kept per language: the catalogues do not change while a process
runs. Any other format character is written by Django's own DateFormat.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template import defaultfilters
from django.utils import formats
from django.utils.dateformat import DateFormat, re_escaped, re_formatchars
from django.utils.translation import get_language

register = template.Library()

_DIGITS: dict[str, Callable[[datetime.datetime], str]] = {
    "j": lambda value: str(value.day),
    "n": lambda value: str(value.month),
    "Y": lambda value: f"{value.year:04d}",
    "G": lambda value: str(value.hour),
    "H": lambda value: f"{value.hour:02d}",
    "i": lambda value: f"{value.minute:02d}",
    "d": lambda value: f"{value.day:02d}",
    "m": lambda value: f"{value.month:02d}",
    "c": lambda value: value.isoformat(),
}
# Characters whose text is a word in the reader's language, by what it depends on.
_WORDS: dict[str, Callable[[datetime.datetime], tuple]] = {
    "N": lambda value: (value.month,),
    "P": lambda value: (value.hour, value.minute),
    "a": lambda value: (value.hour > 11,),
}

# A format's pieces: (True, a format character) or (False, text written as it is).
_formats: dict[str, tuple[tuple[bool, str], ...]] = {}
_words: dict[tuple, str] = {}
MAX_WORDS = 20000


@receiver(setting_changed)
def _forget(**kwargs: object) -> None:
    """A language's formats or catalogue may have changed (tests only)."""
    _formats.clear()
    _words.clear()


def _pieces(format_string: str) -> tuple[tuple[bool, str], ...]:
    pieces = _formats.get(format_string)
    if pieces is None:
        pieces = tuple(
            (True, piece) if index % 2 else (False, re_escaped.sub(r"\1", piece))
            for index, piece in enumerate(re_formatchars.split(format_string))
            if index % 2 or piece
        )
        _formats[format_string] = pieces
    return pieces


def format_datetime(value: datetime.datetime, format_string: str) -> str:
    """`django.utils.dateformat.format(value, format_string)` for an aware or naive
    datetime, the same text."""
    written = []
    django_format = None
    language = None
    for is_character, piece in _pieces(format_string):
        if not is_character:
            written.append(piece)
        elif (digits := _DIGITS.get(piece)) is not None:
            written.append(digits(value))
        elif (depends := _WORDS.get(piece)) is not None:
            if language is None:
                language = get_language()
            key = (language, piece, *depends(value))
            word = _words.get(key)
            if word is None:
                word = str(getattr(DateFormat(value), piece)())
                if len(_words) >= MAX_WORDS:
                    _words.clear()
                _words[key] = word
            written.append(word)
        else:
            if django_format is None:
                django_format = DateFormat(value)
            written.append(str(getattr(django_format, piece)()))
    return "".join(written)


@register.filter(expects_localtime=True, is_safe=False)
def date_text(value: datetime.datetime | None, arg: str = "DATETIME_FORMAT") -> str:
    """`{{ when|date_text:"DATETIME_FORMAT" }}`: what `{{ when|date:"DATETIME_FORMAT" }}`
    writes for a datetime (a format setting's name or a format), in local time."""
    if not isinstance(value, datetime.datetime):
        return defaultfilters.date(value, arg)
    return format_datetime(value, formats.get_format(arg))
