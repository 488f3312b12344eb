"""Q&A pages. Thin: parse the form, authorise, call a service, render or redirect.

Every page works as a plain form post; with htmx the vote, me-too and accept buttons
update in place (the same views answer with a fragment).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from attachments import selectors as attachment_selectors
from brands import permissions as brand_permissions
from brands import selectors as brand_selectors
from brands.models import Brand, OfficialDraft, Product
from community import page_cache
from community.compiled_queries import CompiledQuery
from community.form_actions import form_action
from feedback import selectors as feedback_selectors
from follows.selectors import follow_box, follow_state
from moderation import selectors as moderation_selectors
from moderation.ratelimit import RateLimited, address_rate_limit_hit

from . import (
    diffs,
    drafts,
    intents,
    permissions,
    rendering,
    selectors,
    services,
    thread_page,
    view_counts,
)
from .forms import AnswerEditForm, AnswerForm, AskForm, MeTooForm, ThreadEditForm, ThreadFilterForm
from .models import Answer, Thread
from .rights import thread_viewer_rights


def _apply_errors(form, error: ValidationError) -> None:
    for field, errors in error.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def _previewed(request: HttpRequest, form) -> int | None:
    """The "Preview" button without JavaScript: nothing is saved; the form comes back with
    the text kept and shown as it will look (`form.preview_html`), rendered by the same
    renderer and sanitizer as the post. Returns the page's status, or None to go on."""
    if request.method != "POST" or "preview" not in request.POST:
        return None
    try:
        address_rate_limit_hit(request, action="preview")
    except RateLimited as limited:
        form.add_error(None, limited.message)
        return 429
    form.preview_html = _preview_html(request.POST.get("body", ""))
    return 200


def _preview_html(body: str) -> str:
    return rendering.render_markdown(rendering.post_text(body)[: settings.SODAN_MAX_BODY_CHARS])


@login_required
def markdown_preview(request: HttpRequest) -> HttpResponse:
    """The Preview tab of the ask, answer and edit forms (qa/static/qa/preview.js): the
    text as it will look, rendered on the server with the post's renderer and sanitizer.
    Rate limited; a GET shows nothing."""
    if request.method != "POST":
        return HttpResponse(status=405, headers={"Allow": "POST"})
    try:
        address_rate_limit_hit(request, action="preview")
    except RateLimited as limited:
        return HttpResponse(limited.message, status=429, content_type="text/plain")
    html = _preview_html(request.POST.get("body", ""))
    return render(request, "qa/_preview_body.html", {"preview_html": html})


def _visible_thread(request: HttpRequest, pk: int, *, for_edit: bool = False) -> Thread:
    """The thread with everything its page shows (qa.permissions.access_thread decides
    whether the reader may have it)."""
    return permissions.access_thread(request.user, pk, for_edit=for_edit, load=_page_thread)


def _page_threads(signed_in: bool, *, thread_id: int, viewer_id: int) -> QuerySet[Thread]:
    """The thread as its page loads it, as an anonymous or a signed-in viewer (a stand-in
    with that id: `visible_to` and the viewer's brand role ask only their id) may see it."""
    viewer = get_user_model()(pk=viewer_id) if signed_in else AnonymousUser()
    threads = brand_selectors.threads_with_ownership(
        attachment_selectors.with_has_attachments(
            Thread.objects.select_related(
                "brand", "product", "version", "author", "feedback_link__item"
            )
        ),
        viewer=viewer,
    )
    return threads.visible_to(viewer).filter(pk=thread_id).order_by()


# Compiled once per process for each kind of viewer: its eight joins and two subqueries
# cost more to build than to run (community/compiled_queries.py).
_PAGE_THREAD = CompiledQuery(Thread, _page_threads, parameters={"thread_id": int, "viewer_id": int})


