"""Forms for product feedback. They validate shape; the services validate the rules and
their ValidationErrors are put beside the fields (brands.forms.add_service_errors)."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from feedback.models import FeedbackItem, FeedbackLabel, WebhookEndpoint
from feedback.models.integrations import default_event_kinds
from integrations import events
from qa.models import Thread

from .selectors import BOARD_SORTS


def parse_thread_numbers(text: str) -> list[int]:
    """Thread numbers from "12, #13, https://…/t/14/title" (one per line or comma)."""
    numbers: list[int] = []
    for token in re.split(r"[\s,]+", text or ""):
        if not token:
            continue
        match = re.search(r"/t/(\d+)", token) or re.fullmatch(r"#?(\d+)", token)
        if match is None:
            raise forms.ValidationError(
                _("“%(token)s” is not a thread number or a thread's address."),
                params={"token": token[:60]},
            )
        number = int(match.group(1))
        if number not in numbers:
            numbers.append(number)
    return numbers


class BoardFilterForm(forms.Form):
    SORTS = (
        ("people", _("Most people affected")),
        ("growth", _("Fastest growing (7 days)")),
        ("status", _("Status")),
        ("newest", _("Newest")),
    )
    sort = forms.ChoiceField(choices=SORTS, required=False)
    status = forms.ChoiceField(
        choices=[
            ("", _("Any status")),
            ("open", _("Not shipped or declined")),
            *FeedbackItem.Status.choices,
        ],
        required=False,
    )
    kind = forms.ChoiceField(
        choices=[("", _("All types")), *FeedbackItem.Kind.choices], required=False
    )
    product = forms.SlugField(required=False)
    label = forms.IntegerField(required=False, min_value=1)

    def clean_sort(self) -> str:
        sort = self.cleaned_data.get("sort") or "people"
        return sort if sort in BOARD_SORTS else "people"


class ThreadNumbersField(forms.CharField):
    def to_python(self, value: Any) -> list[int]:  # type: ignore[override]
        return parse_thread_numbers(super().to_python(value))


class ItemForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(
        label=_("Type"), choices=FeedbackItem.Kind.choices, initial=FeedbackItem.Kind.PROBLEM
    )
    summary = forms.CharField(
        label=_("Summary for the team"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Internal: customers never see it."),
    )
    issue_url = forms.URLField(
        label=_("Issue-tracker link"),
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text=_("Closing this issue in the tracker ships the item."),
    )


class NewItemForm(ItemForm):
    threads = ThreadNumbersField(
        label=_("Threads"),
        required=False,
        help_text=_("Thread numbers or addresses, separated by commas or lines."),
    )


class LinkThreadsForm(forms.Form):
    threads = ThreadNumbersField(
        label=_("Thread numbers or addresses"),
        required=False,
        help_text=_("e.g. 12, 15 or https://…/t/12/…"),
    )
    suggested = forms.TypedMultipleChoiceField(
        label=_("Or choose from threads not linked yet"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, suggestions: list[Thread] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["suggested"].choices = [
            (thread.pk, f"#{thread.pk} {thread.title} ({thread.me_too_count} “me too”)")
            for thread in suggestions
        ]
        if not suggestions:
            del self.fields["suggested"]

    def clean(self) -> dict:
        cleaned = super().clean()
        numbers = list(cleaned.get("threads") or [])
        for number in cleaned.get("suggested") or []:
            if number not in numbers:
                numbers.append(number)
        if not numbers and not self.errors:
            raise forms.ValidationError(_("Type a thread number or choose a thread to link."))
        cleaned["numbers"] = numbers
        return cleaned


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=FeedbackItem.Status.choices)
    shipped_in = forms.CharField(
        label=_("Shipped in version"),
        max_length=50,
        required=False,
        help_text=_("When shipping: customers read “Fixed in version …”."),
    )
    message = forms.CharField(
        label=_("Message to the people affected"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("When shipping: sent to everyone affected and shown on the threads."),
    )
    reason = forms.CharField(
        label=_("Reason for declining"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Needed to decline: customers see it on their threads."),
    )


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Comment for the team"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Never shown to customers. Write @username to tell a member of the team."),
    )


class MergeForm(forms.Form):
    target = forms.TypedChoiceField(label=_("Merge into"), coerce=int)

    def __init__(self, *args: Any, targets: list[FeedbackItem] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["target"].choices = [(item.pk, f"#{item.pk} {item.title}") for item in targets]


class LabelForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=50)
    description = forms.CharField(label=_("When to use it"), max_length=200, required=False)


class ThreadLabelsForm(forms.Form):
    labels = forms.TypedMultipleChoiceField(
        label=_("Labels"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, labels: list[FeedbackLabel] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["labels"].choices = [(label.pk, label.name) for label in labels]


class ThreadItemForm(forms.Form):
    """On a thread page: link it to an existing item, or start one from it."""

    item = forms.TypedChoiceField(label=_("Feedback item"), coerce=int, required=False)
    new_title = forms.CharField(label=_("Or start a new item"), max_length=200, required=False)
    kind = forms.ChoiceField(label=_("Type"), choices=FeedbackItem.Kind.choices, required=False)

    def __init__(self, *args: Any, items: list[FeedbackItem] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["item"].choices = [("", "—")] + [
            (item.pk, f"#{item.pk} {item.title}") for item in items
        ]

    def clean(self) -> dict:
        cleaned = super().clean()
        if not cleaned.get("item") and not (cleaned.get("new_title") or "").strip():
            raise forms.ValidationError(_("Choose an item, or give a new item a title."))
        return cleaned


class EndpointForm(forms.Form):
    url = forms.URLField(label=_("Address"), max_length=500, assume_scheme="https")
    format = forms.ChoiceField(
        label=_("Format"),
        choices=WebhookEndpoint.Format.choices,
        initial=WebhookEndpoint.Format.SLACK,
        widget=forms.RadioSelect,
    )
    description = forms.CharField(label=_("Description"), max_length=100, required=False)
    events = forms.MultipleChoiceField(
        label=_("Events it receives"),
        choices=events.choices,
        initial=default_event_kinds,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Private cases' events carry what the case holds: choose them only for your helpdesk."
        ),
    )


class EndpointEventsForm(forms.Form):
    """The event kinds an endpoint receives, chosen again on the integrations page."""

    events = forms.MultipleChoiceField(
        choices=events.choices, required=False, widget=forms.CheckboxSelectMultiple
    )


class EmailOptOutForm(forms.Form):
    emails = forms.BooleanField(
        label=_("E-mail me when a team ships a fix or an idea I reported or said “me too” to"),
        required=False,
    )
