"""Thread pages assembled from one shared rendering and each viewer's own parts.

Nearly everyone who reads a thread sees the same page: anonymous visitors, and signed-in
customers who hold no role in the thread's brand and do not moderate it. What differs
between them is small and marked in the templates with `{% viewer_slot %}`: the header's
account links, notices and messages, whether they may edit or flag, their vote and me too,
the accept button for the asker, and the answer form. So the page is rendered once per
version (`render`, as an anonymous reader would see it, with a marker where each slot
goes) and cached; each request then fills the slots for its own viewer (`serve`) with the
same small templates the full page includes. A signed-in reader's page costs one query,
for their user together with everything about them on this thread
(qa.selectors.signed_in_reader), and their session comes in the page's own cache round
trip; an anonymous visitor's costs no query at all, and is also kept whole.

Everyone else — the brand's own people, moderators of the brand, staff, and anyone whose
hidden post is on the thread — gets the page rendered for them, uncached.

The cache is the page cache's (community/page_cache.py): a change bumps the thread's version and
the stored rendering stops being served at once. A rendering is stored only for a thread
that is published and not closed as a duplicate, so serving one also means the thread is
still public at that address.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import lru_cache
from types import SimpleNamespace
from typing import Any

from django.conf import settings
from django.contrib import auth
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.template.loader import get_template
from django.urls import get_urlconf, reverse
from django.utils.crypto import constant_time_compare
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from brands.permissions import remember_brand_roles
from community import page_cache
from community.permissions import remember_verified
from moderation.permissions import is_moderator_for_navigation, remember_appointments

from . import permissions, selectors
from .forms import AnswerForm, MeTooForm, new_submission_token
from .models import Thread, Visibility

# Stands in for an id while a slot's variant is rendered once for every answer that shares
# it; nothing else in those small templates is a number this long.
SENTINEL_ID = 918_273_645_546_372_819
SENTINEL = str(SENTINEL_ID)
_MARKER = "<!--sodan-slot:{token}:{name}:{args}-->"
# Where the slots' HTML, kept per process, holds the CSRF token: put in place of the
# rendering's own mark when a page is filled (page_cache.Marks).
_SLOT_CSRF_MARK = page_cache.Marks.new().csrf
# Where the answer form's submission token goes; not a valid token itself (the colon), so
# a mark that was somehow not replaced posts unguarded rather than shared.
SUBMISSION_TOKEN_MARK = "__sodan:submission-token__"  # noqa: S105 (a placeholder)


@dataclass
class SharedPage:
    """Collects the slot markers of one shared rendering (the template tag calls `marker`).
    The token is new for each rendering, so nothing a person wrote can pose as a slot."""

    token: str = field(default_factory=lambda: secrets.token_hex(8))

    def marker(self, name: str, args: list[Any]) -> SafeString:
        text = ",".join(str(arg) for arg in args)
        return SafeString(_MARKER.format(token=self.token, name=name, args=text))

    def split(self, html: str) -> tuple[str | tuple[str, tuple[str, ...]], ...]:
        """The page as text and (slot name, arguments) in order, for filling per viewer."""
        pattern = re.compile(
            re.escape("<!--sodan-slot:" + self.token + ":") + r"([a-z_]+):([^>]*)-->"
        )
        pieces = pattern.split(html)
        parts: list[str | tuple[str, tuple[str, ...]]] = []
        for index in range(0, len(pieces), 3):
            parts.append(pieces[index])
            if index + 2 < len(pieces):
                args = pieces[index + 2]
                parts.append((pieces[index + 1], tuple(args.split(",")) if args else ()))
        return tuple(parts)


@dataclass(frozen=True)
class Rendering:
    """A thread page's shared rendering, as cached."""

    parts: tuple[str | tuple[str, tuple[str, ...]], ...]
    marks: page_cache.Marks  # where its nonce and CSRF token go
    thread_id: int
    slug: str
    brand_id: int
    author_id: int
    locked_at: datetime | None


