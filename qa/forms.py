"""Forms validate shape; qa.services validates the rules and raises per-field errors."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.urls import reverse
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from brands.models import Brand, Product

from .models import Thread


def _body_field(label: str, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=settings.SODAN_MAX_BODY_CHARS,
        widget=forms.Textarea(attrs={"rows": 8}),
        # format_lazy: the hint is translated per request, not frozen at import in English.
        help_text=help_text
        or format_lazy(
            _("Markdown works: **bold**, `code`, lists and links. Up to {limit} characters."),
            limit=f"{settings.SODAN_MAX_BODY_CHARS:,}",
        ),
    )


class AskForm(forms.Form):
    type = forms.ChoiceField(
        label=_("What kind of post is this?"),
        choices=Thread.Type.choices,
        initial=Thread.Type.QUESTION,
        widget=forms.RadioSelect,
    )
    product = forms.ModelChoiceField(
        label=_("Product"),
        queryset=Product.objects.none(),
        required=False,
        empty_label=_("Not about one product"),
    )
    title = forms.CharField(
        label=_("Title"),
        max_length=settings.SODAN_MAX_TITLE_CHARS,
        help_text=_("One sentence: what happened, or what you want to know."),
    )
    body = _body_field(_("Details"))

    def __init__(self, *args, brand: Brand, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = Product.objects.for_brand(brand)
        # While the title is typed, similar threads appear under it (htmx, debounced).
        self.fields["title"].widget.attrs.update(
            {
                "hx-get": reverse("search:similar", args=[brand.slug]),
                "hx-trigger": "keyup changed delay:400ms, search",
                "hx-target": "#similar-threads",
                "autocomplete": "off",
            }
        )


class _EditReasonMixin:
    """A moderator editing someone else's post says why (the author is told)."""

    def __init__(self, *args, needs_reason: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if needs_reason:
            self.fields["reason"] = forms.CharField(
                label=_("Reason for the edit"),
                max_length=1000,
                help_text=_("The author is told, and the audit log keeps it."),
            )


class ThreadEditForm(_EditReasonMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=settings.SODAN_MAX_TITLE_CHARS)
    body = _body_field(_("Details"))


class AnswerForm(_EditReasonMixin, forms.Form):
    body = _body_field(_("Your answer"))


class MeTooForm(forms.Form):
    version = forms.CharField(label=_("Version"), max_length=50, required=False)
    platform = forms.CharField(label=_("Platform"), max_length=50, required=False)


class ThreadFilterForm(forms.Form):
    """The brand page's filters and sorts; invalid values fall back to the defaults."""

    SORTS = (
        ("newest", _("Newest")),
        ("me_too", _("Most “me too”")),
        ("unanswered", _("Unanswered")),
    )
    product = forms.SlugField(required=False)
    type = forms.ChoiceField(choices=[("", _("All types")), *Thread.Type.choices], required=False)
    status = forms.ChoiceField(
        choices=[("", _("Any status")), *Thread.Status.choices], required=False
    )
    sort = forms.ChoiceField(choices=SORTS, required=False)
