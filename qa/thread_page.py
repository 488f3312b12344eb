"""Thread pages assembled from one shared rendering and each viewer's own parts.

Nearly everyone who reads a thread sees the same page: anonymous visitors, and signed-in
customers who hold no role in the thread's brand and do not moderate it. What differs
between them is small and marked in the templates with `{% viewer_slot %}`: the header's
account links, notices and messages, whether they may edit or flag, their vote and me too,
the accept button for the asker, and the answer form. So the page is rendered once per
version (`render`, as an anonymous reader would see it, with a marker where each slot
goes) and cached; each request then fills the slots for its own viewer (`serve`) with the
same small templates the full page includes, with the viewer's rights asked of the same
rules on copies of the same rows (qa/rights.py). A signed-in reader's page costs one
query, Django's own loading of their user, which brings everything about them on this
thread with it (community/viewer_facts.py), and their session comes in the page's own
cache round trip; an anonymous visitor's costs no query at all, and is also kept whole.

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
from dataclasses import dataclass, field
from functools import lru_cache
from types import SimpleNamespace
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.contrib.messages import get_messages
from django.core.signals import setting_changed
from django.db import models
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.template.defaultfilters import urlencode
from django.template.loader import get_template
from django.urls import get_urlconf, reverse
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from brands.models import Brand
from brands.permissions import brand_roles
from brands.selectors import navigation_brands
from community import page_cache, viewer_facts
from community.compiled_queries import instance_builder
from community.facts import UNREAD
from community.viewer_facts import SOURCES
from follows.facts import THREAD_FOLLOW
from moderation.permissions import is_moderator_for_navigation, moderates

from . import facts as qa_facts
from .forms import AnswerForm, MeTooForm, new_submission_token
from .models import Answer, Thread, Visibility
from .rights import ThreadViewerRights, thread_viewer_rights
from .templatetags.answer_blocks import AnswerBlocks

# Stands in for an id while a slot's variant is rendered once for every answer that shares
# it; nothing else in those small templates is a number this long.
SENTINEL_ID = 918_273_645_546_372_819
SENTINEL = str(SENTINEL_ID)
_MARKER = "<!--sodan-slot:{token}:{name}:{args}-->"
_ANY_MARKER = re.compile(r"<!--sodan-slot:([0-9a-f]+):([a-z_]+):([^>]*)-->")
# Where the slots' HTML, kept per process, holds the CSRF token: put in place of the
# rendering's own mark when a page is filled (page_cache.Marks).
_SLOT_CSRF_MARK = page_cache.Marks.new().csrf
# Where the answer form's submission token goes; not a valid token itself (the colon), so
# a mark that was somehow not replaced posts unguarded rather than shared.
SUBMISSION_TOKEN_MARK = "__sodan:submission-token__"  # noqa: S105 (a placeholder)
# Stands in for the page's path in the sign-in links of a slot kept per process for readers
# who are not signed in; only characters the links' urlencode and escaping leave as they are.
PATH_MARK = "/__sodan-page-path__"


@dataclass
class SharedPage:
    """Collects the slot markers of one shared rendering (the template tag calls `marker`).
    The token is new for each rendering, so nothing a person wrote can pose as a slot."""

    token: str = field(default_factory=lambda: secrets.token_hex(8))
    # The thread and answers the rendering shows, as the view loaded them (`keep`).
    thread: Thread | None = None
    answers: tuple[Answer, ...] = ()
    # What a reader who is not signed in may do here: the rendering asked the rules as one,
    # so the request that rendered it fills its own page for such a reader with the same.
    anonymous_rights: ThreadViewerRights | None = None
    # The answers' blocks, read from the cache when the first is rendered and the new ones
    # written when the page is done (qa/templatetags/answer_blocks.py).
    answer_blocks: AnswerBlocks | None = None

    def keep(self, thread: Thread, answers: list[Answer], rights: ThreadViewerRights) -> None:
        """Keep the thread and answers the page shows, for the rules, and the rights the
        rendering was made with (those of a reader who is not signed in)."""
        self.thread = thread
        self.answers = tuple(answers)
        self.anonymous_rights = rights

    def rows(self) -> KeptRows:
        """The kept rows as they are cached with the rendering: their values are worked
        out only for a rendering that is stored (a page read past the cache is not)."""
        thread = self.thread
        if thread is None:
            raise RuntimeError("keep() comes first")
        return KeptRows(
            thread=_values(thread),
            brand=_values(thread.brand),
            answers=tuple(_values(answer) for answer in self.answers),
        )

    def marker(self, name: str, args: list[Any]) -> SafeString:
        text = ",".join(str(arg) for arg in args)
        return SafeString(_MARKER.format(token=self.token, name=name, args=text))

    def split(self, html: str) -> tuple[str | tuple[str, tuple[str, ...]], ...]:
        """The page as text and (slot name, arguments) in order, for filling per viewer.
        One pattern for every rendering (compiling one with each rendering's token cost a
        miss a quarter of a millisecond); a marker with another token stays text."""
        pieces = _ANY_MARKER.split(html)
        parts: list[str | tuple[str, tuple[str, ...]]] = []
        text = pieces[0]
        for index in range(1, len(pieces), 4):
            token, name, args, after = pieces[index : index + 4]
            if token != self.token:
                text += _MARKER.format(token=token, name=name, args=args) + after
                continue
            parts.append(text)
            parts.append((name, tuple(args.split(",")) if args else ()))
            text = after
        parts.append(text)
        return tuple(parts)


@dataclass(frozen=True)
class KeptRows:
    """The thread, its brand and the answers a shared rendering shows, as the values of
    every field but the long texts (plain values: quick to store and read back)."""

    thread: tuple
    brand: tuple
    answers: tuple[tuple, ...]

    def objects(self) -> tuple[Thread, tuple[Answer, ...]]:
        """Model instances again, for the rules (qa/rights.py), which are asked about them
        exactly as on a page rendered for the viewer. A rule that reads a field left out
        loads it, a query per answer, which the query-count tests notice at once."""
        thread = _restored(Thread, self.thread)
        Thread.brand.field.set_cached_value(thread, _restored(Brand, self.brand))
        answers = tuple(_restored(Answer, values) for values in self.answers)
        for answer in answers:  # the row's thread_id is this thread's: only the cache is set
            Answer.thread.field.set_cached_value(answer, thread)
        return thread, answers


@dataclass(frozen=True)
class Rendering:
    """A thread page's shared rendering, as cached, with the rows it shows."""

    parts: tuple[str | tuple[str, tuple[str, ...]], ...]
    marks: page_cache.Marks  # where its nonce and CSRF token go
    slug: str
    rows: KeptRows


