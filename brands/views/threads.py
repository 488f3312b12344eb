"""The brand's actions on a customer's thread: take, release, hand over, name the version;
endorse answers; publish releases."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from community.form_actions import form_action
from community.models import User
from qa import permissions as qa_permissions
from qa.models import Answer, Thread

from .. import permissions, selectors, services
from ..forms import HandOverForm, VersionChoiceForm, VersionPublishForm, add_service_errors
from ..models import Membership, OfficialDraft, Product


def _thread(request: HttpRequest, pk: int) -> Thread:
    return qa_permissions.access_thread(
        request.user, pk, threads=Thread.objects.select_related("brand", "ownership__owner")
    )


def _answer(request: HttpRequest, pk: int) -> Answer:
    """A published answer only: the brand endorses what everyone can read."""
    return qa_permissions.access_answer(
        request.user, pk, answers=Answer.objects.visible().select_related("thread__brand", "author")
    )


def _error_message(request: HttpRequest, error: ValidationError) -> None:
    messages.error(request, " ".join(error.messages))


@form_action("qa:thread_short")
def thread_take(request: HttpRequest, pk: int) -> HttpResponse:
    thread = _thread(request, pk)
    services.thread_take(actor=request.user, thread=thread)
    messages.success(
        request,
        _("You are on it: the thread shows that %(brand)s owns it.") % {"brand": thread.brand.name},
    )
    return redirect(thread)


@form_action("qa:thread_short")
def thread_release(request: HttpRequest, pk: int) -> HttpResponse:
    thread = _thread(request, pk)
    services.thread_release(actor=request.user, thread=thread)
    messages.success(request, _("Released: the thread is back in the inbox's unowned list."))
    return redirect(thread)


@form_action("qa:thread_short")
def thread_hand_over(request: HttpRequest, pk: int) -> HttpResponse:
    thread = _thread(request, pk)
    permissions.check_can_release(request.user, thread, selectors.current_ownership(thread))
    candidates = User.objects.filter(
        pk__in=Membership.objects.active().speaking().for_brand(thread.brand).values("user")
    )
    form = HandOverForm(request.POST, candidates=candidates)
    if not form.is_valid():
        messages.error(
            request, _("Choose a rep or admin of %(brand)s.") % {"brand": thread.brand.name}
        )
        return redirect(thread)
    to = form.cleaned_data["to"]
    try:
        services.thread_hand_over(actor=request.user, thread=thread, to=to)
    except ValidationError as error:
        _error_message(request, error)
    else:
        messages.success(request, _("Handed over to %(name)s.") % {"name": to.public_name})
    return redirect(thread)


@form_action("qa:thread_short")
def thread_version(request: HttpRequest, pk: int) -> HttpResponse:
    thread = _thread(request, pk)
    permissions.check_can_set_thread_version(request.user, thread)
    form = VersionChoiceForm(request.POST, thread=thread)
    if not form.is_valid():
        messages.error(request, _("Choose a release of the product this thread is about."))
        return redirect(thread)
    try:
        services.thread_version_set(
            actor=request.user, thread=thread, version=form.cleaned_data["version"]
        )
    except ValidationError as error:
        _error_message(request, error)
    return redirect(thread)


@form_action("qa:answer_short")
def answer_endorse(request: HttpRequest, pk: int) -> HttpResponse:
    answer = _answer(request, pk)
    permissions.check_can_endorse(request.user, answer)
    form = VersionChoiceForm(request.POST, thread=answer.thread)
    if not form.is_valid():
        messages.error(request, _("Choose a release of the product this thread is about."))
        return redirect(answer.get_absolute_url())
    try:
        endorsed = services.answer_endorse(
            actor=request.user, answer=answer, version=form.cleaned_data["version"]
        )
    except ValidationError as error:
        _error_message(request, error)
    else:
        if isinstance(endorsed, OfficialDraft):
            messages.info(
                request,
                _("Your endorsement waits for an approver; it shows once it is approved."),
            )
            return redirect(endorsed)
        messages.success(
            request,
            _("Endorsed: the answer shows as %(brand)s's recommended answer.")
            % {"brand": answer.thread.brand.name},
        )
    return redirect(answer.get_absolute_url())


@form_action()
def endorsement_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    endorsement = permissions.access_endorsement(request.user, pk)
    services.endorsement_withdraw(actor=request.user, endorsement=endorsement)
    messages.success(request, _("The endorsement is withdrawn."))
    return redirect(endorsement.answer.get_absolute_url())


@form_action()
def endorsement_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    endorsement = permissions.access_endorsement(request.user, pk)
    try:
        services.endorsement_confirm(actor=request.user, endorsement=endorsement)
    except ValidationError as error:
        _error_message(request, error)
    else:
        messages.success(request, _("Confirmed for the newer release."))
    product = endorsement.answer.thread.product
    if request.POST.get("back") == "versions" and product is not None:
        return redirect(
            "brands:versions", brand_slug=endorsement.brand.slug, product_slug=product.slug
        )
    return redirect(endorsement.answer.get_absolute_url())


@login_required
def versions(request: HttpRequest, brand_slug: str, product_slug: str) -> HttpResponse:
    """A product's releases, publishing a new one, and endorsements to confirm again."""
    product = permissions.access_product(
        request.user, brand_slug, product_slug, check=permissions.check_can_read_inbox
    )
    brand = product.brand
    form = VersionPublishForm(request.POST or None)
    status = 200
    if request.method == "POST":
        permissions.check_can_publish_version(request.user, brand)
        status = 400
        if form.is_valid():
            try:
                version = services.version_publish(
                    actor=request.user, product=product, name=form.cleaned_data["name"]
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request, _("%(version)s is published.") % {"version": version.name}
                )
                return redirect("brands:versions", brand_slug=brand.slug, product_slug=product.slug)
    return render(
        request,
        "brands/versions.html",
        {
            "brand": brand,
            "product": product,
            "products": list(Product.objects.for_brand(brand)),
            "form": form,
            "can_publish": permissions.can_publish_version(request.user, brand),
            "can_confirm": permissions.is_rep(request.user, brand),
            **selectors.product_releases(product=product),
        },
        status=status,
    )
