from django import forms
from django.utils.translation import gettext_lazy as _

from .models import SocialAccount

LABELS = {
    SocialAccount.Kind.X: (_("X handle"), _("Like @sodan_help.")),
    SocialAccount.Kind.INSTAGRAM: (_("Instagram name"), _("Like sodan.help.")),
    SocialAccount.Kind.LINE: (_("LINE ID"), _("4 to 20 lower-case letters, digits, . - _")),
    SocialAccount.Kind.BLOG: (_("Blog address"), _("Starting with https:// or http://.")),
}


class SocialAccountsForm(forms.Form):
    """A value and a visibility per kind; the formats are checked by the service."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for kind in SocialAccount.Kind.values:
            label, help_text = LABELS[kind]
            self.fields[kind] = forms.CharField(
                label=label, help_text=help_text, max_length=200, required=False
            )
            self.fields[f"{kind}_visibility"] = forms.ChoiceField(
                label=_("Who sees it"),
                choices=SocialAccount.Visibility.choices,
                initial=SocialAccount.Visibility.NOBODY,
            )

    def accounts(self) -> dict[str, tuple[str, str]]:
        data = self.cleaned_data
        return {
            kind: (data[kind], data[f"{kind}_visibility"]) for kind in SocialAccount.Kind.values
        }


class EraseForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("To be sure it is you."),
    )
    remove_posts = forms.BooleanField(
        label=_("Also remove my threads and answers"),
        required=False,
        help_text=_(
            "Otherwise they stay under 'a former member', as the community guidelines say."
        ),
    )
    confirm = forms.BooleanField(label=_("I understand that this cannot be undone"), required=True)


class DisclosureRequestForm(forms.Form):
    message = forms.CharField(
        label=_("What would you like to know? (optional)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class DisclosurePolicyForm(forms.Form):
    text = forms.CharField(
        label=_("Disclosure policy"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "What your team keeps about customers (notes, private cases), why, for how long, "
            "and how you answer when a customer asks. Customers read it on their privacy page."
        ),
    )


class DisclosureAnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Your answer"), max_length=5000, widget=forms.Textarea(attrs={"rows": 5})
    )
