"""Canned replies' placeholders: `{customer_name}`, `{product}` and `{release}`.

A placeholder is a name in single braces, as in Python's str.format; `{{` and `}}` write a
brace itself. Only these three names exist: anything else in braces is an error the form
shows beside the text, so a typo never reaches a customer as `{custmer_name}`. Filling in
is done for the writer, in the answer form, and stays editable before posting; a value the
thread does not have (no product, no release) leaves the placeholder's name in brackets,
for the rep to see and replace.
"""

from __future__ import annotations

import re
from string import Formatter
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from qa.models import Thread

PLACEHOLDERS = ("customer_name", "product", "release")


def placeholder_errors(text: str) -> list[str]:
    """What is wrong with the placeholders of `text`, one sentence each; empty if nothing."""
    try:
        names = [
            name for _literal, name, _spec, _conv in Formatter().parse(text) if name is not None
        ]
    except ValueError:
        return [
            _(
                "A brace is not closed. Write a placeholder as {customer_name}, {product} or "
                "{release}, and a brace itself as {{ or }}."
            )
        ]
    unknown = sorted({name for name in names if name not in PLACEHOLDERS})
    if not unknown:
        return []
    return [
        _("Unknown placeholder %(names)s: use {customer_name}, {product} or {release}.")
        % {"names": ", ".join("{" + name + "}" for name in unknown)}
    ]


def placeholder_values(thread: Thread) -> dict[str, str]:
    """The thread's values for each placeholder (its relations are loaded by the page)."""
    product = thread.product.name if thread.product_id else ""
    release = thread.version.name if getattr(thread, "version_id", None) else ""
    return {
        "customer_name": thread.author.public_name,
        "product": product,
        "release": release,
    }


def fill(text: str, values: dict[str, Any]) -> str:
    """The text with its placeholders filled in; a missing value shows as [name]."""
    if placeholder_errors(text):
        return text
    shown = {name: values.get(name) or f"[{name}]" for name in PLACEHOLDERS}
    return text.format_map(shown)


_SPACES = re.compile(r"\s+")


def preview(text: str, length: int = 80) -> str:
    """The first words of a reply for the picker's list."""
    flat = _SPACES.sub(" ", text).strip()
    return flat if len(flat) <= length else flat[: length - 1] + "…"
