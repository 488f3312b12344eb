"""schema.org QAPage data for a thread page, so search engines show the accepted answer.

https://developers.google.com/search/docs/appearance/structured-data/qapage
The JSON is written into a <script type="application/ld+json"> element: browsers never run
it, but "</script>" inside a post must not end the element early, so <, > and & are
escaped as \\u003c etc. (as Django's json_script does). Only published posts appear.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from html import unescape
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder

from community.models import profile_url_maker
from qa.models import Answer, Thread

MAX_TEXT = 5000
_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}
QUESTION_TYPES = frozenset({Thread.Type.QUESTION, Thread.Type.PROBLEM})


# Stored post HTML is the sanitizer's well-formed output, so dropping every tag leaves its
# text; this runs for every answer of a page rendered anew, where Django's strip_tags (an
# HTML parser, run until the text stops changing) cost a fifth of a long thread's render.
_TAG = re.compile(r"<[^>]*>")


def _plain(html: str) -> str:
    return " ".join(unescape(_TAG.sub(" ", html or "")).split())[:MAX_TEXT]


def _person(user: Any, profile_url: Callable[[str], str]) -> dict[str, str]:
    return {"@type": "Person", "name": user.public_name, "url": profile_url(user.username)}


def _answer(answer: Answer, thread_url: str, profile_url: Callable[[str], str]) -> dict[str, Any]:
    return {
        "@type": "Answer",
        "text": _plain(answer.body_html),
        "dateCreated": answer.created_at,
        "upvoteCount": answer.helpful_count,
        "url": f"{thread_url}#answer-{answer.pk}",
        "author": _person(answer.author, profile_url),
    }


def qa_page(
    *,
    thread: Thread,
    answers: list[Answer],
    origin: str,
    answer_count: int | None = None,
    path: str | None = None,
) -> dict[str, Any] | None:
    """The QAPage for a public question or problem; None for ideas, praise, hidden threads.
    `answers` are those its first page shows; `answer_count`, the thread's (by default
    theirs); `path`, the thread's address when the page has it already (by default
    reversed again)."""
    if thread.visibility != "published" or thread.type not in QUESTION_TYPES:
        return None
    published = [answer for answer in answers if answer.visibility == "published"]
    thread_url = origin + (path or thread.get_absolute_url())
    # Every person's address from one reverse (plain dicts, one json.dumps for the page).
    relative_profile_url = profile_url_maker()

    def profile_url(username: str) -> str:
        return origin + relative_profile_url(username)

    question: dict[str, Any] = {
        "@type": "Question",
        "name": thread.title,
        "text": _plain(thread.body_html) or thread.title,
        "answerCount": len(published) if answer_count is None else answer_count,
        "upvoteCount": thread.me_too_count,
        "dateCreated": thread.created_at,
        "author": _person(thread.author, profile_url),
    }
    accepted = [answer for answer in published if answer.is_accepted]
    if accepted:
        question["acceptedAnswer"] = _answer(accepted[0], thread_url, profile_url)
    suggested = [_answer(a, thread_url, profile_url) for a in published if not a.is_accepted]
    if suggested:
        question["suggestedAnswer"] = suggested
    return {"@context": "https://schema.org", "@type": "QAPage", "mainEntity": question}


def to_script_json(data: dict[str, Any]) -> str:
    # Three replaces rather than str.translate, which looks up every character of a long
    # thread's text in a dict one by one (a tenth of a miss's structured data).
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)
    for char, escaped in _ESCAPES.items():
        text = text.replace(chr(char), escaped)
    return text
