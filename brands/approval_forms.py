"""Forms for approvals and canned replies. The rules themselves (who may, what is valid,
unknown placeholders) are the services'; these parse what was posted and carry the
services' errors back beside their fields (forms.add_service_errors)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from qa.models import Thread

from .models import ApprovalRule, Brand, CannedReply, Product


class DraftBodyForm(forms.Form):
    """The author's revision, or the approver's edit before approving."""

    body = forms.CharField(
        label=_("Answer"),
        widget=forms.Textarea(attrs={"rows": 10}),
        required=False,
        help_text=_("Markdown. Customers see it only once it is approved."),
    )


class DraftApproveForm(forms.Form):
    """Approve as it is (no body), or edit and approve (the approver's text)."""

    body = forms.CharField(
        label=_("Edit before approving (optional)"),
        widget=forms.Textarea(attrs={"rows": 10}),
        required=False,
    )


class DraftChangesForm(forms.Form):
    comment = forms.CharField(
        label=_("What should change"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_("The author reads this, with a notification."),
    )


class ApprovalRuleForm(forms.Form):
    kind = forms.ChoiceField(label=_("Applies to"), choices=ApprovalRule.Kind.choices)
    thread_type = forms.ChoiceField(
        label=_("Thread type"),
        choices=[("", _("Every type")), *Thread.Type.choices],
        required=False,
    )
    product = forms.ModelChoiceField(
        label=_("Product"),
        queryset=Product.objects.none(),
        required=False,
        empty_label=_("Every product"),
    )
    approvers = forms.ChoiceField(label=_("Approved by"), choices=ApprovalRule.Approvers.choices)

    def __init__(self, *args: Any, brand: Brand, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = Product.objects.for_brand(brand)


class MemberApprovalForm(forms.Form):
    is_approver = forms.BooleanField(label=_("Approver"), required=False)
    in_training = forms.BooleanField(label=_("In training"), required=False)


class SelfApprovalForm(forms.Form):
    allowed = forms.BooleanField(label=_("Approvers may approve their own drafts"), required=False)


class CannedReplyForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=100, required=False)
    language = forms.ChoiceField(label=_("Language"), choices=CannedReply.Language.choices)
    body = forms.CharField(
        label=_("Text"),
        widget=forms.Textarea(attrs={"rows": 8}),
        required=False,
        help_text=_(
            "Placeholders: {customer_name} (the asker's display name), {product} and "
            "{release} (the thread's). Write {{ or }} for a brace itself."
        ),
    )
