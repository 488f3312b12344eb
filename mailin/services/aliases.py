"""A brand's extra addresses at the mail domain that start threads."""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from brands.models import Brand
from moderation.services import audit_log_record

from .. import permissions
from ..models import BrandMailAlias

# --- A brand's extra addresses -------------------------------------------------------------

_RESERVED_LOCAL_PARTS = {
    "reply",
    "support",
    "postmaster",
    "abuse",
    "mailer-daemon",
    "noreply",
    "no-reply",
    "hostmaster",
    "webmaster",
    "admin",
    "root",
}
_LOCAL_PART = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")


@transaction.atomic
def mail_alias_add(*, actor: Any, brand: Brand, local_part: str) -> BrandMailAlias:
    """Another address at the mail domain that starts threads in this brand."""
    permissions.check_can_manage_mail_addresses(actor, brand)
    local_part = (local_part or "").strip().lower().split("@")[0]
    if not _LOCAL_PART.match(local_part) or "+" in local_part:
        raise ValidationError(
            {
                "local_part": [
                    _("Use letters, digits, dots, hyphens and underscores, up to 64 of them.")
                ]
            }
        )
    if local_part in _RESERVED_LOCAL_PARTS:
        raise ValidationError({"local_part": [_("That address is reserved; choose another.")]})
    if BrandMailAlias.objects.filter(local_part=local_part).exists():
        raise ValidationError({"local_part": [_("That address is already taken.")]})
    alias = BrandMailAlias.objects.create(brand=brand, local_part=local_part)
    audit_log_record(
        actor=actor,
        action="mail_alias.add",
        target=alias,
        brand=brand,
        data={"address": local_part},
    )
    return alias


@transaction.atomic
def mail_alias_remove(*, actor: Any, alias: BrandMailAlias) -> None:
    permissions.check_can_manage_mail_addresses(actor, alias.brand)
    audit_log_record(
        actor=actor,
        action="mail_alias.remove",
        brand=alias.brand,
        data={"address": alias.local_part},
    )
    alias.delete()
