"""The settings pages' forms: a personal access token, a brand API key."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from brands.models import Membership

from .models import Scope

EXPIRY_CHOICES = [(7, _("7 days")), (30, _("30 days")), (90, _("90 days")), (365, _("1 year"))]


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=80, help_text=_("What will use it, e.g. “my support script”.")
    )
    scopes = forms.MultipleChoiceField(
        label=_("Scopes"),
        choices=Scope.choices,
        initial=[Scope.READ],
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Read: see what you can see. Write: post, vote and change as you."),
    )
    expires_in_days = forms.TypedChoiceField(
        label=_("Expires after"), choices=EXPIRY_CHOICES, coerce=int, initial=90
    )


class BrandKeyForm(forms.Form):
    name = forms.CharField(
        label=_("Integration name"),
        max_length=80,
        help_text=_("Shown as the author of what it writes, e.g. “Helpdesk”."),
    )
    role = forms.ChoiceField(
        label=_("Acts as"),
        choices=[
            (Membership.Role.REP, _("Brand rep")),
            (Membership.Role.PRODUCT, _("Product team")),
        ],
        initial=Membership.Role.PRODUCT,
    )
    scopes = forms.MultipleChoiceField(
        label=_("Scopes"),
        choices=Scope.choices,
        initial=[Scope.READ],
        widget=forms.CheckboxSelectMultiple,
    )
    expires_in_days = forms.TypedChoiceField(
        label=_("Expires after"),
        choices=[(0, _("Never (until revoked)")), *EXPIRY_CHOICES],
        coerce=int,
        initial=365,
    )