@dataclass
class Viewer:
    """The person a page is being filled for, and what they may do on this thread."""

    request: HttpRequest
    user: Any
    thread: SimpleNamespace  # the thread's facts, shaped for the permission checks
    voted: frozenset[int] = frozenset()
    said_me_too: bool = False
    unread_notifications: int = 0
    teams: tuple[dict[str, str], ...] = ()
    # What the slots' HTML depends on besides the viewer: the language and the address
    # scheme (a brand's own domain) of this request.
    language: str = field(default_factory=get_language)
    urlconf: str | None = field(default_factory=get_urlconf)
    _answer_rights: dict[bool, tuple[bool, bool, bool, bool]] = field(default_factory=dict)

    def answer_rights(self, author_id: int) -> tuple[bool, bool, bool, bool]:
        """(vote, accept, edit, flag) on an answer: the rules look only at whether the
        answer is the viewer's own, so two checks serve every answer on the page."""
        own = author_id == self.user.pk
        if own not in self._answer_rights:
            answer = SimpleNamespace(
                pk=0, author_id=author_id, thread=self.thread, visibility=Visibility.PUBLISHED
            )
            self._answer_rights[own] = (
                permissions.can_vote(self.user, answer),
                permissions.can_accept(self.user, answer),
                permissions.can_edit_answer(self.user, answer),
                permissions.can_flag(self.user, answer),
            )
        return self._answer_rights[own]


# --- Serving -----------------------------------------------------------------------------


def serve(request: HttpRequest, thread_id: int, slug: str) -> HttpResponse | None:
    """The page from the cache, or None when the view has to load the thread (nothing
    cached, another address, or a viewer who gets a page of their own)."""
    if not page_cache.shareable(request):
        return None
    version_key, shared_key, anonymous_key = page_cache.thread_keys(thread_id, request)
    whole = page_cache.cacheable(request)
    if whole:
        stamp, found = page_cache.lookup(version_key, anonymous_key)
        request._sodan_thread_stamp = stamp
        page = found.get(anonymous_key)
        if page is not None and page[0] == slug:
            return page_cache.respond(request, page[1], page[2], "hit")
        rendering = page_cache.lookup_one(shared_key, stamp)
    else:
        # A signed-in reader's session comes in the same round trip as the page.
        stamp, found = page_cache.lookup(version_key, shared_key, session=request.session)
        request._sodan_thread_stamp = stamp
        rendering = found.get(shared_key)
    if rendering is None or rendering.slug != slug:
        return None
    viewer = _viewer(request, rendering)
    if viewer is None:
        return None
    page = fill(rendering, viewer).encode()
    if whole:
        page_cache.store(anonymous_key, stamp, (slug, page, rendering.marks))
    return page_cache.respond(request, page, rendering.marks, "hit")


def render(
    request: HttpRequest, thread: Thread, render_page: Callable[[Any, dict], HttpResponse]
) -> HttpResponse:
    """Render the page for this request; for a public thread and a viewer without powers
    here, render it shared, store it and fill it in.

    `render_page(viewer, extra_context)` renders the thread page as `viewer` would see it.
    """
    stamp = getattr(request, "_sodan_thread_stamp", None)  # read by `serve`, before the rows
    if (
        stamp is None
        or thread.visibility != Visibility.PUBLISHED
        or thread.duplicate_of_id is not None
    ):
        return render_page(request.user, {})
    # The thread's facts first (who may do what), the rendering's text once it exists.
    rendering = Rendering(
        parts=(),
        marks=page_cache.Marks.new(),
        thread_id=thread.pk,
        slug=thread.slug,
        brand_id=thread.brand_id,
        author_id=thread.author_id,
        locked_at=thread.locked_at,
    )
    viewer = _viewer(request, rendering)
    if viewer is None:
        return render_page(request.user, {})
    shared = SharedPage()
    anonymous = AnonymousUser()
    response = render_page(
        anonymous, {"shared_page": shared, "user": anonymous, **rendering.marks.context()}
    )
    if response.status_code != 200 or response.streaming:
        return response
    rendering = replace(rendering, parts=shared.split(response.content.decode()))
    _version_key, shared_key, anonymous_key = page_cache.thread_keys(thread.pk, request)
    page_cache.store(shared_key, stamp, rendering)
    page = fill(rendering, viewer).encode()
    if page_cache.cacheable(request):
        page_cache.store(anonymous_key, stamp, (thread.slug, page, rendering.marks))
    return page_cache.respond(request, page, rendering.marks, "miss")


