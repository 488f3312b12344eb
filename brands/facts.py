"""The brand facts the rules ask about a viewer (community/viewer_facts.py)."""

from __future__ import annotations

from typing import Any

from django.db.models import F, QuerySet

from community.viewer_facts import Row, columns, fact

from .models import Membership
from .permissions import ROLES, TEAMS


def _roles(rows: list[Row]) -> dict[int, frozenset[str]]:
    roles: dict[int, set[str]] = {}
    for brand_id, role, _name, _slug in rows:
        roles.setdefault(brand_id, set()).add(role)
    return {brand_id: frozenset(found) for brand_id, found in roles.items()}


@fact(ROLES, fold=_roles)
def active_memberships(user_id: Any, thread_id: int | None) -> QuerySet:
    """Every active role of the person, by brand (brands.permissions.brand_roles)."""
    memberships = Membership.objects.active().filter(user_id=user_id)
    return columns(memberships, number=F("brand_id"), text=F("role"))


def _teams(rows: list[Row]) -> tuple[dict[str, str], ...]:
    teams = {(name, slug) for _number, _text, name, slug in rows}
    return tuple({"slug": slug, "name": name} for name, slug in sorted(teams))


@fact(TEAMS, fold=_teams)
def team_brands(user_id: Any, thread_id: int | None) -> QuerySet:
    """The brands whose inbox the header links (brands.selectors.navigation_brands)."""
    memberships = Membership.objects.active().filter(user_id=user_id)
    return columns(memberships, name=F("brand__name"), slug=F("brand__slug"))
