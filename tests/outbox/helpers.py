"""Moving the outbox along in tests without waiting for its backoff."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from outbox import services
from outbox.models import Message


def sweep_until_settled(*, rounds: int = 20) -> int:
    """Sweep again and again, each time as if past the longest backoff, until no message
    waits. Returns how many sweeps delivered or retried something."""
    now = timezone.now()
    swept = 0
    for _ in range(rounds):
        if not Message.objects.pending().exists():
            break
        now += services.BACKOFF_CAP + dt.timedelta(minutes=1)
        services.sweep(now=now)
        swept += 1
    return swept
