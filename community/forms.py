from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class ProfileForm(forms.Form):
    display_name = forms.CharField(
        label=_("Display name"),
        max_length=80,
        required=False,
        help_text=_("Shown next to everything you write. Leave empty to use your username."),
    )
    bio = forms.CharField(
        label=_("About you"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    language = forms.ChoiceField(
        label=_("Language of e-mails"),
        choices=[("", _("Same as the site (English)")), *settings.LANGUAGES],
        required=False,
    )
    email_notifications = forms.BooleanField(
        label=_("Also send my notifications by e-mail"), required=False
    )
