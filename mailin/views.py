"""The pages of mail in: the link that publishes a thread started by e-mail, a brand's
mail addresses, and the mail providers' inbound webhooks (django-anymail's views)."""

from __future__ import annotations

from collections.abc import Callable

from anymail.webhooks.mailgun import MailgunInboundWebhookView
from anymail.webhooks.postmark import PostmarkInboundWebhookView
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from moderation.ratelimit import RateLimited

from . import permissions, services
from .addresses import mailin_domain, support_address
from .models import BrandMailAlias, MailThreadDraft


def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The link mailed to the sender of a new thread: shows it, and publishes it on POST by
    the account that holds the address."""
    draft = services.draft_from_token(token)
    if draft is None:
        return render(request, "mailin/confirm.html", {"invalid": True}, status=404)
    if draft.status == MailThreadDraft.Status.PUBLISHED and draft.thread_id:
        return redirect(draft.thread.get_absolute_url())
    refusal = ""
    if request.method == "POST":
        try:
            thread = services.draft_publish(actor=request.user, draft=draft)
        except PermissionDenied as error:
            refusal = str(error)
        except RateLimited as error:
            refusal = error.message
        except ValidationError as error:
            refusal = " ".join(error.messages)
        else:
            messages.success(request, _("Your thread is published."))
            return redirect(thread.get_absolute_url())
    context = {
        "draft": draft,
        "brand": draft.brand,
        "may_publish": permissions.can_publish_draft(request.user, draft),
        "refusal": refusal,
    }
    return render(request, "mailin/confirm.html", context, status=403 if refusal else 200)


@login_required
def addresses(request: HttpRequest, brand_slug: str) -> HttpResponse:
    brand = permissions.access_mail_addresses(request.user, brand_slug)
    error = ""
    if request.method == "POST":
        try:
            services.mail_alias_add(
                actor=request.user, brand=brand, local_part=request.POST.get("local_part", "")
            )
        except ValidationError as refusal:
            error = " ".join(refusal.messages)
        else:
            messages.success(request, _("Address added."))
            return redirect("mailin:addresses", brand_slug=brand.slug)
    context = {
        "brand": brand,
        "support_address": support_address(brand),
        "domain": mailin_domain(),
        "aliases": list(BrandMailAlias.objects.filter(brand=brand)),
        "error": error,
    }
    return render(request, "mailin/addresses.html", context, status=400 if error else 200)


@login_required
@require_POST
def address_remove(request: HttpRequest, brand_slug: str, pk: int) -> HttpResponse:
    brand = permissions.access_mail_addresses(request.user, brand_slug)
    alias = get_object_or_404(BrandMailAlias, brand=brand, pk=pk)
    services.mail_alias_remove(actor=request.user, alias=alias)
    messages.success(request, _("Address removed."))
    return redirect("mailin:addresses", brand_slug=brand.slug)


# --- Providers' inbound webhooks: anymail checks the signature or basic auth, parses the
# provider's payload into a message and sends its `inbound` signal (mailin/signals.py).


def _anymail(view_class: type, *, enabled: Callable[[], bool]) -> Callable:
    @csrf_exempt
    def view(request: HttpRequest) -> HttpResponse:
        if not enabled():
            raise Http404  # not configured here: no endpoint that takes unsigned mail
        return view_class.as_view()(request)

    return view


def _mailgun_enabled() -> bool:
    return bool(settings.ANYMAIL.get("MAILGUN_WEBHOOK_SIGNING_KEY"))


def _postmark_enabled() -> bool:
    return bool(settings.ANYMAIL.get("WEBHOOK_SECRET"))


mailgun_inbound = _anymail(MailgunInboundWebhookView, enabled=_mailgun_enabled)
postmark_inbound = _anymail(PostmarkInboundWebhookView, enabled=_postmark_enabled)