@dataclass
class Viewer:
    """The person a page is being filled for, and what they may do on this thread."""

    request: HttpRequest
    user: Any
    rights: ThreadViewerRights
    thread: Thread
    answers: dict[int, Answer]
    voted: frozenset[int] = frozenset()
    said_me_too: bool = False
    follow_state: str = ""  # follows/facts.py: "", "following" or "muted"
    unread_notifications: int = 0
    teams: tuple[dict[str, str], ...] = ()
    # What the slots' HTML depends on besides the viewer: the language and the address
    # scheme (a brand's own domain) of this request.
    language: str = field(default_factory=get_language)
    urlconf: str | None = field(default_factory=get_urlconf)


# --- Serving -----------------------------------------------------------------------------


def serve(request: HttpRequest, thread_id: int, slug: str) -> HttpResponse | None:
    """The page from the cache, or None when the view has to load the thread (nothing
    cached, another address, or a viewer who gets a page of their own). Each page of
    answers (`?page=N`) is a shared rendering of its own, under the thread's one version."""
    page = requested_page(request)
    if page is None or not page_cache.shareable(request, allow_query=True):
        return None
    version_key, shared_key, anonymous_key = page_cache.thread_keys(thread_id, request, page)
    whole = page_cache.cacheable(request, allow_query=True)
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
    user = _reader(request, thread_id)
    thread, answers = rendering.rows.objects()
    if not _shares_rendering(user, thread):
        return None
    page = fill(rendering, _viewer(request, user, thread, answers)).encode()
    if whole:
        page_cache.store(anonymous_key, stamp, (slug, page, rendering.marks))
    return page_cache.respond(request, page, rendering.marks, "hit")


