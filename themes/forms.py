"""Forms for a brand's look, domains and widget web sites. The services check everything
again; the forms put each problem beside its field."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .models import BrandTheme, Font
from .models.look import MAX_HEADER_LINKS
from .services.look import theme_contrast_errors

_COLOUR_ATTRS = {
    "pattern": "#[0-9a-fA-F]{6}",
    "spellcheck": "false",
    "autocomplete": "off",
    "maxlength": "7",
    "size": "8",
    "class": "colour-input",
}


def apply_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Put a service's refusal beside the field it is about (or above the form)."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def _colour_field(label: str, help_text: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=7,
        help_text=help_text,
        widget=forms.TextInput(attrs=_COLOUR_ATTRS),
        error_messages={"required": _("Enter a colour such as #1f2937.")},
    )


class ThemeForm(forms.Form):
    logo = forms.ImageField(
        label=_("Logo"),
        required=False,
        help_text=_("PNG, JPEG, WebP or GIF, at most 512 KB; shown 48 pixels high."),
    )
    remove_logo = forms.BooleanField(label=_("Remove the logo"), required=False)
    accent_colour = _colour_field(
        _("Accent colour"), _("Header band, buttons and links. White text must read on it.")
    )
    background_colour = _colour_field(
        _("Background colour"), _("Behind the page; posts stay on white cards.")
    )
    text_colour = _colour_field(
        _("Text colour"), _("Body text, on the background and on the white cards.")
    )
    font = forms.ChoiceField(label=_("Font"), choices=Font.choices)
    footer_text = forms.CharField(
        label=_("Footer text"),
        max_length=300,
        required=False,
        help_text=_("A short line at the bottom of every page."),
    )

    def __init__(self, *args: Any, theme: BrandTheme, **kwargs: Any) -> None:
        initial = {
            "accent_colour": theme.accent_colour,
            "background_colour": theme.background_colour,
            "text_colour": theme.text_colour,
            "font": theme.font,
            "footer_text": theme.footer_text,
        }
        links = list(theme.header_links or [])
        for number in range(1, MAX_HEADER_LINKS + 1):
            link = links[number - 1] if number <= len(links) else {}
            initial[f"link_{number}_label"] = link.get("label", "")
            initial[f"link_{number}_url"] = link.get("url", "")
        super().__init__(*args, initial=initial, **kwargs)
        self.theme = theme
        for number in range(1, MAX_HEADER_LINKS + 1):
            self.fields[f"link_{number}_label"] = forms.CharField(
                label=_("Link %(n)s: label") % {"n": number}, max_length=40, required=False
            )
            self.fields[f"link_{number}_url"] = forms.CharField(
                label=_("Link %(n)s: address") % {"n": number},
                max_length=500,
                required=False,
                widget=forms.URLInput(attrs={"placeholder": "https://"}),
            )

    @property
    def colour_fields(self) -> list:
        return [self[name] for name in ("accent_colour", "background_colour", "text_colour")]

    @property
    def link_rows(self) -> list[tuple]:
        return [
            (number, self[f"link_{number}_label"], self[f"link_{number}_url"])
            for number in range(1, MAX_HEADER_LINKS + 1)
        ]

    def _clean_colour(self, name: str) -> str:
        value = self.cleaned_data[name].strip().lower()
        if len(value) == 6 and not value.startswith("#"):
            value = "#" + value
        if len(value) != 7 or not value.startswith("#") or not _is_hex(value[1:]):
            raise ValidationError(_("Enter a colour as # followed by six hexadecimal digits."))
        return value

    def clean_accent_colour(self) -> str:
        return self._clean_colour("accent_colour")

    def clean_background_colour(self) -> str:
        return self._clean_colour("background_colour")

    def clean_text_colour(self) -> str:
        return self._clean_colour("text_colour")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        colours = [
            cleaned.get(name) for name in ("accent_colour", "background_colour", "text_colour")
        ]
        if all(colours):
            errors = theme_contrast_errors(
                accent=colours[0], background=colours[1], text=colours[2]
            )
            for field, messages in errors.items():
                for message in messages:
                    self.add_error(field, message)
        links = []
        for number in range(1, MAX_HEADER_LINKS + 1):
            label = (cleaned.get(f"link_{number}_label") or "").strip()
            url = (cleaned.get(f"link_{number}_url") or "").strip()
            if not label and not url:
                continue
            if not label:
                self.add_error(f"link_{number}_label", _("Give the link a label."))
                continue
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https") or not parts.netloc:
                self.add_error(
                    f"link_{number}_url",
                    _("Enter a web address that starts with https:// or http://."),
                )
                continue
            links.append({"label": label, "url": url})
        cleaned["header_links"] = links
        return cleaned

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "accent_colour": data["accent_colour"],
            "background_colour": data["background_colour"],
            "text_colour": data["text_colour"],
            "font": data["font"],
            "footer_text": data.get("footer_text", ""),
            "header_links": data["header_links"],
            "logo": data.get("logo") or None,
            "remove_logo": bool(data.get("remove_logo")),
        }


def _is_hex(value: str) -> bool:
    return all(char in "0123456789abcdef" for char in value)


class DomainForm(forms.Form):
    hostname = forms.CharField(
        label=_("Host name"),
        max_length=253,
        help_text=_("The address your customers will use, e.g. support.example.com."),
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "off"}),
    )


class WidgetOriginForm(forms.Form):
    origin = forms.CharField(
        label=_("Web site"),
        max_length=300,
        help_text=_("Where the widget will be embedded, e.g. https://www.example.com."),
        widget=forms.URLInput(attrs={"placeholder": "https://www.example.com"}),
    )
