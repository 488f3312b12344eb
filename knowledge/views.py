"""The one-step POST that turns a solved thread into a knowledge article."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qa.permissions import access_thread

from . import services


@require_POST
def article_from_thread(request: HttpRequest, pk: int) -> HttpResponse:
    thread = access_thread(request.user, pk)
    publish = request.POST.get("publish") == "1"
    try:
        link = services.article_from_thread(actor=request.user, thread=thread, publish=publish)
    except ValidationError as refused:
        messages.error(request, " ".join(refused.messages))
        return redirect(thread)
    if publish:
        messages.success(request, _("The knowledge article is published."))
        return redirect(link.article.url or thread.get_absolute_url())
    messages.success(
        request, _("The knowledge article is saved as a draft: edit it, then publish.")
    )
    return redirect(reverse("wagtailadmin_pages:edit", args=[link.article_id]))
