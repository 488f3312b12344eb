from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from brands.models import Product
from qa.forms import SubmissionTokenMixin


class ChannelForm(forms.Form):
    channel_secret = forms.CharField(
        label=_("Channel secret"),
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("From the LINE Developers console, Basic settings. Leave empty to keep it."),
    )
    access_token = forms.CharField(
        label=_("Channel access token"),
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("A long-lived token, Messaging API tab. Leave empty to keep it."),
    )
    relay_url = forms.URLField(
        label=_("Relay to your existing LINE tool"),
        required=False,
        assume_scheme="https",
        help_text=_(
            "LINE allows one webhook per account: events Sodan does not answer go on to this "
            "address, signed with the same channel secret."
        ),
    )
    relay_all = forms.BooleanField(
        label=_("Relay every event, including those Sodan answers"), required=False
    )


class QuestionForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(label=_("Your question"), widget=forms.Textarea(attrs={"rows": 8}))
    product = forms.ModelChoiceField(
        label=_("Product"), queryset=Product.objects.none(), required=False
    )
    consent = forms.BooleanField(
        label=_("Publish this question in the community, visible to everyone, under my name."),
        required=True,
    )

    def __init__(self, *args, brand, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = Product.objects.for_brand(brand)


class CaseReplyForm(SubmissionTokenMixin, forms.Form):
    """A rep's answer to a private request; its token makes a second send of the same form
    (a double click, a retry) push once."""

    body = forms.CharField(
        label=_("Answer in LINE"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000
    )
