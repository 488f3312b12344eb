"""Who may use product feedback: the brand's own team, never customers or other brands.

Same shape as brands.permissions: `check_*` raise PermissionDenied with a sentence (and,
for someone who works for another brand, that brand powers stay inside their own brand);
`can_*` are the same rules as booleans for templates.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from brands import permissions as brand_permissions
from community.permissions import participation_refusal, require_participation

if TYPE_CHECKING:
    from brands.models import Brand


def _is_staff(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.is_staff)


def _refuse(sentence: str, user: Any, brand: Brand) -> PermissionDenied:
    # Same wording as the rest of brands/ for people who work for another brand.
    return brand_permissions._refuse(sentence, user, brand)


def _require_team(user: Any, brand: Brand, sentence: str, *, acting: bool) -> None:
    """The brand's admins, reps and product team, or staff. Acting (writing) also needs an
    account in good standing: a suspended member reads but does not change anything."""
    if _is_staff(user):
        return
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied(sentence)
    if acting:
        require_participation(user)
    if not brand_permissions.is_brand_member(user, brand):
        raise _refuse(sentence, user, brand)


def check_can_read_feedback(user: Any, brand: Brand) -> None:
    """The board, items, praise and complaints pages."""
    _require_team(
        user,
        brand,
        _(
            "The feedback board is private to %(brand)s's team: its reps, admins and product "
            "team. Customers see the team's answer on their threads."
        )
        % {"brand": brand.name},
        acting=False,
    )


def check_can_work_on_feedback(user: Any, brand: Brand) -> None:
    """Create items, link threads, change status, comment, label threads, merge."""
    _require_team(
        user,
        brand,
        _("Only %(brand)s's reps, admins and product team work on its feedback items.")
        % {"brand": brand.name},
        acting=True,
    )


def check_can_manage_labels(user: Any, brand: Brand) -> None:
    """Define and remove the brand's labels (applying them is for the whole team)."""
    if _is_staff(user):
        return
    require_participation(user)
    if not brand_permissions.is_brand_admin(user, brand):
        raise _refuse(
            _("Only %(brand)s's admins define its labels.") % {"brand": brand.name}, user, brand
        )


def check_can_manage_integrations(user: Any, brand: Brand) -> None:
    """The signing secret, webhook endpoints and their delivery log."""
    if _is_staff(user):
        return
    require_participation(user)
    if not brand_permissions.is_brand_admin(user, brand):
        raise _refuse(
            _("Only %(brand)s's admins manage its integrations: the signing secret and webhooks.")
            % {"brand": brand.name},
            user,
            brand,
        )


def _allowed(check: Any, *args: Any) -> bool:
    try:
        check(*args)
    except PermissionDenied:
        return False
    return True


def can_read_feedback(user: Any, brand: Brand) -> bool:
    # Asked on every thread page: decided from the role the page already loaded, so a
    # customer costs no query (the check_* path would look up their other brands).
    if _is_staff(user):
        return True
    return getattr(user, "is_authenticated", False) and brand_permissions.is_brand_member(
        user, brand
    )


def can_work_on_feedback(user: Any, brand: Brand) -> bool:
    return can_read_feedback(user, brand) and (
        _is_staff(user) or participation_refusal(user) is None
    )


def can_manage_labels(user: Any, brand: Brand) -> bool:
    return _allowed(check_can_manage_labels, user, brand)


def can_manage_integrations(user: Any, brand: Brand) -> bool:
    return _allowed(check_can_manage_integrations, user, brand)
