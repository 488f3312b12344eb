"""Forms validate shape; brands.services validates the rules and raises per-field errors."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from qa.models import Thread

from .models import MAX_RESPONSE_TARGET_HOURS, Membership, ProductVersion, ReportSchedule
from .report_dimensions import DEFAULT_CROSSTAB, DIMENSIONS
from .reports import DEFAULT_WEEKS, PERIODS
from .selectors import INBOX_TABS


class BrandStartForm(forms.Form):
    name = forms.CharField(
        label=_("Brand name"),
        max_length=100,
        help_text=_("As the company writes it, e.g. Hoshino Camera."),
    )
    domain = forms.CharField(
        label=_("Website domain"),
        max_length=253,
        help_text=_("The company's own website, e.g. hoshino-camera.example."),
    )
    product_name = forms.CharField(
        label=_("One of its products"),
        max_length=100,
        help_text=_("More products can be added later."),
    )


class ClaimForm(forms.Form):
    evidence = forms.CharField(
        label=_("How do you work for this company?"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Only needed if none of your verified e-mail addresses is on the brand's domain: "
            "staff read it to decide."
        ),
    )


class ClaimDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=(("approve", _("Approve")), ("reject", _("Reject"))),
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The claimant reads it. Needed to reject."),
    )


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"))
    role = forms.ChoiceField(
        label=_("Role"), choices=Membership.Role.choices, initial=Membership.Role.REP
    )
    department = forms.CharField(
        label=_("Department"),
        max_length=60,
        required=False,
        help_text=_("Optional: Engineering, Quality, Logistics… requests to it reach them."),
    )


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), required=False, max_length=500)


class ResponseTargetForm(forms.Form):
    hours = forms.IntegerField(
        label=_("Hours to the first official response"),
        min_value=1,
        max_value=MAX_RESPONSE_TARGET_HOURS,
        help_text=_("Counted around the clock. Admins are told once about each thread past it."),
    )


class _UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.public_name


class HandOverForm(forms.Form):
    to = _UserChoiceField(label=_("Hand over to"), queryset=None, empty_label=None)

    def __init__(self, *args: Any, candidates: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to"].queryset = candidates


class _VersionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: ProductVersion) -> str:
        return obj.name


class VersionChoiceForm(forms.Form):
    """The release a thread or an endorsement is about, among the product's releases."""

    version = _VersionChoiceField(
        label=_("Version"), queryset=None, required=False, empty_label=_("Any version")
    )

    def __init__(self, *args: Any, thread: Thread, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["version"].queryset = (
            ProductVersion.objects.filter(product_id=thread.product_id).released()
            if thread.product_id
            else ProductVersion.objects.none()
        )


class VersionPublishForm(forms.Form):
    name = forms.CharField(
        label=_("Release"), max_length=50, help_text=_("As customers see it, e.g. 2.1.")
    )


class CustomerNoteForm(forms.Form):
    body = forms.CharField(
        label=_("Hand-over note"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Private to the brand's team; the customer never sees it."),
    )
    thread = forms.IntegerField(required=False, widget=forms.HiddenInput)


class InboxFilterForm(forms.Form):
    """The inbox's tab and filters; invalid values fall back to the defaults."""

    tab = forms.ChoiceField(choices=[(tab, tab) for tab in INBOX_TABS], required=False)
    product = forms.SlugField(required=False)
    type = forms.ChoiceField(choices=[("", _("All types")), *Thread.Type.choices], required=False)


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Put a service's ValidationError beside the fields it names (or above the form)."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


class ReportForm(forms.Form):
    weeks = forms.TypedChoiceField(
        choices=[(n, n) for n in PERIODS], coerce=int, required=False, empty_value=DEFAULT_WEEKS
    )
    row = forms.ChoiceField(label=_("Rows"), choices=list(DIMENSIONS.items()), required=False)
    column = forms.ChoiceField(label=_("Columns"), choices=list(DIMENSIONS.items()), required=False)

    def crosstab(self) -> tuple[str, str]:
        """The two dimensions chosen (the defaults for anything else)."""
        data = self.cleaned_data if self.is_valid() else {}
        row = data.get("row") or DEFAULT_CROSSTAB[0]
        column = data.get("column") or DEFAULT_CROSSTAB[1]
        return (row, column) if row != column else DEFAULT_CROSSTAB


class ReportSettingsForm(forms.Form):
    cost_per_contact = forms.DecimalField(
        label=_("Cost per contact (yen)"),
        min_value=0,
        max_value=10_000_000,
        decimal_places=0,
        help_text=_("What one call or e-mail to support costs you, for the deflection estimate."),
    )


class ReportScheduleForm(forms.Form):
    period = forms.ChoiceField(label=_("Period"), choices=ReportSchedule.Period.choices)
    recipients = forms.TypedMultipleChoiceField(
        label=_("Send to"), coerce=int, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, team: list[Any] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["recipients"].choices = [(user.pk, user.public_name) for user in team]


class DepartmentRequestForm(forms.Form):
    department = forms.IntegerField(widget=forms.HiddenInput)
    due_on = forms.DateField(label=_("Needed by"), widget=forms.DateInput(attrs={"type": "date"}))
    body = forms.CharField(label=_("What you need"), widget=forms.Textarea(attrs={"rows": 4}))
    thread = forms.IntegerField(required=False, widget=forms.HiddenInput)
    case = forms.IntegerField(required=False, widget=forms.HiddenInput)


class DepartmentAnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Answer (only the team sees it)"), widget=forms.Textarea(attrs={"rows": 4})
    )


class MemberDepartmentForm(forms.Form):
    department = forms.CharField(label=_("Department"), max_length=60, required=False)
