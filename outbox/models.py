"""One outbox message: a Celery task to run, with its arguments, written in the
transaction of the change it reports.

The row outlives the broker: a kick after commit delivers it at once, and the periodic
sweep delivers whatever the kick missed (broker down, worker killed), retries failures with
backoff, and gives up after SODAN_OUTBOX_MAX_ATTEMPTS, keeping the row to be looked at.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

PENDING = Q(done_at__isnull=True, failed_at__isnull=True)


class MessageQuerySet(models.QuerySet["Message"]):
    def pending(self) -> MessageQuerySet:
        """Neither delivered nor given up."""
        return self.filter(PENDING)

    def failed(self) -> MessageQuerySet:
        return self.filter(failed_at__isnull=False)

    def done(self) -> MessageQuerySet:
        return self.filter(done_at__isnull=False)


class Message(models.Model):
    task = models.CharField(
        max_length=200, help_text=_("The registered Celery task to run, e.g. community.tasks.…")
    )
    args = models.JSONField(
        default=list,
        blank=True,
        help_text=_("The task's positional arguments. Emptied once delivered if secret."),
    )
    secret = models.BooleanField(
        default=False,
        help_text=_("The arguments carry a secret (an invitation token): never shown, and "
                    "erased once the message is delivered or given up."),
    )  # fmt: skip
    created_at = models.DateTimeField(auto_now_add=True)
    attempts = models.PositiveIntegerField(default=0, help_text=_("Failed deliveries so far."))
    next_attempt_at = models.DateTimeField(
        help_text=_("When the sweep may deliver it: shortly after it was written (in case "
                    "the kick after commit never arrived), then after each backoff."),
    )  # fmt: skip
    claimed_until = models.DateTimeField(
        null=True,
        blank=True,
        help_text=_("A deliverer holds it until then; past that, another may take it over."),
    )
    last_error = models.TextField(blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(
        null=True, blank=True, help_text=_("Given up after too many failed attempts.")
    )

    objects = MessageQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["next_attempt_at"], condition=PENDING, name="outbox_message_due"),
            models.Index(fields=["done_at"], name="outbox_message_done"),
        ]
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")

    def __str__(self) -> str:
        return f"{self.task} #{self.pk} ({self.state})"

    @property
    def state(self) -> str:
        if self.done_at:
            return "done"
        if self.failed_at:
            return "failed"
        return "pending"