def render(
    request: HttpRequest,
    thread: Thread,
    render_page: Callable[[Any, dict], HttpResponse],
    *,
    page: int = 1,
) -> HttpResponse:
    """Render the page for this request; for a public thread and a viewer without powers
    here, render it shared, store it (when `serve` read the stamp to store it under) and
    fill it in.

    `render_page(viewer, extra_context)` renders answer page `page` of the thread as
    `viewer` would see it (and hands the thread and answers it shows to
    `extra_context["shared_page"]`).
    """
    stamp = getattr(request, "_sodan_thread_stamp", None)  # read by `serve`, before the rows
    if thread.visibility != Visibility.PUBLISHED or thread.duplicate_of_id is not None:
        return render_page(request.user, {})
    if stamp is None and not page_cache.shareable(request, allow_query=True):
        return render_page(request.user, {})
    # Without a stamp (an address with another query, such as a campaign's tag) the page
    # is assembled as a miss is, and stored nowhere: the same HTML, and the slots' parts
    # kept per process instead of the small templates rendered again for every answer.
    user = _reader(request, thread.pk)
    if not _shares_rendering(user, thread):
        return render_page(request.user, {})
    shared = SharedPage()
    anonymous = AnonymousUser()
    marks = page_cache.Marks.new()
    response = render_page(anonymous, {"shared_page": shared, "user": anonymous, **marks.context()})
    if response.status_code != 200 or response.streaming:
        return response
    if shared.answer_blocks is not None:
        shared.answer_blocks.store()
    parts = shared.split(response.content.decode())
    _version_key, shared_key, anonymous_key = page_cache.thread_keys(thread.pk, request, page)
    stored: dict[str, Any] = {}
    if stamp is not None:
        stored[shared_key] = Rendering(
            parts=parts, marks=marks, slug=thread.slug, rows=shared.rows()
        )
    # This request fills its page from the rows the rendering was made from, which are the
    # rows kept with it (the rules read no field a kept row leaves out: see KeptRows).
    # A reader who is not signed in may do what the rendering was made for: asked once.
    rights = None if user.is_authenticated else shared.anonymous_rights
    viewer = _viewer(request, user, shared.thread, shared.answers, rights)
    html = _fill(parts, marks, viewer).encode()
    if stamp is not None and page_cache.cacheable(request, allow_query=True):
        stored[anonymous_key] = (thread.slug, html, marks)
    if stored:  # both in one round trip
        page_cache.store_many(stamp, stored)
    return page_cache.respond(request, html, marks, "miss")


def requested_page(request: HttpRequest) -> int | None:
    """The answer page a plain address names: 1 without a query, n for exactly `?page=n`
    with n from 2; None for any other query (that request is rendered, not served from
    the cache, and the view answers a malformed page with 404 and `?page=1` with a
    redirect to the thread's own address)."""
    if not request.GET:
        return 1
    values = request.GET.getlist("page")
    if len(request.GET) != 1 or len(values) != 1:
        return None
    value = values[0]
    if value.isascii() and value.isdigit() and value[0] != "0" and len(value) <= 6 and value != "1":
        return int(value)
    return None


def _reader(request: HttpRequest, thread_id: int) -> Any:
    """The request's user, with their facts on this thread: Django's own `auth.get_user`
    loads a signed-in reader's row together with them (community/auth_backends.py), one
    query; a user loaded earlier in the request gets their facts in one more."""
    with viewer_facts.preloading(thread_id=thread_id):
        signed_in = request.user.is_authenticated
    # The user itself rather than the lazy wrapper around it: the slots ask it a lot.
    user = getattr(request, "_cached_user", request.user)
    if signed_in and not viewer_facts.loaded(user, thread_id=thread_id):
        viewer_facts.load(user, thread_id=thread_id)
    return user