def _viewer(request: HttpRequest, rendering: Rendering) -> Viewer | None:
    """The viewer, if the shared rendering is their page; None if they have powers here
    (the brand's people, its moderators, staff) or a hidden post of their own on it."""
    thread = SimpleNamespace(
        pk=rendering.thread_id,
        author_id=rendering.author_id,
        brand_id=rendering.brand_id,
        brand=SimpleNamespace(pk=rendering.brand_id),
        visibility=Visibility.PUBLISHED,
        duplicate_of_id=None,
        locked_at=rendering.locked_at,
    )
    facts = _signed_in_reader(request, rendering.thread_id)
    if not request.user.is_authenticated:
        return Viewer(request=request, user=request.user, thread=thread)
    # The user itself rather than the lazy wrapper around it: the slots ask it a lot.
    user = getattr(request, "_cached_user", request.user)
    if user.is_staff or not user.is_active:
        return None
    if facts is None:
        facts = selectors.thread_viewer_facts(user=user, thread_id=rendering.thread_id)
    if (
        facts.has_hidden_answers
        or facts.brand_roles.get(rendering.brand_id)
        or facts.moderates_everywhere
        or rendering.brand_id in facts.moderated_brand_ids
    ):
        return None
    # What the permission checks would ask the database, answered by that one query.
    remember_verified(user, facts.verified)
    remember_appointments(
        user, is_global=facts.moderates_everywhere, brand_ids=facts.moderated_brand_ids
    )
    remember_brand_roles(user, facts.brand_roles)
    return Viewer(
        request=request,
        user=user,
        thread=thread,
        voted=facts.voted,
        said_me_too=facts.said_me_too,
        unread_notifications=facts.unread_notifications,
        teams=facts.teams,
    )


def _signed_in_reader(request: HttpRequest, thread_id: int) -> selectors.ThreadViewerFacts | None:
    """Load the session's user together with their facts on this thread, in one query, and
    make them the request's user; None (and Django's own loading later) in any case but the
    plain one.

    It accepts the user exactly when django.contrib.auth.get_user would without changing
    anything: the session names a listed backend, which lets the user in (active), and
    the session's hash matches the user's current one. Anything else (no session, a hash
    made with an old secret, a changed password, a removed backend) is left to Django,
    which logs out or re-keys the session as it always does.
    """
    if hasattr(request, "_cached_user") or settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return None
    session = request.session
    try:
        user_id = get_user_model()._meta.pk.to_python(session[auth.SESSION_KEY])
        backend_path = session[auth.BACKEND_SESSION_KEY]
        session_hash = session[auth.HASH_SESSION_KEY]
    except (KeyError, ValidationError):
        return None
    if backend_path not in settings.AUTHENTICATION_BACKENDS:
        return None
    user, facts = selectors.signed_in_reader(user_id=user_id, thread_id=thread_id)
    if user is None or not auth.load_backend(backend_path).user_can_authenticate(user):
        return None
    if not session_hash or not constant_time_compare(session_hash, user.get_session_auth_hash()):
        return None
    request._cached_user = user  # where AuthenticationMiddleware's lazy user looks first
    return facts


# --- Filling the slots --------------------------------------------------------------------


