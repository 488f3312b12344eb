from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from attachments.forms import AttachmentsMixin

from .models import Case


class CaseOpenForm(forms.Form):
    customer = forms.ModelChoiceField(
        queryset=None, label=_("With"), required=False, empty_label=None
    )
    # Not "body": the thread page this form sits on has the answer form's body too.
    message = forms.CharField(
        label=_("First message, seen only by the customer and your team"),
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, candidates: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["customer"].queryset = candidates


class CaseMessageForm(AttachmentsMixin, forms.Form):
    body = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 5}))


class CaseResolveForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[
            (Case.Status.SOLVED, _("Solved")),
            (Case.Status.DECLINED, _("Closed without a solution")),
        ],
        initial=Case.Status.SOLVED,
    )


class CaseSummaryForm(forms.Form):
    body = forms.CharField(
        label=_("Public summary"),
        help_text=_(
            "Shown to the customer first; once they approve it, it appears in the thread as "
            "your official answer. Leave out anything personal."
        ),
        widget=forms.Textarea(attrs={"rows": 5}),
    )
