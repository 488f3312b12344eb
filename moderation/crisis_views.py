"""Crisis pages: a brand's alerts with their acknowledge button (its team, its neutral
moderators, staff), and the crisis channel's form on the keywords page (its admins)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from brands.models import Brand
from qa.models import Thread

from . import permissions, services
from .forms import CrisisChannelForm
from .models import CrisisAlert, CrisisChannel


def channel_form(brand: Brand, data=None) -> CrisisChannelForm:
    channel = CrisisChannel.objects.filter(brand=brand).first()
    return CrisisChannelForm(data, initial={"webhook_url": channel.webhook_url if channel else ""})


def channel_save(request: HttpRequest, brand: Brand) -> HttpResponse:
    """The keywords page's second form: where the brand's alerts are posted."""
    form = channel_form(brand, request.POST)
    if form.is_valid():
        try:
            services.crisis_channel_set(
                actor=request.user, brand=brand, webhook_url=form.cleaned_data["webhook_url"]
            )
        except ValidationError as error:
            for problems in error.message_dict.values():
                for problem in problems:
                    messages.error(request, problem)
        else:
            messages.success(request, _("Crisis alerts will be posted to that address."))
    else:
        for problems in form.errors.values():
            for problem in problems:
                messages.error(request, problem)
    return redirect(request.path)


@login_required
def crisis_alerts(request: HttpRequest, brand_slug: str) -> HttpResponse:
    brand = permissions.access_crisis_alerts(request.user, brand_slug)
    alerts = (
        CrisisAlert.objects.for_brand(brand)
        .select_related("product", "version", "acknowledged_by")
        .prefetch_related(Prefetch("threads", queryset=Thread.objects.order_by("pk")))
    )
    page = Paginator(alerts, per_page=30).get_page(request.GET.get("page"))
    return render(
        request,
        "moderation/crisis_alerts.html",
        {"brand": brand, "page": page, "ack_minutes": settings.SODAN_CRISIS_ACK_MINUTES},
    )


@login_required
@require_POST
def crisis_alert_acknowledge(request: HttpRequest, brand_slug: str, pk: int) -> HttpResponse:
    brand = permissions.access_crisis_alerts(request.user, brand_slug)
    alert = permissions.access_crisis_alert(request.user, brand, pk)
    try:
        services.crisis_alert_acknowledge(actor=request.user, alert=alert)
    except ValidationError as error:
        messages.info(request, " ".join(error.messages))
    else:
        messages.success(request, _("Acknowledged: the team sees that you are on it."))
    url = reverse("moderation:crisis_alerts", kwargs={"brand_slug": brand.slug})
    return redirect(f"{url}#alert-{alert.pk}")
