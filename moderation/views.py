"""Moderation pages: flagging (for customers), the review queue and its actions, verifying
answers, re-checks, appeals, sanctions and crisis keywords (for moderators and admins)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from brands.models import Brand
from community.form_actions import form_action
from community.mfa import reauthenticate_for_powers
from qa.models import Answer, Thread

from . import crisis_views, permissions, selectors, services
from .forms import (
    ActionForm,
    AppealDecisionForm,
    AppealForm,
    BatchActionForm,
    FlagForm,
    KeywordForm,
    ReasonForm,
    SanctionForm,
    VerifyForm,
)
from .models import AuditLogEntry, CrisisKeyword, Flag, Severity
from .ratelimit import RateLimited


def _apply_errors(form, error: ValidationError) -> None:
    for field, errors in error.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def _thread_of(post: Thread | Answer) -> Thread:
    return post if isinstance(post, Thread) else post.thread


@login_required
def flag(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    post = permissions.access_post(request.user, kind, pk)
    permissions.check_flaggable(post)
    form = FlagForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.flag_create(flagger=request.user, **{kind: post}, **form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        except RateLimited as limited:
            form.add_error(None, limited.message)
            status = 429
        else:
            messages.success(request, _("Thank you: moderators will look at it."))
            return redirect(_thread_of(post).get_absolute_url())
    return render(
        request,
        "moderation/flag.html",
        {"form": form, "post": post, "kind": kind, "thread": _thread_of(post)},
        status=status,
    )


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    permissions.check_can_see_queue(request.user)
    brand_id = request.GET.get("brand", "")
    reason = request.GET.get("reason", "")
    rows = selectors.review_queue(
        user=request.user,
        brand_id=int(brand_id) if brand_id.isdigit() else None,
        reason=reason if reason in Flag.Reason.values else "",
    )
    page = Paginator(rows, per_page=25).get_page(request.GET.get("page"))
    return render(
        request,
        "moderation/queue.html",
        {
            "page": page,
            "items": selectors.queue_page_items(list(page)),
            "brands": Brand.objects.filter(selectors.moderated_brand_filter(request.user, "pk")),
            "reasons": Flag.Reason.choices,
            "current": {"brand": brand_id, "reason": reason},
            "querystring": request.GET.copy().urlencode(),
            "recheck_count": selectors.rechecks(user=request.user).count(),
            "appeal_count": selectors.open_appeals(user=request.user).count(),
            "batch_actions": BatchActionForm.ACTIONS,
        },
    )


@login_required
def moderate(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """One post with its flags, its history and every action a moderator can take."""
    post = permissions.access_post_to_moderate(request.user, kind, pk)
    flags = Flag.objects.filter(**{kind: post}).select_related("flagger")
    shown = ",".join(str(f.pk) for f in flags if f.resolved_at is None)
    form = ActionForm(request.POST or None, initial={"flags": shown}, kind=kind)
    if request.method == "POST" and form.is_valid():
        try:
            _act(request.user, post, form.cleaned_data)
        except services.AlreadyDecided as decided:
            messages.warning(request, decided.message)
            return redirect("moderation:queue")
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Done. The author has been told."))
            return redirect("moderation:queue")
    return render(
        request,
        "moderation/moderate.html",
        {
            "post": post,
            "kind": kind,
            "thread": _thread_of(post),
            "form": form,
            "flags": flags,
            "history": AuditLogEntry.objects.for_object(post).select_related("actor")[:50],
        },
    )


def _act(actor, post: Thread | Answer, data: dict) -> None:
    action, reason, flags = data["action"], data["reason"], data["flags"]
    simple = {
        "dismiss": services.post_dismiss_flags,
        "hide": services.post_hide,
        "restore": services.post_restore,
        "delete": services.post_delete,
    }
    if action in simple:
        simple[action](actor=actor, post=post, reason=reason, flags=flags)
        return
    if not isinstance(post, Thread):
        raise ValidationError({"action": [_("Only threads can be locked, closed or moved.")]})
    if action == "lock":
        services.thread_lock(actor=actor, thread=post, reason=reason, flags=flags)
    elif action == "unlock":
        services.thread_unlock(actor=actor, thread=post, reason=reason, flags=flags)
    elif action == "close_duplicate":
        services.thread_close_as_duplicate(
            actor=actor, thread=post, original=data["original"], reason=reason, flags=flags
        )
    elif action == "move":
        services.thread_move(
            actor=actor,
            thread=post,
            brand=data["brand"],
            product=data["product"],
            reason=reason,
            flags=flags,
        )


@login_required
def verify(request: HttpRequest, pk: int) -> HttpResponse:
    answer = permissions.access_answer_to_verify(request.user, pk)
    form = VerifyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.answer_verify(moderator=request.user, answer=answer, **form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The answer is marked verified accurate."))
            return redirect(answer.get_absolute_url())
    return render(
        request, "moderation/verify.html", {"form": form, "answer": answer, "thread": answer.thread}
    )


@login_required
def rechecks(request: HttpRequest) -> HttpResponse:
    permissions.check_can_see_queue(request.user)
    page = Paginator(selectors.rechecks(user=request.user), 25).get_page(request.GET.get("page"))
    return render(request, "moderation/rechecks.html", {"page": page, "form": ReasonForm()})


@form_action(lambda request, pk: reverse("moderation:rechecks"))
def recheck_decline(request: HttpRequest, pk: int) -> HttpResponse:
    verification = permissions.access_verification(request.user, pk)
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        services.verification_decline(
            moderator=request.user, verification=verification, reason=reason
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("moderation:rechecks")


@login_required
def appeal(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    post = permissions.access_post(request.user, kind, pk)
    removal = permissions.check_can_appeal(request.user, post)
    form = AppealForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.appeal_create(author=request.user, post=post, **form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Your appeal is sent; a different moderator will decide."))
            return redirect(_thread_of(post).get_absolute_url())
    return render(
        request,
        "moderation/appeal.html",
        {"form": form, "post": post, "thread": _thread_of(post), "removal": removal},
    )


@login_required
def appeals(request: HttpRequest) -> HttpResponse:
    permissions.check_can_see_queue(request.user)
    page = Paginator(selectors.open_appeals(user=request.user), 25).get_page(
        request.GET.get("page")
    )
    return render(request, "moderation/appeals.html", {"page": page, "form": AppealDecisionForm()})


@form_action(lambda request, pk: reverse("moderation:appeals"))
def appeal_decide(request: HttpRequest, pk: int) -> HttpResponse:
    appeal_ = permissions.access_appeal(request.user, pk)
    form = AppealDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a decision and give a reason."))
        return redirect("moderation:appeals")
    try:
        services.appeal_decide(moderator=request.user, appeal=appeal_, **form.cleaned_data)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Decided. The author has been told."))
    return redirect("moderation:appeals")


@login_required
@reauthenticate_for_powers  # banning asks again (community/mfa.py)
def member_sanction(request: HttpRequest, username: str) -> HttpResponse:
    member = permissions.access_member_to_sanction(request.user, username)
    sanctioned = member.is_banned or member.is_suspended
    form = SanctionForm(request.POST or None, sanctioned=sanctioned)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["kind"] == "suspend":
                services.member_suspend(
                    moderator=request.user, member=member, days=data["days"], reason=data["reason"]
                )
            elif data["kind"] == "ban":
                services.member_ban(moderator=request.user, member=member, reason=data["reason"])
            elif data["kind"] == "ban_remove":
                services.member_ban_and_remove_posts(
                    moderator=request.user, member=member, reason=data["reason"]
                )
            else:
                services.sanction_lift(moderator=request.user, member=member, reason=data["reason"])
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Saved. The member has been told."))
            return redirect("moderation:member_sanction", username=member.username)
    return render(
        request,
        "moderation/sanction.html",
        {
            "member": member,
            "form": form,
            "sanctions": member.sanctions.select_related("imposed_by"),
        },
    )


@login_required
def keywords(request: HttpRequest, brand_slug: str = "") -> HttpResponse:
    brand = permissions.access_keywords(request.user, brand_slug)
    form = KeywordForm(request.POST or None)
    if request.method == "POST":
        remove = request.POST.get("remove")
        if remove:
            keyword = permissions.access_keyword(request.user, brand, remove)
            services.crisis_keyword_remove(actor=request.user, keyword=keyword)
            return redirect(request.path)
        if "webhook_url" in request.POST and brand is not None:
            return crisis_views.channel_save(request, brand)
        if form.is_valid():
            try:
                services.crisis_keyword_add(
                    actor=request.user,
                    brand=brand,
                    phrase=form.cleaned_data["phrase"],
                    severity=form.cleaned_data["severity"] or Severity.HIGH,
                )
            except ValidationError as error:
                _apply_errors(form, error)
            else:
                return redirect(request.path)
    return render(
        request,
        "moderation/keywords.html",
        {
            "brand": brand,
            "form": form,
            "keywords": CrisisKeyword.objects.filter(brand=brand),
            "channel_form": crisis_views.channel_form(brand) if brand is not None else None,
        },
    )