def _page_thread(viewer: Any, pk: int) -> Thread | None:
    signed_in = bool(getattr(viewer, "is_authenticated", False))
    found = _PAGE_THREAD.fetch((signed_in,), thread_id=pk, viewer_id=viewer.pk if signed_in else 0)
    return found[0] if found else None


def brand_threads(request: HttpRequest, brand_slug: str) -> HttpResponse:
    # Anonymous readers get the list from the page cache (community/page_cache.py), with no query;
    # it is invalidated by every change to one of the brand's threads.
    return page_cache.serve_brand_threads(
        request,
        brand_slug,
        lambda marks: _render_brand_threads(
            request, brand_permissions.access_brand(request.user, brand_slug), marks
        ),
    )


def _render_brand_threads(request: HttpRequest, brand: Brand, extra: dict) -> HttpResponse:
    filters = ThreadFilterForm(request.GET)
    cleaned = filters.cleaned_data if filters.is_valid() else {}
    sort = cleaned.get("sort") or "newest"
    filtered = any(cleaned.get(k) for k in ("product", "type", "status"))
    threads = selectors.brand_threads(
        brand=brand,
        user=request.user,
        product_slug=cleaned.get("product", ""),
        type=cleaned.get("type", ""),
        status=cleaned.get("status", ""),
        sort=sort,
        rows=True,
    )
    page = selectors.brand_thread_page(
        brand=brand,
        threads=threads,
        number=request.GET.get("page"),
        whole_list=not filtered and sort != "unanswered",
    )
    solved = ()
    if not filtered and page.number == 1:  # the page leads with what was solved
        solved = selectors.brand_threads(
            brand=brand, user=request.user, status="solved", rows=True
        )[:5]
    query = request.GET.copy()
    query.pop("page", None)
    products = list(Product.objects.for_brand(brand))
    chosen = next((p for p in products if p.slug == cleaned.get("product")), None)
    return render(
        request,
        "qa/brand_threads.html",
        {
            "brand": brand,
            "products": products,
            **follow_box(request.user, brand, chosen),  # follows/: Follow, Mute
            "filters": filters,
            "current": {k: cleaned.get(k) or "" for k in ("product", "type", "status", "sort")},
            "page": page,
            "solved": solved,
            "querystring": query.urlencode(),
            "can_ask": permissions.can_ask(request.user),
            **extra,
        },
    )


def thread_ask(request: HttpRequest, brand_slug: str) -> HttpResponse:
    brand = brand_permissions.access_brand(request.user, brand_slug)
    if not request.user.is_authenticated:
        return redirect(f"{reverse('account_login')}?next={request.path}")
    permissions.check_can_ask(request.user)
    product = _chosen_product(brand, request.GET.get("product"))
    form = AskForm(
        request.POST or None, request.FILES or None, initial={"product": product}, brand=brand
    )
    status = _previewed(request, form) or 200
    if request.method == "POST" and "preview" not in request.POST and form.is_valid():
        try:
            thread = services.thread_create(author=request.user, brand=brand, **form.cleaned_data)
        except services.AlreadySubmitted as saved:
            return _already_saved(request, saved.post or brand, drafts.key("ask", brand.slug))
        except ValidationError as error:
            _apply_errors(form, error)
        except RateLimited as limited:
            form.add_error(None, limited.message)
            status = 429
        else:
            saved = drafts.key("ask", brand.slug)
            return drafts.forget_when_saved(redirect(thread), request, saved)
    return render(request, "qa/thread_ask.html", {"brand": brand, "form": form}, status=status)


def _already_saved(request: HttpRequest, post: Thread | Answer | Brand, draft: str) -> HttpResponse:
    """A form sent again (a retry after a timeout): show what the first submission saved."""
    messages.info(request, _("This was already saved; here it is. Nothing was posted twice."))
    return drafts.forget_when_saved(redirect(post.get_absolute_url()), request, draft)


