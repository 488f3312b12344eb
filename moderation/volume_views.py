"""Moderation at volume: one decision on the posts selected in the review queue, and the
review of posts held for review (new members' first posts)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from brands.permissions import access_brand
from community.form_actions import form_action
from qa.models import Answer, Thread

from . import permissions, services
from .forms import BatchActionForm, FirstPostHoldForm


def _selected(request: HttpRequest) -> list[tuple[Thread | Answer, list[int]]]:
    """The posts ticked in the queue ("thread:12", "answer:7"), each with the open flags
    the queue showed for it."""
    wanted: list[tuple[str, int]] = []
    for value in request.POST.getlist("post"):
        kind, _sep, pk = value.partition(":")
        if kind in ("thread", "answer") and pk.isdigit() and (kind, int(pk)) not in wanted:
            wanted.append((kind, int(pk)))
    threads = Thread.objects.select_related("brand").in_bulk(
        [pk for kind, pk in wanted if kind == "thread"]
    )
    answers = Answer.objects.select_related("thread__brand").in_bulk(
        [pk for kind, pk in wanted if kind == "answer"]
    )
    selected = []
    for kind, pk in wanted:
        post = (threads if kind == "thread" else answers).get(pk)
        if post is None:
            continue
        shown = request.POST.get(f"flags:{kind}:{pk}", "")
        selected.append((post, [int(f) for f in shown.split(",") if f.strip().isdigit()]))
    return selected


@form_action("moderation:queue")
def queue_batch(request: HttpRequest) -> HttpResponse:
    permissions.check_can_see_queue(request.user)
    form = BatchActionForm(request.POST)
    back = request.POST.get("back", "")
    target = f"{redirect('moderation:queue').url}?{back}" if back else "moderation:queue"
    if not form.is_valid():
        messages.error(request, _("Choose an action and give a reason."))
        return redirect(target)
    try:
        entries = services.posts_act_in_batch(
            actor=request.user,
            posts=_selected(request),
            action=form.cleaned_data["action"],
            reason=form.cleaned_data["reason"],
        )
    except (PermissionDenied, ValidationError) as refused:
        text = " ".join(getattr(refused, "messages", None) or [str(refused)])
        messages.error(request, text)
    else:
        messages.success(
            request,
            ngettext(
                "Done for %(count)d post. Its author has been told.",
                "Done for %(count)d posts. Each author has been told.",
                len(entries),
            )
            % {"count": len(entries)},
        )
    return redirect(target)


@login_required
def first_post_hold(request: HttpRequest, brand_slug: str) -> HttpResponse:
    """A brand's admins choose whether new members' first posts wait for review."""
    brand = access_brand(request.user, brand_slug)
    permissions.check_can_set_first_post_hold(request.user, brand)
    form = FirstPostHoldForm(
        request.POST or None, initial={"posts": services.first_post_hold_of(brand)}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.first_post_hold_set(
                actor=request.user, brand=brand, posts=form.cleaned_data["posts"]
            )
        except ValidationError as error:
            form.add_error("posts", error.messages)
        else:
            messages.success(request, _("Saved."))
            return redirect("moderation:first_post_hold", brand_slug=brand.slug)
    return render(request, "moderation/first_post_hold.html", {"brand": brand, "form": form})
