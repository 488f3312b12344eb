"""Drafts of posts kept in the person's browser until the server has saved them.

What a person types in the ask, answer and edit forms is kept in their browser's
localStorage as they type (themes/static/themes/drafts.js), under a key naming the form
and what it is for: `answer:42` is an answer on thread 42, `ask:hoshino` a question in the
brand hoshino, `answer-edit:7` an edit of answer 7. A failed CSRF check, an ended session,
a server error or a closed tab then loses nothing: the form shown empty again gets the
text back.

Only the server knows that a post was saved, so the response that confirms it (the
redirect after a successful post) sets a short-lived cookie naming the keys to forget;
the script on the next page forgets them and deletes the cookie. A cookie rather than a
query string or a mark in the page: thread pages are cached and shared between readers
(community/page_cache.py), and the page after a post must stay one of them.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse

SAVED_COOKIE = "sodan_drafts_saved"
# Long enough for the page after the redirect to load its script, short enough that a
# page opened much later forgets nothing by accident.
SAVED_COOKIE_SECONDS = 10 * 60
# Keys in the cookie are separated by a character no key contains (keys are made of a
# kind, a colon and an id or a brand's slug) and that a cookie may hold unquoted.
_SEPARATOR = "|"


def key(kind: str, target: object) -> str:
    """The draft key of a form: its kind ("ask", "answer", "thread-edit", "answer-edit")
    and what it is for (a brand's slug, a thread's or an answer's id)."""
    return f"{kind}:{target}"


def forget_when_saved(response: HttpResponse, request: HttpRequest, *keys: str) -> HttpResponse:
    """Tell the browser, with the response confirming a saved post, to forget those drafts.
    Keys another post named a moment ago and not yet forgotten (a second tab) are kept."""
    pending = [k for k in request.COOKIES.get(SAVED_COOKIE, "").split(_SEPARATOR) if k]
    names = list(dict.fromkeys([*pending, *keys]))
    response.set_cookie(
        SAVED_COOKIE,
        _SEPARATOR.join(names[-20:]),
        max_age=SAVED_COOKIE_SECONDS,
        path="/",
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=False,  # read and deleted by the page's script
        samesite="Lax",
    )
    return response