def ask_versions(request: HttpRequest, brand_slug: str) -> HttpResponse:
    """The ask form's version choice for the product just picked (htmx swaps it in)."""
    brand = brand_permissions.access_brand(request.user, brand_slug)
    product = _chosen_product(brand, request.GET.get("product"))
    form = AskForm(initial={"product": product}, brand=brand)
    return render(request, "qa/_ask_version.html", {"form": form})


def _chosen_product(brand: Brand, value: str | None) -> Product | None:
    """The brand's product named by ?product=<id>, if any (anything else: none)."""
    if not value or not value.isdigit():
        return None
    return Product.objects.for_brand(brand).filter(pk=int(value)).first()


def thread_detail(
    request: HttpRequest,
    pk: int,
    slug: str = "",
    answer_form: AnswerForm | None = None,
    status: int = 400,
) -> HttpResponse:
    if answer_form is None:
        # Most readers' pages are assembled from the thread's shared rendering in the cache,
        # with no query for anonymous visitors (qa/thread_page.py).
        cached = thread_page.serve(request, pk, slug)
        if cached is not None:
            if cached.status_code == 200:
                view_counts.record(pk)
            return cached
    page = _answer_page_number(request) if answer_form is None else 1
    thread = _visible_thread(request, pk)
    if thread.duplicate_of_id and answer_form is None:
        messages.info(request, _("That thread was closed as a duplicate of this one."))
        return redirect(thread.duplicate_of)
    if answer_form is None and (slug != thread.slug or request.GET.get("page") == "1"):
        # One address per page: the first page has none of its own.
        query = f"?page={page}" if page > 1 else ""
        return redirect(thread.get_absolute_url() + query, permanent=True)
    if answer_form is None:
        view_counts.record(thread.pk)
        return thread_page.render(
            request,
            thread,
            lambda viewer, extra: _render_thread(
                request, thread, None, 200, extra, viewer=viewer, page=page
            ),
            page=page,
        )
    return _render_thread(request, thread, answer_form, status, {})


def _answer_page_number(request: HttpRequest) -> int:
    """The answer page `?page=` asks for: 404 for anything but a whole number from 1 written
    plainly (as Django's ListView answers a malformed page), and past the last page
    (`_render_thread`)."""
    value = request.GET.get("page")
    if value is None:
        return 1
    if not (value.isascii() and value.isdigit()) or value[0] == "0" or len(value) > 6:
        raise Http404(_("There is no such page of answers."))
    return int(value)


# The reader is loaded with their facts on this thread (by the page itself when it only
# reads: the two-factor check then runs after the view, community/mfa.py).
thread_detail.thread_facts_kwarg = "pk"


def _render_thread(
    request: HttpRequest,
    thread: Thread,
    answer_form: AnswerForm | None,
    status: int,
    extra: dict,
    viewer: Any = None,
    page: int = 1,
) -> HttpResponse:
    """The thread page as `viewer` (by default the person asking) sees it: page `page` of
    its answers (404 past the last)."""
    user = request.user if viewer is None else viewer
    answer_page = selectors.thread_answer_page(thread=thread, user=user, number=page)
    if answer_page is None:
        raise Http404(_("There is no such page of answers."))
    answers = answer_page.answers
    attachment_selectors.attach_to_thread_page(thread, answers)
    rights = thread_viewer_rights(user, thread, answers)
    if "shared_page" in extra:
        extra["shared_page"].keep(thread, answers, rights)
    most_helpful = answer_page.most_helpful  # the thread's, not only this page's
    for answer in answers:
        allowed = rights.answer(answer.pk)
        answer.viewer_can_vote = allowed.vote
        answer.viewer_can_edit = allowed.edit
        answer.viewer_can_accept = allowed.accept
        answer.viewer_can_flag = allowed.flag
        answer.is_most_helpful = most_helpful > 0 and answer.helpful_count == most_helpful
        if answer.visibility != "published":
            answer.removal_reason = moderation_selectors.removal_reason(answer)
            answer.held = moderation_selectors.is_held(answer)
    rendering.answer_bylines(answers)
    return render(
        request,
        "qa/thread_detail.html",
        {
            "brand": thread.brand,
            "thread": thread,
            "answers": answers,
            "answer_page": answer_page,
            # The empty forms are built only if the page shows them (the template calls the
            # class): a shared rendering has them in viewer slots and never does.
            "answer_form": answer_form or AnswerForm,
            "can_answer": rights.participate and thread.visibility == "published",
            "answer_refusal": rights.answer_refusal,
            "can_flag": rights.flag,
            "can_moderate": rights.moderate,
            "has_verified_answer": answer_page.has_verified,
            "removal_reason": (
                moderation_selectors.removal_reason(thread)
                if thread.visibility != "published"
                else ""
            ),
            "held": thread.visibility != "published" and moderation_selectors.is_held(thread),
            "can_edit": rights.edit,
            "can_me_too": rights.me_too,
            "said_me_too": selectors.viewer_said_me_too(thread=thread, user=user),
            "follow_state": follow_state(user, thread),
            "me_too_form": MeTooForm,
            **brand_selectors.thread_panel(thread=thread, answers=answers, user=user),
            **feedback_selectors.thread_feedback(thread=thread, user=user),
            **extra,
        },
        status=status,
    )


