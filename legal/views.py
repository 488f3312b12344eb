"""Removal request pages: the public form, the moderators' queue and decision page, the
poster's response page, and the public transparency report."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from moderation.ratelimit import RateLimited, address_rate_limit_hit

from . import permissions, selectors, services
from .forms import DecisionForm, RemovalRequestForm, ResponseForm
from .models import RemovalCriteriaPage

SENT = "legal.removal_request_sent"


def _apply_errors(form, error: ValidationError) -> None:
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for field, errors in error.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def request_form(request: HttpRequest) -> HttpResponse:
    """Anyone, signed in or not, asks for a post's removal."""
    initial = {"post_url": request.GET.get("post", "")[:500]}
    if request.user.is_authenticated:
        initial |= {"name": request.user.public_name, "email": request.user.email}
    form = RemovalRequestForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            address_rate_limit_hit(request, action="removal_request")
            filed = services.removal_request_file(requester=request.user, **form.cleaned_data)
        except RateLimited as limited:
            form.add_error(None, limited.message)
            status = 429
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            request.session[SENT] = {"number": filed.pk, "due": filed.due_at.isoformat()}
            return redirect("legal:request_sent")
    return render(
        request,
        "legal/request_form.html",
        {"form": form, "criteria": RemovalCriteriaPage.objects.live().first()},
        status=status,
    )


def request_sent(request: HttpRequest) -> HttpResponse:
    sent = request.session.get(SENT)
    if not sent:
        return redirect("legal:request")
    due = dt.datetime.fromisoformat(sent["due"])
    return render(request, "legal/request_sent.html", {"number": sent["number"], "due": due})


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    permissions.check_can_see_removal_queue(request.user)
    page = Paginator(selectors.removal_queue(user=request.user), 25).get_page(
        request.GET.get("page")
    )
    now = timezone.now()
    for item in page:
        item.overdue = item.is_overdue(now)
    return render(request, "legal/queue.html", {"page": page})


@login_required
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    removal_request = permissions.access_removal_request(request.user, pk)
    form = DecisionForm(request.POST or None, initial={"revised_body": _body(removal_request)})
    if request.method == "POST" and removal_request.decided_at is None and form.is_valid():
        try:
            services.removal_request_decide(
                moderator=request.user, request=removal_request, **form.cleaned_data
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Decided. The requester has been e-mailed the reasons."))
            return redirect("legal:queue")
    return render(
        request,
        "legal/decide.html",
        {
            "removal_request": removal_request,
            "post": removal_request.post,
            "form": form,
            "overdue": removal_request.is_overdue(),
        },
    )


def _body(removal_request) -> str:
    post = removal_request.post
    return post.body if post is not None else ""


@login_required
def respond(request: HttpRequest, pk: int) -> HttpResponse:
    """The poster reads what is asked about their post and answers before the decision."""
    removal_request = permissions.access_removal_request_to_respond(request.user, pk)
    form = ResponseForm(request.POST or None, initial={"message": removal_request.poster_response})
    if request.method == "POST" and form.is_valid():
        try:
            services.removal_request_respond(
                author=request.user, request=removal_request, **form.cleaned_data
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Your response is saved; the moderator reads it."))
            return redirect("legal:respond", pk=pk)
    post = removal_request.post
    return render(
        request,
        "legal/respond.html",
        {
            "removal_request": removal_request,
            "post": post,
            "thread": post if removal_request.thread_id else post.thread,
            "form": form,
        },
    )


def transparency(request: HttpRequest) -> HttpResponse:
    """Public figures per period: requests, decisions and handling times."""
    period = selectors.Period.parse(request.GET.get("period"))
    figures = selectors.transparency_figures(period)
    return render(
        request,
        "legal/transparency.html",
        {
            "figures": figures,
            "chart": selectors.transparency_chart(figures),
            "periods": selectors.transparency_periods(),
            "clock_days": services.removal_clock().days,
        },
    )
