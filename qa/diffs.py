"""What changed between two versions of a post, word by word, for the revisions page.

Text is split into tokens before difflib compares them: runs of Latin letters and digits
are words, whitespace runs are kept as they are, and each CJK character (kanji, kana,
full-width forms) is a token of its own, since Japanese puts no spaces between words and
a changed particle should not mark the whole sentence. The Markdown source is compared,
never the HTML: every piece is escaped, and only our own <ins>/<del> tags are added, each
with words for screen readers.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

_CJK = (
    "\u3040-\u30ff"  # hiragana, katakana
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"  # kanji
    "\uff00-\uffef"  # full-width and half-width forms
    "\u3000-\u303f"  # CJK punctuation
    "\uac00-\ud7af"  # hangul
)
_TOKEN = re.compile(rf"\s+|[{_CJK}]|[^\W{_CJK}]+|.", re.DOTALL)


def tokens(text: str) -> list[str]:
    """The text as diff tokens; joined again they give the text back exactly."""
    return _TOKEN.findall(text)


@dataclass(frozen=True)
class Piece:
    kind: str  # "same", "ins" or "del"
    text: str


def diff_pieces(old: str, new: str) -> list[Piece]:
    """The change from `old` to `new` as runs of kept, inserted and deleted text."""
    before, after = tokens(old), tokens(new)
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    pieces: list[Piece] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            pieces.append(Piece("same", "".join(before[i1:i2])))
            continue
        if op in ("delete", "replace"):
            pieces.append(Piece("del", "".join(before[i1:i2])))
        if op in ("insert", "replace"):
            pieces.append(Piece("ins", "".join(after[j1:j2])))
    return pieces


def diff_html(old: str, new: str) -> SafeString:
    """The change as escaped HTML with <ins> and <del>; each says what it is to a screen
    reader (the marks alone are not announced by all of them)."""
    words = {"ins": escape(_("Added:")), "del": escape(_("Removed:"))}
    out = []
    for piece in diff_pieces(old, new):
        text = escape(piece.text)
        if piece.kind == "same":
            out.append(text)
        else:
            hidden = '<span class="visually-hidden">'
            out.append(
                f"<{piece.kind}>{hidden}[{words[piece.kind]} </span>{text}{hidden}]</span>"
                f"</{piece.kind}>"
            )
    return mark_safe("".join(out))  # noqa: S308 - every piece of text is escaped above
