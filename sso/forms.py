"""The brand admin's sign-on form and the company sign-in form."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import BrandSignOn


class SignOnForm(forms.Form):
    protocol = forms.ChoiceField(
        label=_("Protocol"), choices=BrandSignOn.Protocol.choices, widget=forms.RadioSelect
    )
    domains = forms.CharField(
        label=_("E-mail domains"),
        max_length=500,
        help_text=_("Comma-separated, e.g. example.co.jp, example.com."),
    )
    issuer = forms.URLField(
        assume_scheme="https",
        label=_("Issuer (OpenID Connect)"),
        required=False,
        help_text=_(
            "Its discovery document is at this address + /.well-known/openid-configuration."
        ),
    )
    client_id = forms.CharField(label=_("Client ID (OpenID Connect)"), required=False)
    client_secret = forms.CharField(
        label=_("Client secret (OpenID Connect)"),
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Leave empty to keep the saved secret."),
    )
    entity_id = forms.CharField(label=_("Identity provider entity ID (SAML)"), required=False)
    metadata_url = forms.URLField(
        assume_scheme="https", label=_("Metadata address (SAML)"), required=False
    )
    metadata_xml = forms.CharField(
        label=_("Or paste the metadata XML (SAML)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )

    @classmethod
    def for_sign_on(cls, sign_on: BrandSignOn | None, data=None) -> SignOnForm:
        initial = {"protocol": BrandSignOn.Protocol.OIDC}
        if sign_on is not None:
            initial = {
                field: getattr(sign_on, field)
                for field in ("protocol", "domains", "issuer", "client_id", "entity_id")
            } | {"metadata_url": sign_on.metadata_url, "metadata_xml": sign_on.metadata_xml}
        return cls(data, initial=initial)


class CompanySignInForm(forms.Form):
    email = forms.EmailField(
        label=_("Your work e-mail address"),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
