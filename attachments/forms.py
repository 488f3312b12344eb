"""The image fields of the ask, answer and case message forms.

Without JavaScript: one file input (`multiple`, `accept="image/*"`: a phone offers its
camera and photos) and one text box describing the images, a line each. With
JavaScript (static/attachments/attachments.js): images dragged or pasted join the same
input, each shown with its own description box. Either way the images are decoded and
re-encoded while the form is validated, so a refusal comes back beside the field with
the text kept, and nothing is stored until the post is.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from .images import AttachmentRefused
from .services import attachments_prepare


class MultipleImageInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleImageField(forms.FileField):
    """Zero or more uploaded files, as a list (Django's FileField takes one)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget",
            MultipleImageInput(
                attrs={
                    "accept": "image/*",
                    "multiple": True,
                    "data-attachments": "input",
                    # Words for the script's box beside each image (attachments.js).
                    "data-alt-label": _("Describe this image"),
                    "data-alt-placeholder": _("For example: the error message on the screen"),
                    "data-remove-label": _("Remove"),
                }
            ),
        )
        super().__init__(required=False, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list:
        uploads = data if isinstance(data, list | tuple) else [data]
        single = super().clean
        return [single(upload, initial) for upload in uploads if upload]


def alt_texts_from(data: Any) -> list[str]:
    """The descriptions as sent: one box per image (script), or one line per image."""
    values = data.getlist("attachment_alt") if hasattr(data, "getlist") else []
    return [line.strip() for value in values for line in value.splitlines() if line.strip()]


class AttachmentsMixin:
    """Adds the image fields to a post form; `cleaned_data["attachments"]` is then a list
    of re-encoded images (attachments.images.PreparedImage) with their descriptions."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attachments"] = MultipleImageField(
            label=_("Screenshots or photos"),
            help_text=format_lazy(
                _(
                    "Up to {count} images (PNG, JPEG, GIF or WebP), each up to {size}; you "
                    "can also paste or drag them here. Location and camera details are "
                    "removed. For a video, put a link to it in your text."
                ),
                count=settings.SODAN_ATTACHMENT_MAX_COUNT,
                size=filesizeformat(settings.SODAN_ATTACHMENT_MAX_BYTES),
            ),
        )
        self.fields["attachment_alt"] = forms.CharField(
            label=_("Describe each image"),
            required=False,
            max_length=4000,
            widget=forms.Textarea(attrs={"rows": 2, "data-attachments": "alt"}),
            help_text=_(
                "One line per image, in order: what it shows (such as the error message on "
                "the screen), for people who cannot see it."
            ),
        )

    def clean(self) -> dict:
        cleaned = super().clean()
        cleaned.pop("attachment_alt", None)
        uploads = cleaned.get("attachments") or []
        try:
            cleaned["attachments"] = attachments_prepare(uploads, alt_texts_from(self.data))
        except AttachmentRefused as refused:
            cleaned.pop("attachments", None)
            field = "attachment_alt" if refused.field == "alt_texts" else "attachments"
            self.add_error(field, refused.message)
            if uploads:
                self.add_error(None, _("Your text is kept; choose the images again."))
        return cleaned
