from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import RemovalRequest


class RemovalRequestForm(forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=200)
    email = forms.EmailField(
        label=_("Your e-mail address"), help_text=_("The decision and its reasons are sent here.")
    )
    post_url = forms.CharField(
        label=_("Address of the post"),
        max_length=500,
        help_text=_("Copy the link of the thread or answer, e.g. https://…/t/123/…#answer-456"),
    )
    right = forms.ChoiceField(
        label=_("Which right does the post infringe?"),
        choices=RemovalRequest.Right.choices,
        widget=forms.RadioSelect,
    )
    explanation = forms.CharField(
        label=_("Explanation"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Which part of the post, and how it infringes your right. The poster reads this "
            "explanation; your name and address are never shown to them."
        ),
    )

    def clean_post_url(self) -> str:
        from .services import post_from_url

        value = self.cleaned_data["post_url"]
        if post_from_url(value) is None:
            raise forms.ValidationError(
                _("No post found at that address. Copy the post's link from Sodan.")
            )
        return value


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            ("remove", _("Remove the post")),
            ("keep", _("Keep the post")),
            ("partly", _("Remove part of the post")),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reasons"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Sent to the requester by e-mail and shown to the poster."),
    )
    revised_body = forms.CharField(
        label=_("The post's text with the infringing part taken out"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Only for “Remove part of the post”."),
    )


class ResponseForm(forms.Form):
    message = forms.CharField(
        label=_("Your response"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("The moderator reads it before deciding. The requester does not see it."),
    )
