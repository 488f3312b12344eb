"""Addresses that only take a signed-in person's form post: post an answer, vote, me too,
accept, take a thread, decide an appeal.

Such an address is not a page, yet people reach it in two other ways. Their session ended
while the page was open, so they post as nobody: Django's `login_required` sends them to
sign in and back to the action's address, which `require_POST` then answers with a bare
405 (and a vote by nobody is refused with a 403). Or they follow a bookmarked or shared
action address. `form_action` sends both to the page the form belongs to: an anonymous
post goes to sign in with `next` set to the page the form was on (where the text they
typed is waiting in their browser, qa/drafts.py), and a GET goes straight to that page.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlsplit

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

# The page a form is on: a URL name reversed with the action's own URL arguments, or a
# function of the request and those arguments.
Page = str | Callable[..., str] | None
View = Callable[..., HttpResponse]


def form_action(page: Page = None, *, sign_in: bool = True) -> Callable[[View], View]:
    """A view that takes only a signed-in person's POST; `page` names the page its form is
    on (without one, the page the form was posted from, else the home page).

    `sign_in=False` leaves an anonymous post to the view, whose permission check refuses
    it with a 403 and the reason ("Log in or sign up to vote"), as shared/DOMAIN.md says
    for a vote, a me too or an acceptance: a button press, not text that could be lost."""

    def decorator(view: View) -> View:
        @wraps(view)
        def action(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method in ("GET", "HEAD"):
                return redirect(_page_of(page, request, kwargs) or _referer(request) or "/")
            if request.method != "POST":
                return HttpResponseNotAllowed(["POST"])
            if sign_in and not request.user.is_authenticated:
                back = _referer(request) or _page_of(page, request, kwargs) or "/"
                return _sign_in(request, back)
            return view(request, *args, **kwargs)

        return action

    return decorator


def _page_of(page: Page, request: HttpRequest, kwargs: dict[str, Any]) -> str:
    if page is None:
        return ""
    if isinstance(page, str):
        return reverse(page, kwargs=kwargs)
    return page(request, **kwargs)


def _referer(request: HttpRequest) -> str:
    """The page the form was posted from, as a path on this site; not the action itself."""
    referer = request.headers.get("Referer", "")
    if not referer or not url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return ""
    parts = urlsplit(referer)
    if not parts.path.startswith("/") or parts.path == request.path:
        return ""
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _sign_in(request: HttpRequest, back: str) -> HttpResponse:
    response = redirect_to_login(back)
    if request.headers.get("HX-Request"):
        # htmx would follow the redirect and put the sign-in page inside the button.
        hx = HttpResponse(status=204)
        hx["HX-Redirect"] = response["Location"]
        return hx
    return response
