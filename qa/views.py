"""Q&A pages. Thin: parse the form, authorise, call a service, render or redirect.

Every page works as a plain form post; with htmx the vote, me-too and accept buttons
update in place (the same views answer with a fragment).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from brands import selectors as brand_selectors
from brands.feedback import selectors as feedback_selectors
from brands.models import Brand, Product
from moderation import selectors as moderation_selectors
from moderation.permissions import moderates
from moderation.ratelimit import RateLimited

from . import page_cache, permissions, selectors, services
from .forms import AnswerForm, AskForm, MeTooForm, ThreadEditForm, ThreadFilterForm
from .models import Answer, Thread


def _apply_errors(form, error: ValidationError) -> None:
    for field, errors in error.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def _visible_thread(request: HttpRequest, pk: int) -> Thread:
    thread = get_object_or_404(
        brand_selectors.threads_with_ownership(
            Thread.objects.visible_to(request.user).select_related(
                "brand", "product", "version", "author", "feedback_link__item"
            ),
            viewer=request.user,
        ),
        pk=pk,
    )
    brand_selectors.remember_viewer_role(request.user, thread)
    return thread


def _answer_refusal(user, thread: Thread) -> str:
    """Why this viewer can't answer here, in words (empty if they can)."""
    try:
        permissions.check_can_answer(user, thread)
    except PermissionDenied as refusal:
        return str(refusal)
    return ""


def _visible_answer(request: HttpRequest, pk: int) -> Answer:
    return get_object_or_404(
        Answer.objects.visible_to(request.user).select_related("thread__brand", "author"),
        pk=pk,
        thread__in=Thread.objects.visible_to(request.user),
    )


def brand_threads(request: HttpRequest, brand_slug: str) -> HttpResponse:
    brand = get_object_or_404(Brand, slug=brand_slug)
    # Anonymous readers get the list from the page cache (qa/page_cache.py); it is
    # invalidated by every change to one of the brand's threads.
    return page_cache.serve_brand_threads(
        request, brand.pk, lambda marks: _render_brand_threads(request, brand, marks)
    )


def _render_brand_threads(request: HttpRequest, brand: Brand, extra: dict) -> HttpResponse:
    filters = ThreadFilterForm(request.GET)
    cleaned = filters.cleaned_data if filters.is_valid() else {}
    threads = selectors.brand_threads(
        brand=brand,
        user=request.user,
        product_slug=cleaned.get("product", ""),
        type=cleaned.get("type", ""),
        status=cleaned.get("status", ""),
        sort=cleaned.get("sort") or "newest",
    )
    page = Paginator(threads, per_page=settings.SODAN_THREADS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "qa/brand_threads.html",
        {
            "brand": brand,
            "products": list(Product.objects.for_brand(brand)),
            "filters": filters,
            "current": {k: cleaned.get(k) or "" for k in ("product", "type", "status", "sort")},
            "page": page,
            "querystring": query.urlencode(),
            "can_ask": permissions.can_ask(request.user),
            **extra,
        },
    )


