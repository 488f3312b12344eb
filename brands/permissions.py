"""Brand roles: what a person is inside one brand. Powers never leak across brands."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .models import Brand


def _roles_by_brand(user: Any) -> dict[int, frozenset[str]]:
    """Every active brand role of the person, one query per request."""
    cached = getattr(user, "_sodan_brand_roles", None)
    if cached is None:
        from .models import Membership

        roles: dict[int, set[str]] = {}
        for brand_id, role in (
            Membership.objects.active().filter(user=user).values_list("brand_id", "role")
        ):
            roles.setdefault(brand_id, set()).add(role)
        cached = {brand_id: frozenset(r) for brand_id, r in roles.items()}
        user._sodan_brand_roles = cached
    return cached


def brand_roles(user: Any, brand: Brand) -> frozenset[str]:
    """The person's roles in this brand (admin, rep, product); empty for everyone else."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    return _roles_by_brand(user).get(brand.pk, frozenset())


def is_rep(user: Any, brand: Brand) -> bool:
    """Speaks for the brand in public: a rep or an admin."""
    return bool(brand_roles(user, brand) & {"rep", "admin"})
