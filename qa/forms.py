"""Forms validate shape; qa.services validates the rules and raises per-field errors."""

from __future__ import annotations

import re
import secrets

from django import forms
from django.conf import settings
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from attachments.forms import AttachmentsMixin
from brands.models import Brand, Product, ProductVersion

from .models import Thread

_SUBMISSION_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")


def new_submission_token() -> str:
    """A form's one-time token: random and unguessable, new each time a form is shown."""
    return secrets.token_urlsafe(24)


class SubmissionTokenMixin:
    """A form that creates a post carries a token made when it was shown, so a submission
    sent twice (a retry after a timeout) is saved once (qa.services: PostSubmission)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["submission_token"] = forms.CharField(
            required=False, max_length=64, widget=forms.HiddenInput
        )
        if not self.is_bound and not self.initial.get("submission_token"):
            self.initial = {**self.initial, "submission_token": new_submission_token()}

    def clean_submission_token(self) -> str:
        # A missing or malformed token (a page from before tokens existed) posts unguarded
        # rather than failing on a field nobody can see.
        token = self.cleaned_data.get("submission_token") or ""
        return token if _SUBMISSION_TOKEN.fullmatch(token) else ""


class _BaseRevisionMixin:
    """An edit form carries the revision it started from, so an edit saved meanwhile by
    someone else is shown beside this one instead of being overwritten (qa.services)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["base_revision"] = forms.IntegerField(
            required=False, min_value=1, widget=forms.HiddenInput
        )


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


class _VersionField(forms.ModelChoiceField):
    def label_from_instance(self, obj: ProductVersion) -> str:
        return f"{obj.product.name} {obj.name}"


class AskForm(AttachmentsMixin, SubmissionTokenMixin, forms.Form):
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
    version = _VersionField(
        label=_("Version"),
        queryset=ProductVersion.objects.none(),
        required=False,
        empty_label=_("Not sure, or any version"),
        help_text=_("The release you use, if the product has several."),
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
        # Any of the brand's releases is accepted here, so a release of another product
        # gets a sentence beside the field (clean) rather than "not one of the choices".
        # The list shown is narrowed to the chosen product: at once with htmx, or on a
        # page opened with ?product=<id>.
        versions = ProductVersion.objects.filter(product__brand=brand).released()
        shown_for = self.data.get("product") if self.is_bound else self.initial.get("product")
        if not self.is_bound and shown_for:
            versions = versions.filter(product_id=getattr(shown_for, "pk", shown_for))
        self.fields["version"].queryset = versions.select_related("product").order_by(
            Lower("product__name"), "-released_at", "-id"
        )
        self.fields["product"].widget.attrs.update(
            {
                "hx-get": reverse("qa:ask_versions", args=[brand.slug]),
                "hx-trigger": "change",
                "hx-target": "#ask-version",
                "hx-swap": "innerHTML",
            }
        )
        # While the title is typed, similar threads appear under it (htmx, debounced).
        self.fields["title"].widget.attrs.update(
            {
                "hx-get": reverse("search:similar", args=[brand.slug]),
                "hx-trigger": "keyup changed delay:400ms, search",
                "hx-target": "#similar-threads",
                "autocomplete": "off",
            }
        )

    @cached_property
    def offers_versions(self) -> bool:
        """Whether there is any release to choose from (else the field is not shown)."""
        return self.fields["version"].queryset.exists()

    def clean(self) -> dict:
        cleaned = super().clean()
        version, product = cleaned.get("version"), cleaned.get("product")
        if version is None:
            return cleaned
        if product is None and "product" not in self.errors:
            cleaned["product"] = version.product  # naming the release names its product
        elif product is not None and version.product_id != product.pk:
            self.add_error(
                "version",
                _("%(version)s is a release of %(other)s, not of %(product)s.")
                % {"version": version.name, "other": version.product.name, "product": product},
            )
        return cleaned


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


class ThreadEditForm(_BaseRevisionMixin, _EditReasonMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=settings.SODAN_MAX_TITLE_CHARS)
    body = _body_field(_("Details"))


class AnswerForm(AttachmentsMixin, SubmissionTokenMixin, forms.Form):
    body = _body_field(_("Your answer"))


class AnswerEditForm(_BaseRevisionMixin, _EditReasonMixin, forms.Form):
    body = _body_field(_("Your answer"))


class SuggestedEditForm(forms.Form):
    body = _body_field(_("The answer as you would have it"))
    reason = forms.CharField(
        label=_("What your edit improves"),
        max_length=200,
        help_text=_("A few words for the answer's author, such as “fixed the menu path”."),
    )


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