def fill(rendering: Rendering, viewer: Viewer) -> str:
    """The page for this viewer, its CSRF token still the rendering's mark (replaced, with
    the nonce's, as it is served)."""
    out = []
    csrf = rendering.marks.csrf
    for part in rendering.parts:
        if isinstance(part, str):
            out.append(part)
        else:
            name, args = part
            out.append(SLOTS[name](viewer, args).replace(_SLOT_CSRF_MARK, csrf))
    return "".join(out)


def _render(template_name: str, context: dict[str, Any]) -> str:
    return get_template(template_name).render(context)


@lru_cache(maxsize=512)
def _variant(kind: str, flags: tuple, language: str, urlconf: str | None) -> str:
    """A slot's HTML for one combination of rights, with SENTINEL for the id, rendered once
    per process (the language and the address scheme it was rendered under are part of
    the key). No person's data goes in: the CSRF token is a mark replaced when served."""
    csrf = _SLOT_CSRF_MARK
    if kind == "body":
        (signed_in,) = flags
        user = SimpleNamespace(is_authenticated=signed_in)
        return _render("includes/_body_attributes.html", {"user": user, "csrf_token": csrf})
    if kind == "vote":
        can_vote, voted = flags
        answer = SimpleNamespace(pk=SENTINEL_ID, viewer_can_vote=can_vote, voted_by_viewer=voted)
        return _render("qa/_vote_button.html", {"answer": answer, "csrf_token": csrf})
    if kind == "answer_actions":
        accepted, can_accept, can_edit, can_flag = flags
        answer = SimpleNamespace(
            pk=SENTINEL_ID,
            is_accepted=accepted,
            viewer_can_accept=can_accept,
            viewer_can_edit=can_edit,
            viewer_can_flag=can_flag,
            viewer_can_endorse=False,
            visibility=Visibility.PUBLISHED,
        )
        context = {"answer": answer, "can_moderate": False, "brand_panel": None}
        return _render("qa/_answer_actions.html", {**context, "csrf_token": csrf})
    thread = SimpleNamespace(pk=SENTINEL_ID, visibility=Visibility.PUBLISHED)
    if kind == "thread_actions":
        can_edit, can_flag = flags
        context = {"can_edit": can_edit, "can_flag": can_flag, "can_moderate": False}
        return _render("qa/_thread_actions.html", {**context, "thread": thread})
    if kind == "me_too_form":
        can_me_too, said = flags
        context = {"can_me_too": can_me_too, "said_me_too": said, "me_too_form": MeTooForm()}
        return _render("qa/_me_too_form.html", {**context, "thread": thread, "csrf_token": csrf})
    if kind == "answer_form":
        form = AnswerForm(initial={"submission_token": SUBMISSION_TOKEN_MARK})
        context = {"can_answer": True, "answer_refusal": "", "answer_form": form}
        return _render("qa/_answer_form.html", {**context, "thread": thread, "csrf_token": csrf})
    raise ValueError(f"no variant for {kind}")


def _shared_variant(viewer: Viewer, kind: str, flags: tuple, object_id: int) -> str:
    html = _variant(kind, flags, viewer.language, viewer.urlconf)
    return html.replace(SENTINEL, str(object_id))


def _body(viewer: Viewer, args: tuple[str, ...]) -> str:
    # The CSRF token for htmx, for those who can post; an anonymous page holds none.
    return _variant("body", (viewer.user.is_authenticated,), viewer.language, viewer.urlconf)


def _nav(viewer: Viewer, args: tuple[str, ...]) -> str:
    user = viewer.user
    if not user.is_authenticated:
        context = {"user": user, "request": viewer.request}
        return _render("includes/_nav_viewer.html", context)
    teams = tuple((team["slug"], team["name"]) for team in viewer.teams)
    return _signed_in_nav(
        (user.pk, user.username, user.public_name, user.is_staff),
        viewer.unread_notifications,
        is_moderator_for_navigation(user),
        teams,
        viewer.language,
        viewer.urlconf,
    )