def _shares_rendering(user: Any, thread: Thread) -> bool:
    """Whether the shared rendering is this person's page: not for anyone with powers here
    (the brand's people, its moderators, staff) or with a hidden post of their own on it."""
    if not user.is_authenticated:
        return True
    if user.is_staff or not user.is_active:
        return False
    return not (
        brand_roles(user, thread.brand)
        or moderates(user, thread.brand)
        or SOURCES[qa_facts.OWN_HIDDEN_ANSWERS].recall(user, thread.pk)
    )


def _viewer(
    request: HttpRequest,
    user: Any,
    thread: Thread,
    answers: tuple[Answer, ...],
    rights: ThreadViewerRights | None = None,
) -> Viewer:
    """The viewer with their rights on these rows (asked of the rules unless `rights`,
    asked already for the same reader on the same rows, is given)."""
    viewer = Viewer(
        request=request,
        user=user,
        rights=rights if rights is not None else thread_viewer_rights(user, thread, answers),
        thread=thread,
        answers={answer.pk: answer for answer in answers},
    )
    if user.is_authenticated:
        viewer.voted = SOURCES[qa_facts.VOTES].recall(user, thread.pk)
        viewer.said_me_too = SOURCES[qa_facts.ME_TOO].recall(user, thread.pk)
        viewer.follow_state = SOURCES[THREAD_FOLLOW].recall(user, thread.pk)
        viewer.unread_notifications = SOURCES[UNREAD].recall(user)
        viewer.teams = tuple(navigation_brands(user))
    return viewer


@lru_cache(maxsize=8)
def _kept_fields(model: type[models.Model]) -> tuple[str, ...]:
    """The fields a shared rendering keeps of a row: all but the long texts."""
    return tuple(
        f.attname for f in model._meta.concrete_fields if not isinstance(f, models.TextField)
    )


def _values(instance: models.Model) -> tuple:
    return tuple(getattr(instance, name) for name in _kept_fields(type(instance)))


@lru_cache(maxsize=8)
def _builder(model: type[models.Model]) -> Callable[[str | None, tuple], Any]:
    return instance_builder(model, _kept_fields(model))


def _restored(model: type[models.Model], values: tuple) -> Any:
    """The instance `model.from_db` makes of the kept values (community/compiled_queries)."""
    return _builder(model)(None, values)


# --- Filling the slots --------------------------------------------------------------------


def fill(rendering: Rendering, viewer: Viewer) -> str:
    """The page for this viewer, its CSRF token still the rendering's mark (replaced, with
    the nonce's, as it is served)."""
    return _fill(rendering.parts, rendering.marks, viewer)


def _fill(parts: tuple, marks: page_cache.Marks, viewer: Viewer) -> str:
    out = []
    csrf = marks.csrf
    for part in parts:
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
        can_vote, voted, signed_in = flags
        answer = SimpleNamespace(pk=SENTINEL_ID, viewer_can_vote=can_vote, voted_by_viewer=voted)
        user = SimpleNamespace(is_authenticated=signed_in)  # anonymous: the sign-in link
        return _render("qa/_vote_button.html", {"answer": answer, "user": user, "csrf_token": csrf})
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
        can_me_too, said, signed_in = flags
        context = {"can_me_too": can_me_too, "said_me_too": said, "me_too_form": MeTooForm()}
        context["user"] = SimpleNamespace(is_authenticated=signed_in)  # anonymous: a link
        return _render("qa/_me_too_form.html", {**context, "thread": thread, "csrf_token": csrf})
    if kind == "follow":
        state, signed_in = flags
        context = {"follow_state": state, "user": SimpleNamespace(is_authenticated=signed_in)}
        return _render("qa/_follow.html", {**context, "thread": thread, "csrf_token": csrf})
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


