"""Member pages: public profile, profile settings and notifications."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from qa.models import Answer, Thread

from . import permissions, services
from .form_actions import form_action
from .forms import ProfileForm
from .models import Notification


def profile(request: HttpRequest, username: str) -> HttpResponse:
    member = permissions.access_member(request.user, username)
    threads = (
        Thread.objects.listed()
        .filter(author=member)
        .select_related("brand")
        .order_by("-created_at")[:20]
    )
    answers = (
        Answer.objects.visible()
        .filter(author=member, thread__visibility="published")
        .select_related("thread__brand")
        .order_by("-created_at")[:20]
    )
    return render(
        request,
        "community/profile.html",
        {"member": member, "threads": threads, "answers": answers},
    )


@login_required
def profile_edit(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = ProfileForm(
        request.POST or None,
        initial={
            "display_name": user.display_name,
            "bio": user.bio,
            "language": user.language,
            "email_notifications": user.email_notifications,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.profile_update(user=user, **form.cleaned_data)
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field, errors)
        else:
            messages.success(request, _("Your profile is saved."))
            return redirect(user)
    return render(request, "community/profile_edit.html", {"form": form})


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    qs = Notification.objects.for_recipient(request.user).select_related(
        "actor", "thread", "answer"
    )
    page = Paginator(qs, per_page=30).get_page(request.GET.get("page"))
    return render(request, "community/notifications.html", {"page": page})


@form_action("community:notifications")
def notifications_mark_read(request: HttpRequest) -> HttpResponse:
    services.notification_mark_read(user=request.user)
    return redirect("community:notifications")


@login_required
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    notification = permissions.access_notification(request.user, pk)
    services.notification_mark_read(user=request.user, notification_ids=[pk])
    target = notification.answer or notification.thread
    if target is None and notification.kind == Notification.Kind.FEEDBACK_MENTION:
        # A mention is about a feedback item, which the notification row cannot name.
        from feedback.selectors import mention_url

        return redirect(mention_url(notification.dedupe_key) or "community:notifications")
    if notification.kind == Notification.Kind.PRIVATE_CASE:
        # About a private case: its page, never the public thread the row names.
        from cases.selectors import notification_url

        return redirect(notification_url(notification.dedupe_key) or "community:notifications")
    return redirect(target.get_absolute_url() if target else "community:notifications")


@require_safe
def language_switch(request: HttpRequest, code: str) -> HttpResponse:
    """Show Sodan in another language and go back to the page: the language cookie, set as
    Django's own set_language sets it. A link rather than a form, so a page for someone
    who is not signed in holds no CSRF token and sets no cookie, and can be served whole
    from the cache; what a forged link could change is only that visitor's language."""
    if code not in dict(settings.LANGUAGES):
        raise Http404(_("Sodan is in English and Japanese."))
    next_url = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"
    response = HttpResponseRedirect(next_url)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """Sodan's page for a form post that failed the CSRF check (CSRF_FAILURE_VIEW): what
    happened in plain words and the way back to the page, where the text the person wrote
    waits in their browser (qa/drafts.py). Django's reason is logged by the CSRF
    middleware (django.security.csrf) and never shown."""
    back = request.headers.get("Referer", "")
    if not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = "/"
    return render(request, "403_csrf.html", {"back_url": back}, status=403)
