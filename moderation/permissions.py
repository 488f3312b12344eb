"""Who moderates what. A moderator is global or scoped to brands, and never moderates a
brand they speak for (neutrality: a brand cannot bury criticism of itself)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from brands.permissions import brand_roles

if TYPE_CHECKING:
    from brands.models import Brand


def _appointments(user: Any) -> tuple[bool, frozenset[int]]:
    """(is global moderator, brand ids moderated), one query per request."""
    cached = getattr(user, "_sodan_moderation", None)
    if cached is None:
        from .models import ModeratorAppointment

        brand_ids = list(
            ModeratorAppointment.objects.filter(user=user).values_list("brand_id", flat=True)
        )
        cached = (None in brand_ids, frozenset(b for b in brand_ids if b is not None))
        user._sodan_moderation = cached
    return cached


def is_moderator(user: Any) -> bool:
    """Moderates somewhere (used to show the moderator's tools)."""
    if not getattr(user, "is_authenticated", False):
        return False
    is_global, brand_ids = _appointments(user)
    return user.is_staff or is_global or bool(brand_ids)


def moderates(user: Any, brand: Brand) -> bool:
    """May act as a neutral moderator on this brand's posts."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_staff:
        return True
    is_global, brand_ids = _appointments(user)
    if not (is_global or brand.pk in brand_ids):
        return False
    return not brand_roles(user, brand)