@lru_cache(maxsize=1024)
def _signed_in_nav(
    person: tuple, unread: int, moderation_link: bool, teams: tuple, language: str, urlconf: Any
) -> str:
    """A signed-in person's header links, kept per process for the next page they read.
    Everything the links show is in the key, the person first, so nobody is ever shown
    another's; the CSRF token is a mark replaced when served."""
    pk, username, public_name, is_staff = person
    user = SimpleNamespace(
        pk=pk,
        username=username,
        public_name=public_name,
        is_staff=is_staff,
        is_authenticated=True,
        get_absolute_url=lambda: reverse("community:profile", kwargs={"username": username}),
    )
    context = {
        "user": user,
        "unread_notifications": unread,
        "show_moderation_link": moderation_link,
        "brand_navigation": [{"slug": slug, "name": name} for slug, name in teams],
        "csrf_token": _SLOT_CSRF_MARK,
    }
    return _render("includes/_nav_viewer.html", context)


def _notices(viewer: Viewer, args: tuple[str, ...]) -> str:
    user, messages = viewer.user, get_messages(viewer.request)
    if not messages and not (user.is_authenticated and user.is_suspended):
        return _no_notices(viewer.language)
    return _render("includes/_notices.html", {"user": user, "messages": messages})


@lru_cache(maxsize=8)
def _no_notices(language: str) -> str:
    return _render("includes/_notices.html", {"user": AnonymousUser(), "messages": ()})


def _thread_actions(viewer: Viewer, args: tuple[str, ...]) -> str:
    user, thread = viewer.user, viewer.thread
    flags = (permissions.can_edit_thread(user, thread), permissions.can_flag(user, thread))
    return _shared_variant(viewer, "thread_actions", flags, thread.pk)


def _me_too_form(viewer: Viewer, args: tuple[str, ...]) -> str:
    flags = (permissions.can_me_too(viewer.user, viewer.thread), viewer.said_me_too)
    return _shared_variant(viewer, "me_too_form", flags, viewer.thread.pk)


def _answer_form(viewer: Viewer, args: tuple[str, ...]) -> str:
    user, thread = viewer.user, viewer.thread
    refusal = permissions.answer_refusal(user, thread)
    if not refusal:
        # Each viewer's form gets a token of its own (qa.forms: a submission sent twice
        # is saved once); the variant kept per process holds only the mark.
        html = _shared_variant(viewer, "answer_form", (), thread.pk)
        return html.replace(SUBMISSION_TOKEN_MARK, new_submission_token())
    context = {"can_answer": permissions.can_ask(user), "answer_refusal": refusal}
    context |= {"user": user, "request": viewer.request, "thread": thread}
    return _render("qa/_answer_form.html", context)


def _vote(viewer: Viewer, args: tuple[str, ...]) -> str:
    answer_id, author_id = int(args[0]), int(args[1])
    can_vote = viewer.answer_rights(author_id)[0]
    return _shared_variant(viewer, "vote", (can_vote, answer_id in viewer.voted), answer_id)


def _answer_actions(viewer: Viewer, args: tuple[str, ...]) -> str:
    answer_id, author_id, accepted = int(args[0]), int(args[1]), args[2] == "True"
    _can_vote, can_accept, can_edit, can_flag = viewer.answer_rights(author_id)
    flags = (accepted, can_accept, can_edit, can_flag)
    return _shared_variant(viewer, "answer_actions", flags, answer_id)


SLOTS: dict[str, Callable[[Viewer, tuple[str, ...]], str]] = {
    "body": _body,
    "nav": _nav,
    "notices": _notices,
    "thread_actions": _thread_actions,
    "me_too_form": _me_too_form,
    "answer_form": _answer_form,
    "vote": _vote,
    "answer_actions": _answer_actions,
}
