"""Follow buttons (POST forms that work without JavaScript), the "Following" page and the
one-click follow-up pages (a GET shows, a POST with the signed token does)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from brands.models import Brand, Product
from qa.permissions import access_thread

from . import follow_ups, selectors, services
from .models import FollowUp

ACTIONS = {"follow": services.follow, "unfollow": services.unfollow, "mute": services.mute}
DONE = {
    "follow": gettext_lazy("You follow it now."),
    "unfollow": gettext_lazy("You no longer follow it."),
    "mute": gettext_lazy("Muted: you will hear nothing more from it."),
}


def _target(request: HttpRequest, kind: str, pk: int):
    if kind == "thread":
        return access_thread(request.user, pk)
    if kind == "product":
        return get_object_or_404(Product.objects.select_related("brand"), pk=pk)
    if kind == "brand":
        return get_object_or_404(Brand, pk=pk)
    raise Http404


def _back(request: HttpRequest, fallback: str) -> str:
    back = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
        return back
    return fallback


@require_POST
def follow_change(request: HttpRequest, kind: str, pk: int, action: str) -> HttpResponse:
    """Follow, unfollow or mute a thread, a product or a brand; anonymous people sign in."""
    if action not in ACTIONS:
        raise Http404
    if not request.user.is_authenticated:
        return redirect_to_login(_back(request, "/"))
    target = _target(request, kind, pk)
    try:
        ACTIONS[action](user=request.user, target=target)
    except PermissionDenied as refusal:
        messages.error(request, str(refusal.args[0]) if refusal.args else _("Not allowed."))
    else:
        messages.success(request, str(DONE[action]))
    fallback = target.get_absolute_url() if hasattr(target, "get_absolute_url") else "/following/"
    return redirect(_back(request, fallback))


@login_required
def following(request: HttpRequest) -> HttpResponse:
    """What the person follows or muted, with Unfollow and Mute beside each."""
    context = {
        "thread_follows": list(selectors.thread_follows(request.user)[:200]),
        "follows": list(selectors.brand_and_product_follows(request.user)),
    }
    return render(request, "follows/following.html", context)


def follow_up(request: HttpRequest, token: str) -> HttpResponse:
    """A one-click choice from an "is it solved?" message. Works without signing in: the
    signed token stands for the person it was sent to. GET changes nothing."""
    choice = follow_ups.choice_from_token(token)
    found = follow_ups.access_follow_up(choice) if choice else None
    if found is None:
        return render(request, "follows/follow_up_refused.html", {"expired": True}, status=400)
    context = {"follow_up": found, "choice": choice, "thread": found.thread}
    context["brand"] = found.thread.brand  # the brand's look
    context |= _choice_objects(found, choice)
    if found.responded_at is not None:
        return render(request, "follows/follow_up_refused.html", {**context, "used": True})
    if request.method != "POST":
        return render(request, "follows/follow_up_confirm.html", context)
    try:
        follow_ups.follow_up_respond(choice=choice)
    except PermissionDenied as refusal:
        context["refusal"] = str(refusal.args[0]) if refusal.args else ""
        return render(request, "follows/follow_up_refused.html", context, status=403)
    return render(request, "follows/follow_up_done.html", context)


def _choice_objects(found: FollowUp, choice: follow_ups.Choice) -> dict:
    from brands.models import ProductVersion
    from qa.models import Answer

    answer = version = None
    if choice.answer_id:
        answer = (
            Answer.objects.select_related("author")
            .filter(pk=choice.answer_id, thread_id=found.thread_id)
            .first()
        )
    if choice.version_id:
        version = ProductVersion.objects.filter(pk=choice.version_id).first()
    return {"answer": answer, "version": version}