def _answer_form_page(request: HttpRequest, pk: int) -> str:
    return reverse("qa:thread_short", kwargs={"pk": pk}) + "#answer-form"


@form_action(_answer_form_page)
def answer_create(request: HttpRequest, pk: int) -> HttpResponse:
    thread = _visible_thread(request, pk)
    permissions.check_can_answer(request.user, thread)
    form = AnswerForm(request.POST, request.FILES)
    previewed = _previewed(request, form)
    if previewed:
        return thread_detail(request, pk, thread.slug, answer_form=form, status=previewed)
    if form.is_valid():
        try:
            answer = services.answer_create(author=request.user, thread=thread, **form.cleaned_data)
        except services.AlreadySubmitted as saved:
            return _already_saved(request, saved.post or thread, drafts.key("answer", thread.pk))
        except ValidationError as error:
            _apply_errors(form, error)
        except RateLimited as limited:
            form.add_error(None, limited.message)
            return thread_detail(request, pk, thread.slug, answer_form=form, status=429)
        else:
            if isinstance(answer, OfficialDraft):
                messages.info(request, _("Your answer waits for an approver; the team can see it."))
            response = redirect(answer.get_absolute_url())
            return drafts.forget_when_saved(response, request, drafts.key("answer", thread.pk))
    return thread_detail(request, pk, thread.slug, answer_form=form)


@login_required
def thread_edit(request: HttpRequest, pk: int) -> HttpResponse:
    thread = _visible_thread(request, pk, for_edit=True)
    needs_reason = thread.author_id != request.user.pk
    form = ThreadEditForm(
        request.POST or None,
        initial={
            "title": thread.title,
            "body": thread.body,
            "base_revision": thread.revision_count,
        },
        needs_reason=needs_reason,
    )
    conflict, status = None, _previewed(request, form) or 200
    if request.method == "POST" and "preview" not in request.POST and form.is_valid():
        try:
            thread = services.thread_edit(actor=request.user, thread=thread, **form.cleaned_data)
        except services.EditConflict as error:
            conflict, status = error.revision, 409
            form = _conflict_form(ThreadEditForm, request, error, needs_reason=needs_reason)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            saved = drafts.key("thread-edit", thread.pk)
            return drafts.forget_when_saved(redirect(thread), request, saved)
    context = {"brand": thread.brand, "thread": thread, "form": form, "conflict": conflict}
    return render(request, "qa/thread_edit.html", context, status=status)


def _conflict_form(form_class, request: HttpRequest, conflict: services.EditConflict, **kwargs):
    """The person's edit as they sent it, now based on the version saved meanwhile: saving
    it again replaces that version knowingly. (Answered with HTTP 409: nothing was saved.)"""
    data = request.POST.copy()
    data["base_revision"] = str(conflict.revision.number)
    form = form_class(data, **kwargs)
    form.is_valid()
    form.add_error(None, str(conflict))
    return form


