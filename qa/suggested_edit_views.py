"""Suggested edits: the form a member with standing in the brand fills in, and the page where
the answer's author (or a neutral moderator) sees each suggestion as a diff and decides.

Separate pages, not buttons on the thread page: the thread page is cached and shared, and
whether someone may suggest depends on their level in the brand, so the rule is asked here
(qa.permissions) and a refusal is a 403 that says why.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import diffs, permissions, services
from .forms import SuggestedEditForm
from .models import SuggestedEdit


def suggested_edit_create(request: HttpRequest, pk: int) -> HttpResponse:
    answer = permissions.access_answer(request.user, pk)
    permissions.check_can_suggest_edit(request.user, answer)
    form = SuggestedEditForm(request.POST or None, initial={"body": answer.body})
    if request.method == "POST" and form.is_valid():
        try:
            services.suggested_edit_create(author=request.user, answer=answer, **form.cleaned_data)
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("Thank you: the answer's author decides on your edit."))
            return redirect("qa:suggested_edits", pk=answer.pk)
    context = {"brand": answer.thread.brand, "thread": answer.thread, "answer": answer}
    return render(request, "qa/suggested_edit_form.html", {**context, "form": form})


def suggested_edits(request: HttpRequest, pk: int) -> HttpResponse:
    """The answer's waiting suggestions, each as a diff against the answer as it is now.
    Those who may decide see them all; anyone else sees only their own."""
    answer = permissions.access_answer(request.user, pk)
    pending = answer.suggested_edits.filter(status=SuggestedEdit.Status.PENDING).select_related(
        "suggested_by"
    )
    probe = SuggestedEdit(answer=answer)
    may_decide = permissions.can_decide_suggestion(request.user, probe)
    if not may_decide:
        permissions.check_can_see_suggestions(request.user)
        pending = pending.filter(suggested_by=request.user)
    suggestions = list(pending)
    for suggestion in suggestions:
        suggestion.diff = diffs.diff_html(answer.body, suggestion.body)
    return render(
        request,
        "qa/suggested_edits.html",
        {
            "brand": answer.thread.brand,
            "thread": answer.thread,
            "answer": answer,
            "suggestions": suggestions,
            "may_decide": may_decide,
            "may_suggest": permissions.can_suggest_edit(request.user, answer),
        },
    )


@require_POST
def suggested_edit_decide(request: HttpRequest, pk: int, decision: str) -> HttpResponse:
    if decision not in ("accept", "decline"):
        raise Http404
    suggestion = get_object_or_404(SuggestedEdit, pk=pk)
    answer = permissions.access_answer(request.user, suggestion.answer_id)
    suggestion.answer = answer
    permissions.check_can_decide_suggestion(request.user, suggestion)
    decide = (
        services.suggested_edit_accept if decision == "accept" else services.suggested_edit_decline
    )
    try:
        decide(actor=request.user, suggestion=suggestion)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("qa:suggested_edits", pk=answer.pk)
    if decision == "accept":
        messages.success(request, _("The suggested edit is now the answer's newest version."))
        return redirect(answer.get_absolute_url())
    messages.info(request, _("The suggestion was declined; the answer stays as it was."))
    return redirect("qa:suggested_edits", pk=answer.pk)