@lru_cache(maxsize=16)
def _signed_out(template_name: str, language: str, urlconf: str | None) -> str:
    """A slot's HTML for a reader who is not signed in (its sign-in and sign-up links), with
    PATH_MARK for the page's path: the same for every page in one language and address
    scheme, so rendered once per process."""
    request = SimpleNamespace(path=PATH_MARK)
    return _render(template_name, {"user": AnonymousUser(), "request": request})


@receiver(setting_changed)
def _forget_signed_out(**kwargs: object) -> None:
    """A setting the links may show changed (tests only: settings are fixed while serving),
    as the frame's parts are forgotten (themes.templatetags.frame)."""
    _signed_out.cache_clear()


def _signed_out_slot(viewer: Viewer, template_name: str) -> str:
    html = _signed_out(template_name, viewer.language, viewer.urlconf)
    return html.replace(PATH_MARK, _quoted_path(viewer.request.path))


@lru_cache(maxsize=1024)
def _quoted_path(path: str) -> str:
    """The page's path as the sign-in links write it (`urlencode`, then escaped): asked by
    two slots of every page, and percent-encoding a thread's Japanese slug is slow."""
    return conditional_escape(urlencode(path))


def _nav(viewer: Viewer, args: tuple[str, ...]) -> str:
    user = viewer.user
    if not user.is_authenticated:
        return _signed_out_slot(viewer, "includes/_nav_viewer.html")
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
    flags = (viewer.rights.edit, viewer.rights.flag)
    return _shared_variant(viewer, "thread_actions", flags, viewer.thread.pk)


def _me_too_form(viewer: Viewer, args: tuple[str, ...]) -> str:
    flags = (viewer.rights.me_too, viewer.said_me_too, viewer.user.is_authenticated)
    return _shared_variant(viewer, "me_too_form", flags, viewer.thread.pk)


def _follow(viewer: Viewer, args: tuple[str, ...]) -> str:
    flags = (viewer.follow_state, viewer.user.is_authenticated)
    return _shared_variant(viewer, "follow", flags, viewer.thread.pk)


def _answer_form(viewer: Viewer, args: tuple[str, ...]) -> str:
    user, thread = viewer.user, viewer.thread
    refusal = viewer.rights.answer_refusal
    if not refusal:
        # Each viewer's form gets a token of its own (qa.forms: a submission sent twice
        # is saved once); the variant kept per process holds only the mark.
        html = _shared_variant(viewer, "answer_form", (), thread.pk)
        return html.replace(SUBMISSION_TOKEN_MARK, new_submission_token())
    if not user.is_authenticated:
        return _signed_out_slot(viewer, "qa/_answer_form.html")
    context = {"can_answer": viewer.rights.participate, "answer_refusal": refusal}
    context |= {"user": user, "request": viewer.request, "thread": thread}
    return _render("qa/_answer_form.html", context)


def _vote(viewer: Viewer, args: tuple[str, ...]) -> str:
    answer_id = int(args[0])
    can_vote = viewer.rights.answer(answer_id).vote
    flags = (can_vote, answer_id in viewer.voted, viewer.user.is_authenticated)
    return _shared_variant(viewer, "vote", flags, answer_id)


def _answer_actions(viewer: Viewer, args: tuple[str, ...]) -> str:
    answer_id = int(args[0])
    allowed, answer = viewer.rights.answer(answer_id), viewer.answers.get(answer_id)
    accepted = answer is not None and answer.is_accepted
    flags = (accepted, allowed.accept, allowed.edit, allowed.flag)
    return _shared_variant(viewer, "answer_actions", flags, answer_id)


SLOTS: dict[str, Callable[[Viewer, tuple[str, ...]], str]] = {
    "body": _body,
    "nav": _nav,
    "notices": _notices,
    "thread_actions": _thread_actions,
    "me_too_form": _me_too_form,
    "follow": _follow,
    "answer_form": _answer_form,
    "vote": _vote,
    "answer_actions": _answer_actions,
}
