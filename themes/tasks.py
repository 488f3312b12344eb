"""Celery tasks for themes: thin wrappers that take ids and call themes.services.

`domain_check` is queued (on commit) when an admin adds a domain or asks for a check;
`domains_recheck` runs periodically (settings.CELERY_BEAT_SCHEDULE) to verify pending
domains and notice a verified one whose record was removed. Both are idempotent.
"""

from __future__ import annotations

from celery import shared_task


@shared_task
def domain_check(domain_id: int) -> str:
    from . import services

    domain = services.domain_check(domain_id=domain_id)
    return domain.status if domain else "gone"


@shared_task
def domains_recheck() -> int:
    from . import services

    return services.domains_recheck()