@login_required
def answer_edit(request: HttpRequest, pk: int) -> HttpResponse:
    answer = permissions.access_answer(request.user, pk, for_edit=True)
    needs_reason = answer.author_id != request.user.pk
    form = AnswerEditForm(
        request.POST or None,
        initial={"body": answer.body, "base_revision": answer.revision_count},
        needs_reason=needs_reason,
    )
    conflict, status = None, _previewed(request, form) or 200
    if request.method == "POST" and "preview" not in request.POST and form.is_valid():
        try:
            answer = services.answer_edit(actor=request.user, answer=answer, **form.cleaned_data)
        except services.EditConflict as error:
            conflict, status = error.revision, 409
            form = _conflict_form(AnswerEditForm, request, error, needs_reason=needs_reason)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            saved = drafts.key("answer-edit", answer.pk)
            held = getattr(answer, "held_for_approval", None)
            if held is not None:
                messages.info(
                    request,
                    _(
                        "Your change goes back for approval: the published answer stays as "
                        "approved until an approver approves the change."
                    ),
                )
                return drafts.forget_when_saved(redirect(held), request, saved)
            return drafts.forget_when_saved(redirect(answer.get_absolute_url()), request, saved)
    return render(
        request,
        "qa/answer_edit.html",
        {
            "brand": answer.thread.brand,
            "thread": answer.thread,
            "answer": answer,
            "form": form,
            "conflict": conflict,
        },
        status=status,
    )


def answer_short(request: HttpRequest, pk: int) -> HttpResponse:
    """An answer's lasting address: its place on its thread's page."""
    return redirect(permissions.access_answer(request.user, pk).get_absolute_url())


def thread_revisions(request: HttpRequest, pk: int) -> HttpResponse:
    thread = _visible_thread(request, pk)
    return _revisions_page(request, thread, thread, thread.revisions.select_related("editor"))


def answer_revisions(request: HttpRequest, pk: int) -> HttpResponse:
    answer = permissions.access_answer(request.user, pk)
    revisions = answer.revisions.select_related("editor", "suggested_by")
    may_suggest = permissions.can_suggest_edit(request.user, answer)
    return _revisions_page(request, answer.thread, answer, revisions, may_suggest_edit=may_suggest)


def _revisions_page(
    request: HttpRequest, thread: Thread, subject, revisions, *, may_suggest_edit: bool = False
) -> HttpResponse:
    """Every version, newest first, each with what changed since the one before; and, with
    ?from=<n>&to=<m>, the change between any two."""
    revisions = list(revisions)
    by_number = {revision.number: revision for revision in revisions}
    for revision in revisions:
        earlier = by_number.get(revision.number - 1)
        if earlier is not None:
            revision.title_diff = (
                diffs.diff_html(earlier.title, revision.title)
                if earlier.title != revision.title
                else None
            )
            revision.body_diff = diffs.diff_html(earlier.body, revision.body)
    comparison = None
    chosen = [request.GET.get("from", ""), request.GET.get("to", "")]
    if all(value.isdigit() for value in chosen):
        old, new = (by_number.get(int(value)) for value in chosen)
        if old is not None and new is not None:
            comparison = {
                "old": old,
                "new": new,
                "title": diffs.diff_html(old.title, new.title) if old.title != new.title else None,
                "body": diffs.diff_html(old.body, new.body),
            }
    return render(
        request,
        "qa/revisions.html",
        {
            "brand": thread.brand,
            "thread": thread,
            "subject": subject,
            "revisions": revisions,
            "comparison": comparison,
            "chosen": chosen,
            "may_suggest_edit": may_suggest_edit,
        },
    )


