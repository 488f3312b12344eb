from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from brands.models import Brand, Product
from qa.models import Thread

from .models import Appeal, Flag, Severity


def _thread_from_reference(value: str) -> Thread | None:
    """Accept a thread number, a /t/<number>/… path or a full thread URL."""
    import re

    match = re.search(r"(?:/t/)?(\d+)", value or "")
    if not match:
        return None
    return Thread.objects.listed().filter(pk=int(match.group(1))).first()


class ThreadReferenceField(forms.CharField):
    default_error_messages = {
        "unknown": _("No open thread found at that link. Paste the original thread's address.")
    }

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        thread = _thread_from_reference(value)
        if thread is None:
            raise forms.ValidationError(self.error_messages["unknown"], code="unknown")
        return thread


class FlagForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("What is wrong?"),
        choices=[c for c in Flag.Reason.choices if c[0] != Flag.Reason.CRISIS],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Needed for “inaccurate”: say what is wrong."),
    )
    duplicate_of = ThreadReferenceField(
        label=_("Original thread"),
        required=False,
        help_text=_("For duplicates: the link to the original thread."),
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The author and the audit log see it."),
    )


class ActionForm(ReasonForm):
    ACTIONS = (
        ("dismiss", _("Dismiss the flags")),
        ("hide", _("Hide pending review")),
        ("restore", _("Restore")),
        ("delete", _("Delete (content kept for the audit)")),
        ("lock", _("Lock the thread")),
        ("unlock", _("Unlock the thread")),
        ("close_duplicate", _("Close as a duplicate")),
        ("move", _("Move to another brand or product")),
    )
    action = forms.ChoiceField(label=_("Action"), choices=ACTIONS)
    original = ThreadReferenceField(label=_("Original thread (for duplicates)"), required=False)
    brand = forms.ModelChoiceField(
        label=_("Move to brand"), queryset=Brand.objects.all(), required=False
    )
    product = forms.ModelChoiceField(
        label=_("Move to product"),
        queryset=Product.objects.select_related("brand"),
        required=False,
    )
    # The open flags shown with the form, so a decision on flags another moderator decided
    # meanwhile is refused (moderation.services.actions).
    flags = forms.CharField(required=False, widget=forms.HiddenInput)

    # What applies to an answer: no lock, duplicate or move, which are a thread's.
    ANSWER_ACTIONS = ("dismiss", "hide", "restore", "delete")
    THREAD_ONLY_FIELDS = ("original", "brand", "product")

    def __init__(self, *args, kind: str = "thread", **kwargs) -> None:
        """The form for one kind of target: `kind` is "thread" or "answer"."""
        super().__init__(*args, **kwargs)
        if kind != "thread":
            self.fields["action"].choices = [
                choice for choice in self.ACTIONS if choice[0] in self.ANSWER_ACTIONS
            ]
            for name in self.THREAD_ONLY_FIELDS:
                del self.fields[name]

    def clean_flags(self) -> list[int]:
        value = self.cleaned_data.get("flags") or ""
        return [int(part) for part in value.split(",") if part.strip().isdigit()]

    def clean(self):
        data = super().clean()
        action = data.get("action")
        if action == "close_duplicate" and not data.get("original"):
            self.add_error("original", _("Link the original thread."))
        if action == "move" and not data.get("brand"):
            self.add_error("brand", _("Choose the brand to move the thread to."))
        return data


class BatchActionForm(ReasonForm):
    """One decision for the posts selected in the queue (moderation.services.batch)."""

    ACTIONS = (
        ("approve", _("Approve (posts waiting for review)")),
        ("dismiss", _("Dismiss the flags")),
        ("hide", _("Hide pending review")),
        ("restore", _("Restore")),
        ("delete", _("Delete (content kept for the audit)")),
    )
    action = forms.ChoiceField(label=_("Action for the selected posts"), choices=ACTIONS)


class FirstPostHoldForm(forms.Form):
    posts = forms.IntegerField(
        label=_("Hold a new member's posts for review until this many are published"),
        min_value=0,
        max_value=20,
        help_text=_("0: publish at once. Neutral moderators review held posts in their queue."),
    )


class VerifyForm(forms.Form):
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Optional: what you checked."),
    )
    source_url = forms.URLField(
        label=_("Source"),
        required=False,
        assume_scheme="https",
        help_text=_("Optional: where it can be checked."),
    )


class AppealForm(forms.Form):
    message = forms.CharField(
        label=_("Why should the post come back?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("A different moderator reads it. You can appeal once."),
    )


class AppealDecisionForm(ReasonForm):
    decision = forms.ChoiceField(label=_("Decision"), choices=Appeal.Decision.choices)


class SanctionForm(ReasonForm):
    KINDS = (
        ("suspend", _("Suspend")),
        ("ban", _("Ban")),
        ("ban_remove", _("Ban and remove all their posts (spam)")),
        ("lift", _("Lift the sanction")),
    )
    kind = forms.ChoiceField(label=_("Sanction"), choices=KINDS, widget=forms.RadioSelect)
    days = forms.IntegerField(
        label=_("Days (for a suspension)"), required=False, min_value=1, max_value=365
    )

    def __init__(self, *args, sanctioned: bool = True, **kwargs) -> None:
        """`sanctioned`: whether the member is suspended or banned now; only then is there
        a sanction to lift."""
        super().__init__(*args, **kwargs)
        if not sanctioned:
            self.fields["kind"].choices = [c for c in self.KINDS if c[0] != "lift"]

    def clean(self):
        data = super().clean()
        if data.get("kind") == "suspend" and not data.get("days"):
            self.add_error("days", _("How many days?"))
        return data


class KeywordForm(forms.Form):
    phrase = forms.CharField(
        label=_("Word or phrase"),
        max_length=100,
        help_text=_(
            "Matched anywhere in a post, ignoring case and full-width/half-width, and in any "
            "spelling of the same words (できない, 出来ない, 出来ません; battery, batteries)."
        ),
    )
    severity = forms.ChoiceField(
        label=_("Severity"),
        choices=Severity.choices,
        initial=Severity.HIGH,
        required=False,
        help_text=_("Low alerts the team and moderators; high and critical alert the admins too."),
    )


class CrisisChannelForm(forms.Form):
    webhook_url = forms.URLField(
        label=_("Slack or webhook address"),
        max_length=500,
        required=False,
        assume_scheme="https",
        help_text=_(
            "Each alert is posted here as a Slack incoming-webhook message. Leave empty to stop."
        ),
    )
