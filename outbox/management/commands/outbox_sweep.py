"""Deliver every outbox message that is due, once, and say how it went (what the periodic
`outbox.tasks.sweep` does, without waiting for the kick of messages just written; for
operators after an outage, and for tests)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from outbox import services
from outbox.models import Message


class Command(BaseCommand):
    help = "Deliver the outbox messages that are due (one sweep)."

    def handle(self, *args, **options) -> None:
        result = services.sweep(fresh=True)
        pending = Message.objects.pending().count()
        self.stdout.write(
            f"Delivered {result.done} outbox messages "
            f"({result.retried} to retry, {result.failed} given up; {pending} pending)."
        )
