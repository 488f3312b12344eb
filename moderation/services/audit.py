"""The audit log: append one entry per action, in the transaction of the change."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from ..models import AuditLogEntry


def audit_log_record(
    *,
    actor: Any,
    action: str,
    target: models.Model | None = None,
    brand: Any = None,
    reason: str = "",
    data: dict | None = None,
) -> AuditLogEntry:
    """Append one entry. `action` is `<object>.<verb>`, e.g. `thread.hide`, `claim.approve`."""
    if brand is None and target is not None:
        brand = getattr(target, "brand", None)
    return AuditLogEntry.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        brand=brand,
        target_type=ContentType.objects.get_for_model(target) if target is not None else None,
        target_id=str(target.pk) if target is not None else "",
        target_repr=str(target)[:200] if target is not None else "",
        reason=reason,
        data=data or {},
    )
