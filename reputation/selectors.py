"""Reads: a brand's top contributors, a member's badges."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Sum
from django.utils import timezone

from community.models import User

from .models import Badge, BrandReputation, ReputationEvent

TOP = 20


def month_start(now: datetime | None = None) -> datetime:
    """The first moment of this month in the site's time zone."""
    local = timezone.localtime(now or timezone.now())
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def top_contributors(*, brand: Any, period: str = "all", limit: int = TOP) -> list[Any]:
    """Members by points earned in `brand`, most first (ties: who got there first, then
    name), each with `.points`, `.level` (all time) and `.brand_badges`. Three queries
    (four for the month, whose points are not the all-time standing's)."""
    if period == "month":
        earned = (
            ReputationEvent.objects.for_brand(brand)
            .filter(created_at__gte=month_start())
            .values("member_id")
            .annotate(total=Sum("points"))
            .filter(total__gt=0)
            .order_by("-total", "member_id")[:limit]
        )
        ranking = [(row["member_id"], row["total"]) for row in earned]
        levels = dict(
            BrandReputation.objects.for_brand(brand)
            .filter(member_id__in=[member_id for member_id, _points in ranking])
            .values_list("member_id", "level")
        )
    else:
        rows = list(
            BrandReputation.objects.for_brand(brand)
            .filter(points__gt=0)
            .order_by("-points", "member_id")
            .values_list("member_id", "points", "level")[:limit]
        )
        ranking = [(member_id, points) for member_id, points, _level in rows]
        levels = {member_id: level for member_id, _points, level in rows}
    ids = [member_id for member_id, _points in ranking]
    members = {member.pk: member for member in User.objects.filter(pk__in=ids)}
    badges: dict[int, list[Badge]] = {}
    for badge in Badge.objects.filter(brand=brand, member_id__in=ids).order_by("awarded_at"):
        badges.setdefault(badge.member_id, []).append(badge)
    people = []
    for member_id, points in ranking:
        member = members[member_id]
        member.points, member.level = points, levels.get(member_id, 0)
        member.brand_badges = badges.get(member_id, [])
        people.append(member)
    return people


def member_badges(member: Any) -> list[Badge]:
    """Every badge of the member, with its brand, newest first (the profile). One query."""
    return list(Badge.objects.filter(member=member).select_related("brand").order_by("-awarded_at"))


def member_standing(member: Any) -> list[BrandReputation]:
    """The member's points and level in each brand, highest first (the profile)."""
    return list(
        BrandReputation.objects.filter(member=member, points__gt=0)
        .select_related("brand")
        .order_by("-points")
    )
