"""Removal requests under the 2025 platform law (情報流通プラットフォーム対処法), and the
published removal criteria page.

A request names one post and the right it infringes; a neutral moderator decides it within
`SODAN_REMOVAL_REQUEST_DAYS` (seven) days and the requester is told the decision with its
reasons. Rows are kept after the decision: the transparency report counts them.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from themes.models.pages import BilingualPage


class RemovalRequestQuerySet(models.QuerySet["RemovalRequest"]):
    def open(self) -> RemovalRequestQuerySet:
        return self.filter(decided_at__isnull=True)

    def overdue(self, now: dt.datetime | None = None) -> RemovalRequestQuerySet:
        return self.open().filter(due_at__lt=now or timezone.now())

    def received_between(self, start: dt.datetime, end: dt.datetime) -> RemovalRequestQuerySet:
        return self.filter(created_at__gte=start, created_at__lt=end)


class RemovalRequest(models.Model):
    """Anyone's request, member or not, to remove a post that infringes their rights."""

    class Right(models.TextChoices):
        DEFAMATION = "defamation", _("Defamation (my reputation is harmed)")
        PRIVACY = "privacy", _("Privacy (my personal information is exposed)")
        COPYRIGHT = "copyright", _("Copyright (my work is used without permission)")
        OTHER = "other", _("Another right")

    class Decision(models.TextChoices):
        REMOVE = "remove", _("Removed")
        KEEP = "keep", _("Kept")
        PARTLY = "partly", _("Partly removed")

    thread = models.ForeignKey(
        "qa.Thread", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answer = models.ForeignKey(
        "qa.Answer", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    brand = models.ForeignKey(
        "brands.Brand",
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        help_text=_("The post's brand: who may decide (its neutral moderators)."),
    )
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The member who filed it, if they were signed in."),
    )
    requester_name = models.CharField(_("name"), max_length=200)
    requester_email = models.EmailField(
        _("e-mail address"), help_text=_("Where the decision is sent.")
    )
    language = models.CharField(
        max_length=10, blank=True, help_text=_("The requester's language, for the e-mails.")
    )
    post_url = models.CharField(_("address of the post"), max_length=500)
    right = models.CharField(_("right infringed"), max_length=20, choices=Right.choices)
    explanation = models.TextField(_("explanation"), max_length=5000)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    due_at = models.DateTimeField(
        db_index=True, help_text=_("The law's clock: the decision is due by then.")
    )
    poster_response = models.TextField(_("the poster's response"), blank=True, max_length=5000)
    poster_responded_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True, db_index=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decision = models.CharField(max_length=10, choices=Decision.choices, blank=True)
    decision_reason = models.TextField(
        _("reasons"), blank=True, help_text=_("Sent to the requester and shown to the poster.")
    )
    decision_emailed_at = models.DateTimeField(
        null=True, blank=True, help_text=_("When the decision left by e-mail (sent once).")
    )

    objects = RemovalRequestQuerySet.as_manager()

    class Meta:
        ordering = ["due_at", "id"]
        verbose_name = _("removal request")
        verbose_name_plural = _("removal requests")

    def __str__(self) -> str:
        return f"Removal request {self.pk} ({self.decision or 'open'})"

    @property
    def post(self):
        return self.thread if self.thread_id else self.answer

    @property
    def kind(self) -> str:
        return "thread" if self.thread_id else "answer"

    def is_overdue(self, now: dt.datetime | None = None) -> bool:
        return self.decided_at is None and (now or timezone.now()) > self.due_at

    def handled_in_time(self) -> bool:
        return self.decided_at is not None and self.decided_at <= self.due_at


class RemovalCriteriaPage(BilingualPage):
    """What Sodan removes and why, published as the law asks; staff edit it in Wagtail.
    The first version is made by this app's data migration."""

    parent_page_types = ["themes.HomePage"]
    subpage_types: list[str] = []
    max_count = 1

    class Meta:
        verbose_name = _("removal criteria page")
