"""Private cases: a conversation between one customer and a brand's reps and admins,
opened from a public thread when it needs something that must not be public (an order
number, an address).

The public thread only ever learns that the conversation continued privately, and, once
it is solved, the summary the customer approved (published as an ordinary official answer
through qa.services.answer_create). Nothing here is indexed, cached with a public page or
exported.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from brands.models import Brand
    from community.models import User


class CaseQuerySet(models.QuerySet["Case"]):
    def for_brand(self, brand: Brand) -> CaseQuerySet:
        return self.filter(brand=brand)

    def for_customer(self, customer: User) -> CaseQuerySet:
        return self.filter(customer=customer)

    def open(self) -> CaseQuerySet:
        return self.filter(status=Case.Status.OPEN)


class Case(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        SOLVED = "solved", _("Solved")
        DECLINED = "declined", _("Closed without a solution")

    class Summary(models.TextChoices):
        NONE = "", _("No summary yet")
        PROPOSED = "proposed", _("Waiting for the customer's approval")
        APPROVED = "approved", _("Approved and published")
        HELD = "held", _("Approved by the customer, waiting for the brand's approver")
        DECLINED = "declined", _("Declined by the customer")

    brand = models.ForeignKey(
        "brands.Brand", on_delete=models.CASCADE, related_name="cases", help_text=_("Scope.")
    )
    thread = models.ForeignKey(
        "qa.Thread",
        on_delete=models.CASCADE,
        related_name="cases",
        help_text=_("The public thread the case was opened from."),
    )
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="cases",
        help_text=_("The one customer the case is with: the asker, or one of the thread's people."),
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        help_text=_("The rep or admin who opened it."),
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    external_reference = models.CharField(
        max_length=120,
        blank=True,
        help_text=_("The case's number in the brand's outside helpdesk, once it says so."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_message_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty when the helpdesk closed it."),
    )
    summary_status = models.CharField(
        max_length=20, choices=Summary.choices, default=Summary.NONE, blank=True
    )
    summary_body = models.TextField(
        blank=True, help_text=_("The public summary the rep proposed, Markdown source.")
    )
    summary_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The rep whose name the official answer will carry."),
    )
    summary_decided_at = models.DateTimeField(null=True, blank=True)
    summary_answer = models.ForeignKey(
        "qa.Answer",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The official answer the approved summary became."),
    )
    summary_draft = models.ForeignKey(
        "brands.OfficialDraft",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_(
            "Where the brand's approval rules (or the writer's training) hold the approved "
            "summary: the draft its approvers publish."
        ),
    )

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["thread", "customer"],
                condition=models.Q(status="open"),
                name="one_open_case_per_customer_and_thread",
            )
        ]
        indexes = [
            models.Index(fields=["brand", "status", "-created_at"], name="case_brand_status"),
            models.Index(fields=["customer", "-created_at"], name="case_customer"),
            models.Index(fields=["thread"], name="case_thread"),
        ]
        verbose_name = _("private case")
        verbose_name_plural = _("private cases")

    def __str__(self) -> str:
        return f"Case {self.pk} ({self.brand_id}, thread {self.thread_id})"

    def get_absolute_url(self) -> str:
        return reverse("cases:detail", kwargs={"pk": self.pk})

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class CaseMessage(models.Model):
    """One message in a case: the customer's, a rep's, or one the helpdesk sent in."""

    class Source(models.TextChoices):
        SITE = "site", _("Sodan")
        HELPDESK = "helpdesk", _("Helpdesk")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="case_messages",
        help_text=_("Empty for a reply the helpdesk sent in."),
    )
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.SITE)
    helpdesk_author = models.CharField(
        max_length=120, blank=True, help_text=_("The helpdesk agent's name, as it sent it.")
    )
    body = models.TextField(help_text=_("Markdown source, as written."))
    body_html = models.TextField(help_text=_("Sanitized HTML rendered from body at save time."))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["author", "-created_at"], name="case_message_author")]
        verbose_name = _("case message")
        verbose_name_plural = _("case messages")

    def __str__(self) -> str:
        return f"Message {self.pk} in case {self.case_id}"


class HelpdeskUpdate(models.Model):
    """A signed request from the brand's helpdesk, accepted or refused. `replay_key` (the
    signature of an accepted request) is unique per brand: a request is applied once."""

    class Outcome(models.TextChoices):
        ACCEPTED = "accepted", _("Accepted")
        REFUSED = "refused", _("Refused")

    brand = models.ForeignKey(
        "brands.Brand", on_delete=models.CASCADE, related_name="helpdesk_updates"
    )
    case = models.ForeignKey(
        Case, on_delete=models.SET_NULL, null=True, blank=True, related_name="helpdesk_updates"
    )
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    reason = models.CharField(max_length=300, blank=True)
    replay_key = models.CharField(max_length=120, blank=True)
    remote_addr = models.GenericIPAddressField(null=True, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["brand", "replay_key"],
                condition=~models.Q(replay_key=""),
                name="helpdesk_update_once",
            )
        ]
        verbose_name = _("helpdesk update")
        verbose_name_plural = _("helpdesk updates")

    def __str__(self) -> str:
        return f"Helpdesk update for {self.brand_id}: {self.outcome}"
