"""A brand's integrations page (signing secret, webhook endpoints, delivery and inbound
logs) and the inbound endpoint its issue tracker calls."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from brands import permissions as brand_permissions
from brands.forms import add_service_errors
from brands.models import Brand, Product
from feedback.models import BrandSigningSecret, InboundWebhook, WebhookDelivery, WebhookEndpoint

from .. import permissions
from ..forms import EndpointForm
from ..services import integrations as services


def _page(
    request: HttpRequest, brand: Brand, *, form: EndpointForm | None = None, status: int = 200
) -> HttpResponse:
    inbound_path = reverse("feedback:integrations_inbound", kwargs={"brand_slug": brand.slug})
    return render(
        request,
        "feedback/integrations.html",
        {
            "brand": brand,
            "products": list(Product.objects.for_brand(brand)),
            "secret": BrandSigningSecret.objects.filter(brand=brand).first(),
            "endpoints": list(WebhookEndpoint.objects.for_brand(brand)),
            "deliveries": list(
                WebhookDelivery.objects.for_brand(brand).select_related("endpoint")[:30]
            ),
            "inbound": list(InboundWebhook.objects.for_brand(brand).select_related("item")[:30]),
            "inbound_url": services.absolute(inbound_path),
            "form": form or EndpointForm(),
        },
        status=status,
    )


@login_required
def integrations(request: HttpRequest, brand_slug: str) -> HttpResponse:
    return _page(request, permissions.access_integrations(request.user, brand_slug))


@login_required
@require_POST
def secret_rotate(request: HttpRequest, brand_slug: str) -> HttpResponse:
    brand = permissions.access_integrations(request.user, brand_slug)
    had_one = BrandSigningSecret.objects.filter(brand=brand).exists()
    services.signing_secret_rotate(actor=request.user, brand=brand)
    if had_one:
        messages.success(
            request,
            _("A new signing secret is in place; the old one no longer works. Update your tools."),
        )
    else:
        messages.success(request, _("Signing secret created."))
    return redirect("feedback:integrations", brand_slug=brand.slug)


@login_required
@require_POST
def endpoint_create(request: HttpRequest, brand_slug: str) -> HttpResponse:
    brand = permissions.access_integrations(request.user, brand_slug)
    form = EndpointForm(request.POST)
    if form.is_valid():
        try:
            services.webhook_endpoint_create(actor=request.user, brand=brand, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Endpoint added: it hears about the events ticked."))
            return redirect("feedback:integrations", brand_slug=brand.slug)
    return _page(request, brand, form=form, status=400)


@login_required
@require_POST
def endpoint_toggle(request: HttpRequest, brand_slug: str, pk: int) -> HttpResponse:
    brand = permissions.access_integrations(request.user, brand_slug)
    endpoint = permissions.access_endpoint(request.user, brand, pk)
    services.webhook_endpoint_set_active(
        actor=request.user, endpoint=endpoint, active=not endpoint.active
    )
    return redirect("feedback:integrations", brand_slug=brand.slug)


@login_required
@require_POST
def endpoint_delete(request: HttpRequest, brand_slug: str, pk: int) -> HttpResponse:
    brand = permissions.access_integrations(request.user, brand_slug)
    endpoint = permissions.access_endpoint(request.user, brand, pk)
    services.webhook_endpoint_delete(actor=request.user, endpoint=endpoint)
    messages.success(request, _("Endpoint removed."))
    return redirect("feedback:integrations", brand_slug=brand.slug)


@csrf_exempt  # authenticated by the brand's HMAC signature, not by a session
@require_POST
def inbound(request: HttpRequest, brand_slug: str) -> JsonResponse:
    brand = brand_permissions.access_brand(request.user, brand_slug)  # the signature is the check
    result = services.inbound_webhook_receive(
        brand=brand,
        headers=request.headers,
        body=request.body,
        remote_addr=request.META.get("REMOTE_ADDR"),
    )
    body: dict = {"ok": 200 <= result.status_code < 300, "detail": result.message}
    if result.item is not None:
        body.update(item=result.item.pk, status=result.item.status)
    return JsonResponse(body, status=result.status_code)