@form_action("qa:answer_short", sign_in=False)
def answer_vote(request: HttpRequest, pk: int) -> HttpResponse:
    answer = permissions.access_answer(request.user, pk)
    voted = services.answer_vote_toggle(user=request.user, answer=answer)
    if not request.htmx:
        return redirect(answer.get_absolute_url())
    answer.refresh_from_db(fields=["helpful_count"])
    answer.voted_by_viewer = voted
    answer.viewer_can_vote = True
    return render(request, "qa/_vote.html", {"answer": answer})


@form_action("qa:thread_short", sign_in=False)
def thread_me_too(request: HttpRequest, pk: int) -> HttpResponse:
    thread = _visible_thread(request, pk)
    form = MeTooForm(request.POST)
    if form.is_valid():
        said = services.thread_me_too_toggle(user=request.user, thread=thread, **form.cleaned_data)
        if not request.htmx:
            return redirect(thread)
        thread.refresh_from_db(fields=["me_too_count"])
        form = MeTooForm()
    elif request.htmx:
        # Nothing changes; what they typed comes back with the error beside the field.
        said = selectors.viewer_said_me_too(thread=thread, user=request.user)
    else:
        return _render_thread(request, thread, None, 400, {"me_too_form": form})
    return render(
        request,
        "qa/_me_too.html",
        {"thread": thread, "said_me_too": said, "can_me_too": True, "me_too_form": form},
    )


@form_action("qa:answer_short", sign_in=False)
def answer_accept(request: HttpRequest, pk: int) -> HttpResponse:
    answer = permissions.access_answer(request.user, pk)
    if request.POST.get("undo"):
        services.answer_unaccept(actor=request.user, answer=answer)
    else:
        services.answer_accept(actor=request.user, answer=answer)
    return redirect(answer.get_absolute_url())


def take_part_start(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """Where an anonymous reader's Helpful or Me too leads: sign in (or sign up), then
    the confirmation page with the action they meant (qa/intents.py). Changes nothing."""
    if kind not in intents.KINDS:
        raise Http404
    back = intents.confirmation_url(intents.Intent(kind=kind, target_id=pk))
    if request.user.is_authenticated:
        return redirect(back)
    return redirect_to_login(back)


def take_part(request: HttpRequest, token: str) -> HttpResponse:
    """Confirm, with one POST, the Helpful or Me too pressed before signing in; applied
    once (a second confirmation does not take it back), then back to the post."""
    intent = intents.intent_from_token(token)
    if intent is None:
        messages.error(request, _("That link has expired. Press the button again."))
        return redirect("/")
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if intent.kind == intents.VOTE:
        answer = permissions.access_answer(request.user, intent.target_id)
        thread, back, check = answer.thread, answer.get_absolute_url(), permissions.check_can_vote
        done = selectors.viewer_voted(answer=answer, user=request.user)
    else:
        thread = _visible_thread(request, intent.target_id)
        answer, back, check = (
            None,
            f"{thread.get_absolute_url()}#me-too",
            permissions.check_can_me_too,
        )
        done = selectors.viewer_said_me_too(thread=thread, user=request.user)
    try:
        check(request.user, answer or thread)
    except PermissionDenied as refusal:
        context = {"intent": intent, "thread": thread, "answer": answer, "back": back}
        context |= {"refusal": refusal.args[0] if refusal.args else "", "brand": thread.brand}
        return render(request, "qa/take_part.html", context, status=403)
    if request.method == "POST":
        if not done and answer is not None:
            services.answer_vote_toggle(user=request.user, answer=answer)
        elif not done:
            services.thread_me_too_toggle(user=request.user, thread=thread)
        if answer is not None:
            messages.success(request, _("You found this answer helpful."))
        else:
            messages.success(request, _("You have this too. We'll tell you when it changes."))
        return redirect(back)
    context = {"intent": intent, "thread": thread, "answer": answer, "back": back, "done": done}
    return render(request, "qa/take_part.html", {**context, "brand": thread.brand})
