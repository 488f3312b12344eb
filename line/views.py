"""LINE's webhook, the pages the chat's links open, the brand's LINE settings and the
team's page of private requests. Thin: parse, authorize, call a service, render."""

from __future__ import annotations

import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from brands.forms import add_service_errors
from brands.models import Brand
from feedback.services.integrations import absolute

from . import client, permissions, services, tokens
from .forms import CaseReplyForm, ChannelForm, QuestionForm
from .models import LineCaseRequest, LineEvent, LinePush, LineRelay
from .selectors import channel_for, product_named_in

logger = logging.getLogger(__name__)


@csrf_exempt
@require_POST
def webhook(request: HttpRequest, brand_slug: str) -> HttpResponse:
    """Stored, then answered 200 at once; the answers go out through the outbox."""
    brand = get_object_or_404(Brand, slug=brand_slug)
    if not channel_for(brand).connected:
        raise Http404(_("This brand has not connected a LINE account."))
    try:
        services.webhook_receive(
            brand=brand,
            body=request.body,
            signature=request.headers.get(client.SIGNATURE_HEADER, ""),
        )
    except services.LineSignatureRefused:
        logger.warning("LINE webhook for %s refused: bad X-Line-Signature", brand.slug)
        return HttpResponse(_("Bad signature."), status=403, content_type="text/plain")
    except ValidationError as error:
        return HttpResponse(" ".join(error.messages), status=400, content_type="text/plain")
    return HttpResponse("OK", content_type="text/plain")


def _flow_event(action: str, token: str) -> LineEvent:
    event = tokens.flow_event(action, token)
    if event is None:
        raise Http404(_("This link has expired or is not valid. Write to us on LINE again."))
    return event


@login_required
def ask(request: HttpRequest, token: str) -> HttpResponse:
    event = _flow_event("ask", token)
    if event.thread_id:
        return redirect(event.thread.get_absolute_url())
    text = event.text
    initial = {
        "title": (text.strip().splitlines() or [""])[0][:120],
        "body": text,
        "product": product_named_in(event.brand, text),
    }
    form = QuestionForm(request.POST or None, brand=event.brand, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            thread = services.line_question_publish(
                actor=request.user, event=event, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your question is published. Answers come to LINE too."))
            return redirect(thread.get_absolute_url())
    return render(request, "line/ask.html", {"brand": event.brand, "form": form})


@login_required
def case(request: HttpRequest, token: str) -> HttpResponse:
    event = _flow_event("case", token)
    if request.method == "POST":
        try:
            services.line_case_request(actor=request.user, event=event)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Sent. The team answers you privately, in LINE."))
            return render(request, "line/done.html", {"brand": event.brand})
    return render(request, "line/case.html", {"brand": event.brand, "text": event.text})


@login_required
def link(request: HttpRequest, token: str) -> HttpResponse:
    event = _flow_event("link", token)
    if request.method == "POST":
        services.line_link(user=request.user, event=event)
        messages.success(request, _("LINE is linked: your notifications come there too."))
        return render(request, "line/done.html", {"brand": event.brand})
    return render(request, "line/link.html", {"brand": event.brand})


@login_required
def channel_settings(request: HttpRequest, brand_slug: str) -> HttpResponse:
    brand = permissions.access_line_settings(request.user, brand_slug)
    credentials = channel_for(brand)
    form = ChannelForm(
        request.POST or None,
        initial={"relay_url": credentials.relay_url, "relay_all": credentials.relay_all},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.line_channel_save(actor=request.user, brand=brand, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("LINE settings saved."))
            return redirect("line:settings", brand_slug=brand.slug)
    context = {
        "brand": brand,
        "form": form,
        "credentials": credentials,
        "webhook_url": absolute(reverse("line:webhook", kwargs={"brand_slug": brand.slug})),
        "events": list(LineEvent.objects.filter(brand=brand)[:20]),
        "given_up": LinePush.objects.filter(brand=brand, state=LinePush.State.GIVEN_UP).count(),
        "relays_failed": LineRelay.objects.filter(
            brand=brand, state=LineRelay.State.FAILED
        ).count(),
    }
    return render(request, "line/settings.html", context)


@login_required
def requests_page(request: HttpRequest, brand_slug: str) -> HttpResponse:
    brand = permissions.access_line_requests(request.user, brand_slug)
    return _requests_page(request, brand)


def _requests_page(
    request: HttpRequest, brand, *, refused: LineCaseRequest | None = None, form=None
) -> HttpResponse:
    """The brand's private requests; a refused answer comes back filled in beside its own
    request, with the reason beside the field."""
    asked = LineCaseRequest.objects.filter(brand=brand).select_related("requester")[:50]
    return render(
        request,
        "line/requests.html",
        {
            "brand": brand,
            "requests": list(asked),
            "form": CaseReplyForm(),
            "refused_pk": refused.pk if refused is not None else None,
            "refused_form": form,
        },
        status=400 if refused is not None else 200,
    )


@login_required
@require_POST
def request_reply(request: HttpRequest, brand_slug: str, pk: int) -> HttpResponse:
    brand = permissions.access_line_requests(request.user, brand_slug)
    asked = get_object_or_404(LineCaseRequest.objects.select_related("event"), pk=pk, brand=brand)
    form = CaseReplyForm(request.POST)
    if form.is_valid():
        try:
            services.line_case_reply(
                actor=request.user,
                request=asked,
                body=form.cleaned_data["body"],
                submission_token=form.cleaned_data["submission_token"],
            )
        except ValidationError as error:
            form.add_error(None, error)  # beside the field it names
        else:
            messages.success(request, _("Sent to their LINE."))
            return redirect("line:requests", brand_slug=brand.slug)
    return _requests_page(request, brand, refused=asked, form=form)
