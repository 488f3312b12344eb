"""Every change to reputation goes through here.

Points are written as one ledger row per thing that earned them (`source_key`), so a
retried or concurrent call earns once; the member's total in the brand and site-wide move
with F() updates in the same transaction, so no earning is lost under load. Reversal
deletes the row and takes its points back, whichever came first winning cleanly.

Called by qa.services (helpful votes, acceptance), moderation's verification, brands'
endorsements (a badge only: an endorsement earns no points and no powers) and the
follow-up part's "fixed for me" confirmations.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Case, F, IntegerField, Value, When

from community.models import User

from .models import Badge, BrandReputation, Reason, ReputationEvent

# Milestone badges: (reason counted, how many, badge).
MILESTONES: list[tuple[str, str, str]] = [
    (Reason.ACCEPTED, "first_accepted", Badge.Kind.FIRST_ACCEPTED),
    (Reason.ACCEPTED, "ten_accepted", Badge.Kind.TEN_ACCEPTED),
    (Reason.FIXED_FOR_ME, "fifty_fixed", Badge.Kind.FIFTY_FIXED),
    (Reason.VERIFIED, "verified_expert", Badge.Kind.VERIFIED_EXPERT),
]


def points_for(reason: str) -> int:
    """Points of one event of this reason (SODAN_REPUTATION_POINTS)."""
    return int(settings.SODAN_REPUTATION_POINTS[str(reason)])


def level_of(points: int) -> int:
    """The level `points` reach: the count of thresholds at or below them."""
    return sum(1 for threshold in settings.SODAN_REPUTATION_LEVELS if points >= threshold)


def _level_expression() -> Case:
    """level_of() as SQL, applied to the row's points after the F() update."""
    thresholds = list(settings.SODAN_REPUTATION_LEVELS)
    whens = [
        When(points__gte=threshold, then=Value(level))
        for level, threshold in reversed(list(enumerate(thresholds, start=1)))
    ]
    return Case(*whens, default=Value(0), output_field=IntegerField())


def _move(*, member_id: int, brand_id: int, points: int) -> None:
    """Add `points` (maybe negative) to the member's totals in the brand and site-wide."""
    if not BrandReputation.objects.filter(member_id=member_id, brand_id=brand_id).exists():
        try:
            with transaction.atomic():
                BrandReputation.objects.create(member_id=member_id, brand_id=brand_id)
        except IntegrityError:
            pass  # a concurrent earning made the row first
    rows = BrandReputation.objects.filter(member_id=member_id, brand_id=brand_id)
    rows.update(points=F("points") + points)
    # The row is locked by the update above until commit: the level follows the sum.
    rows.update(level=_level_expression())
    User.objects.filter(pk=member_id).update(reputation=F("reputation") + points)


@transaction.atomic
def reputation_event(
    *, member: Any, brand: Any, reason: str, source_key: str, points: int | None = None
) -> ReputationEvent | None:
    """Record that `member` earned points in `brand` for `reason`, once per `source_key`.

    Returns the new event, or None when this source already earned (a retry, a race).
    `points` defaults to the reason's weight in settings.
    """
    member_id = getattr(member, "pk", member)
    brand_id = getattr(brand, "pk", brand)
    amount = points_for(reason) if points is None else int(points)
    try:
        with transaction.atomic():
            event = ReputationEvent.objects.create(
                member_id=member_id,
                brand_id=brand_id,
                reason=reason,
                points=amount,
                source_key=source_key,
            )
    except IntegrityError:
        return None
    _move(member_id=member_id, brand_id=brand_id, points=amount)
    _award_milestones(member_id=member_id, brand_id=brand_id, reason=str(reason))
    return event


@transaction.atomic
def reputation_event_reverse(*, source_key: str) -> bool:
    """Take back what `source_key` earned (an un-vote, an un-accept, a withdrawn
    verification). Returns whether anything was taken back; badges stay earned."""
    event = ReputationEvent.objects.select_for_update().filter(source_key=source_key).first()
    if event is None:
        return False
    deleted, _rows = ReputationEvent.objects.filter(pk=event.pk).delete()
    if not deleted:
        return False
    _move(member_id=event.member_id, brand_id=event.brand_id, points=-event.points)
    return True


def badge_award(*, member: Any, brand: Any, kind: str) -> Badge | None:
    """Award a badge once; returns it when new, None when the member already had it."""
    try:
        with transaction.atomic():
            return Badge.objects.create(
                member_id=getattr(member, "pk", member),
                brand_id=getattr(brand, "pk", brand),
                kind=kind,
            )
    except IntegrityError:
        return None


def _award_milestones(*, member_id: int, brand_id: int, reason: str) -> None:
    milestones = [m for m in MILESTONES if m[0] == reason]
    if not milestones:
        return
    count = ReputationEvent.objects.filter(
        member_id=member_id, brand_id=brand_id, reason=reason
    ).count()
    for _reason, setting, kind in milestones:
        if count >= settings.SODAN_REPUTATION_BADGES[setting]:
            badge_award(member=member_id, brand=brand_id, kind=kind)


# Source keys: one per thing that earns, shared by the earning and its reversal.
def vote_key(*, answer_id: int, voter_id: int) -> str:
    return f"vote:{answer_id}:{voter_id}"


def accepted_key(*, answer_id: int) -> str:
    return f"accepted:{answer_id}"


def verified_key(*, answer_id: int) -> str:
    return f"verified:{answer_id}"


def fixed_for_me_key(*, answer_id: int, member_id: int) -> str:
    return f"fixed:{answer_id}:{member_id}"
