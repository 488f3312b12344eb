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


class NotificationSettingsForm(forms.Form):
    """One box per topic and channel the person may switch (built from consent.Topic),
    and the digest's frequency."""

    digest = forms.ChoiceField(label=_("Digest"), required=True)

    def __init__(self, *args, topics, channels, **kwargs) -> None:
        from .models import DigestPreference

        super().__init__(*args, **kwargs)
        self.fields["digest"].choices = DigestPreference.Frequency.choices
        self.fields["digest"].help_text = _(
            "Solved threads in the brands and products you follow; for a brand's team, the "
            "threads waiting for an official response."
        )
        self.rows = []
        for topic in topics:
            cells = []
            for channel, channel_label in channels:
                name = f"{topic.value}__{channel}"
                self.fields[name] = forms.BooleanField(
                    label=f"{topic.label}: {channel_label}", required=False
                )
                cells.append(name)
            self.rows.append((topic, cells))

    def row_fields(self) -> list:
        return [(topic, [self[name] for name in cells]) for topic, cells in self.rows]