def thread_ask(request: HttpRequest, brand_slug: str) -> HttpResponse:
    brand = get_object_or_404(Brand, slug=brand_slug)
    if not request.user.is_authenticated:
        return redirect(f"{reverse('account_login')}?next={request.path}")
    permissions.check_can_ask(request.user)
    product = _chosen_product(brand, request.GET.get("product"))
    form = AskForm(request.POST or None, initial={"product": product}, brand=brand)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            thread = services.thread_create(author=request.user, brand=brand, **form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        except RateLimited as limited:
            form.add_error(None, limited.message)
            status = 429
        else:
            return redirect(thread)
    return render(request, "qa/thread_ask.html", {"brand": brand, "form": form}, status=status)


def ask_versions(request: HttpRequest, brand_slug: str) -> HttpResponse:
    """The ask form's version choice for the product just picked (htmx swaps it in)."""
    brand = get_object_or_404(Brand, slug=brand_slug)
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
    if answer_form is None and page_cache.cacheable(request):
        # Anonymous readers: one small query says whether the cached page may be served
        # (published, not a duplicate, canonical address); the full thread with its
        # ownership and feedback joins is loaded only when the page has to be rendered.
        row = Thread.objects.visible().filter(pk=pk).values_list("slug", "duplicate_of_id").first()
        if row is not None and row == (slug, None):
            return page_cache.serve_thread_page(
                request,
                pk,
                lambda marks: _render_thread(
                    request, _visible_thread(request, pk), None, 200, marks
                ),
            )
    thread = _visible_thread(request, pk)
    if thread.duplicate_of_id and answer_form is None:
        messages.info(request, _("That thread was closed as a duplicate of this one."))
        return redirect(thread.duplicate_of)
    if slug != thread.slug and answer_form is None:
        return redirect(thread, permanent=True)
    if answer_form is None:
        return page_cache.serve_thread_page(
            request, thread.pk, lambda marks: _render_thread(request, thread, None, 200, marks)
        )
    return _render_thread(request, thread, answer_form, status, {})


def _render_thread(
    request: HttpRequest,
    thread: Thread,
    answer_form: AnswerForm | None,
    status: int,
    extra: dict,
) -> HttpResponse:
    answers = selectors.thread_answers(thread=thread, user=request.user)
    user = request.user
    can_participate = permissions.can_ask(user)
    most_helpful = max((a.helpful_count for a in answers), default=0)
    for answer in answers:
        answer.viewer_can_vote = permissions.can_vote(user, answer)
        answer.viewer_can_edit = permissions.can_edit_answer(user, answer)
        answer.viewer_can_accept = permissions.can_accept(user, answer)
        answer.viewer_can_flag = can_participate and answer.author_id != user.pk
        answer.is_most_helpful = most_helpful > 0 and answer.helpful_count == most_helpful
        if answer.visibility != "published":
            answer.removal_reason = moderation_selectors.removal_reason(answer)
    return render(
        request,
        "qa/thread_detail.html",
        {
            "brand": thread.brand,
            "thread": thread,
            "answers": answers,
            "answer_form": answer_form or AnswerForm(),
            "can_answer": can_participate and thread.visibility == "published",
            "answer_refusal": _answer_refusal(user, thread),
            "can_flag": can_participate and thread.author_id != user.pk,
            "can_moderate": moderates(user, thread.brand),
            "has_verified_answer": any(a.is_verified for a in answers),
            "removal_reason": (
                moderation_selectors.removal_reason(thread)
                if thread.visibility != "published"
                else ""
            ),
            "can_edit": permissions.can_edit_thread(user, thread),
            "can_me_too": permissions.can_me_too(user, thread),
            "said_me_too": selectors.viewer_said_me_too(thread=thread, user=user),
            "me_too_form": MeTooForm(),
            **brand_selectors.thread_panel(thread=thread, answers=answers, user=user),
            **feedback_selectors.thread_feedback(thread=thread, user=user),
            **extra,
        },
        status=status,
    )


@login_required
@require_POST
def answer_create(request: HttpRequest, pk: int) -> HttpResponse:
    thread = _visible_thread(request, pk)
    permissions.check_can_answer(request.user, thread)
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            answer = services.answer_create(
                author=request.user, thread=thread, body=form.cleaned_data["body"]
            )
        except ValidationError as error:
            _apply_errors(form, error)
        except RateLimited as limited:
            form.add_error(None, limited.message)
            return thread_detail(request, pk, thread.slug, answer_form=form, status=429)
        else:
            return redirect(answer.get_absolute_url())
    return thread_detail(request, pk, thread.slug, answer_form=form)


@login_required
def thread_edit(request: HttpRequest, pk: int) -> HttpResponse:
    thread = _visible_thread(request, pk)
    permissions.check_can_edit_thread(request.user, thread)
    form = ThreadEditForm(
        request.POST or None,
        initial={"title": thread.title, "body": thread.body},
        needs_reason=thread.author_id != request.user.pk,
    )
    if request.method == "POST" and form.is_valid():
        try:
            thread = services.thread_edit(actor=request.user, thread=thread, **form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            return redirect(thread)
    return render(
        request, "qa/thread_edit.html", {"brand": thread.brand, "thread": thread, "form": form}
    )


@login_required
def answer_edit(request: HttpRequest, pk: int) -> HttpResponse:
    answer = _visible_answer(request, pk)
    permissions.check_can_edit_answer(request.user, answer)
    form = AnswerForm(
        request.POST or None,
        initial={"body": answer.body},
        needs_reason=answer.author_id != request.user.pk,
    )
    if request.method == "POST" and form.is_valid():
        try:
            answer = services.answer_edit(actor=request.user, answer=answer, **form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            return redirect(answer.get_absolute_url())
    return render(
        request,
        "qa/answer_edit.html",
        {"brand": answer.thread.brand, "thread": answer.thread, "answer": answer, "form": form},
    )


def thread_revisions(request: HttpRequest, pk: int) -> HttpResponse:
    thread = _visible_thread(request, pk)
    revisions = thread.revisions.select_related("editor")
    return render(
        request,
        "qa/revisions.html",
        {"brand": thread.brand, "thread": thread, "subject": thread, "revisions": revisions},
    )


def answer_revisions(request: HttpRequest, pk: int) -> HttpResponse:
    answer = _visible_answer(request, pk)
    revisions = answer.revisions.select_related("editor")
    return render(
        request,
        "qa/revisions.html",
        {
            "brand": answer.thread.brand,
            "thread": answer.thread,
            "subject": answer,
            "revisions": revisions,
        },
    )


@require_POST
def answer_vote(request: HttpRequest, pk: int) -> HttpResponse:
    answer = _visible_answer(request, pk)
    voted = services.answer_vote_toggle(user=request.user, answer=answer)
    if not request.htmx:
        return redirect(answer.get_absolute_url())
    answer.refresh_from_db(fields=["helpful_count"])
    answer.voted_by_viewer = voted
    answer.viewer_can_vote = True
    return render(request, "qa/_vote.html", {"answer": answer})


@require_POST
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


@require_POST
def answer_accept(request: HttpRequest, pk: int) -> HttpResponse:
    answer = _visible_answer(request, pk)
    if request.POST.get("undo"):
        services.answer_unaccept(actor=request.user, answer=answer)
    else:
        services.answer_accept(actor=request.user, answer=answer)
    return redirect(answer.get_absolute_url())
