"""The integrations page's event controls: which kinds an endpoint receives, and the "send
test event" button. The page itself is feedback's (feedback/views/integrations.py); these
post to it and return there."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from feedback import permissions
from feedback.forms import EndpointEventsForm

from . import services


@login_required
@require_POST
def endpoint_events(request: HttpRequest, brand_slug: str, pk: int) -> HttpResponse:
    brand = permissions.access_integrations(request.user, brand_slug)
    endpoint = permissions.access_endpoint(request.user, brand, pk)
    form = EndpointEventsForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form.errors.get("events") or _("Choose from the list."))
        services.webhook_endpoint_events_set(
            actor=request.user, endpoint=endpoint, kinds=form.cleaned_data["events"]
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Saved: the endpoint receives the events ticked."))
    return redirect("feedback:integrations", brand_slug=brand.slug)


@login_required
@require_POST
def endpoint_test(request: HttpRequest, brand_slug: str, pk: int) -> HttpResponse:
    brand = permissions.access_integrations(request.user, brand_slug)
    endpoint = permissions.access_endpoint(request.user, brand, pk)
    services.webhook_test_send(actor=request.user, endpoint=endpoint)
    messages.success(
        request,
        _("A test event is on its way to %(url)s: see the deliveries below.")
        % {"url": endpoint.url},
    )
    return redirect("feedback:integrations", brand_slug=brand.slug)
