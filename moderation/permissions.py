"""Who moderates what. A moderator is global or scoped to brands, and never moderates a
brand they speak for (neutrality: a brand cannot bury criticism of itself)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied

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


def remember_appointments(user: Any, *, is_global: bool, brand_ids: frozenset[int]) -> None:
    """Record the person's appointments, read by a query the page made anyway."""
    user._sodan_moderation = (is_global, frozenset(brand_ids))


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


def _brand_people_ids(brand: Brand) -> frozenset[int]:
    """Everyone with an active role in the brand; one query per brand object (a page's
    answers share their thread's brand)."""
    cached = getattr(brand, "_sodan_people_ids", None)
    if cached is None:
        from brands.models import Membership

        cached = frozenset(
            Membership.objects.active().filter(brand_id=brand.pk).values_list("user_id", flat=True)
        )
        brand._sodan_people_ids = cached
    return cached


def edit_refusal(user: Any, brand: Brand, *, author_id: int, official: bool) -> str | None:
    """Why this moderator of the brand may not edit this post of someone else's; None if
    they may. A moderator appointed for the brand edits its customers' posts, but what the
    brand's own people wrote (its reps, admins and product team, and its official answers)
    only global moderators and staff may change: the brand's word is not the brand
    moderator's to rewrite. Callers have checked `moderates` first."""
    from django.utils.translation import gettext as _

    if is_global_moderator(user):
        return None
    if official or author_id in _brand_people_ids(brand):
        return _(
            "This was written by %(brand)s's team: only global moderators and staff can edit it."
        ) % {"brand": brand.name}
    return None


def moderation_refusal(user: Any, brand: Brand) -> str | None:
    """Why this person may not moderate this brand's posts; None if they may."""
    from django.utils.translation import gettext as _

    if moderates(user, brand):
        return None
    if not getattr(user, "is_authenticated", False):
        return _("Only moderators can do that. Log in if you are one.")
    if brand_roles(user, brand):
        return _(
            "You work for %(brand)s, so you can't moderate its customers' posts: removals "
            "belong to neutral moderators."
        ) % {"brand": brand.name}
    if is_moderator(user):
        return _("You moderate other brands, not %(brand)s.") % {"brand": brand.name}
    return _("Only moderators can do that.")


def check_can_moderate(user: Any, brand: Brand) -> None:
    reason = moderation_refusal(user, brand)
    if reason:
        raise PermissionDenied(reason)


def is_global_moderator(user: Any) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.is_staff or _appointments(user)[0]


def check_can_sanction(user: Any) -> None:
    from django.utils.translation import gettext as _

    if not is_global_moderator(user):
        raise PermissionDenied(_("Only global moderators and staff can suspend or ban members."))


def check_can_manage_keywords(user: Any, brand: Brand | None) -> None:
    from django.utils.translation import gettext as _

    if getattr(user, "is_staff", False):
        return
    if brand is not None and "admin" in brand_roles(user, brand):
        return
    if brand is None:
        raise PermissionDenied(_("Only staff keep the global crisis keywords."))
    raise PermissionDenied(
        _("Only %(brand)s's admins and staff keep its crisis keywords.") % {"brand": brand.name}
    )


def is_moderator_for_navigation(user: Any) -> bool:
    """Whether to show the Moderation link, answered from the cache for five minutes so
    ordinary pages pay no query for it. Moderation pages check `is_moderator` live."""
    from django.core.cache import cache

    if user.is_staff:
        return True
    if hasattr(user, "_sodan_moderation"):
        return is_moderator(user)
    return cache.get_or_set(f"sodan:moderator-link:{user.pk}", lambda: is_moderator(user), 300)
