"""What a member's level in a brand unlocks there, written once.

Levels come from reputation earned in that brand (SODAN_REPUTATION_LEVELS): level 1 lifts
the new-member limits (posting rate, links per post), level 2 makes a flag count for more
toward hiding a post pending review. A level never grants a moderation power: hiding,
deleting, verifying and the rest stay with appointed moderators (moderation/permissions.py),
and a brand's endorsement earns no points at all.

Rate limits, flags and every door that asks them (pages, the API, tasks) call these.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from .models import BrandReputation

LIFTS_NEW_MEMBER_LIMITS = 1
WEIGHS_FLAGS = 2
SUGGESTS_EDITS = 4  # others' answers in the brand (qa.permissions.check_can_suggest_edit)


def level_in(user: Any, brand: Any) -> int:
    """The person's level in `brand` (0 for anonymous people and for no brand). Asked by
    services while they write, so read fresh: a level just earned counts at once."""
    if brand is None or not getattr(user, "is_authenticated", False):
        return 0
    level = (
        BrandReputation.objects.filter(member_id=user.pk, brand_id=getattr(brand, "pk", brand))
        .values_list("level", flat=True)
        .first()
    )
    return level or 0


def can_skip_new_member_limits(user: Any, brand: Any) -> bool:
    """A young account with standing in this brand posts there as everyone does."""
    return level_in(user, brand) >= LIFTS_NEW_MEMBER_LIMITS


def flags_weight(flagger_ids: list[int], brand: Any) -> int:
    """The weight of these people's flags together: each counts once, a member at the
    flag-weighing level in `brand` counts as SODAN_REPUTATION_FLAG_WEIGHT. One query."""
    ids = list(flagger_ids)
    if not ids:
        return 0
    weighty = BrandReputation.objects.filter(
        brand_id=getattr(brand, "pk", brand), member_id__in=ids, level__gte=WEIGHS_FLAGS
    ).count()
    return len(ids) + weighty * (max(1, int(settings.SODAN_REPUTATION_FLAG_WEIGHT)) - 1)
