"""Digests: one e-mail a day or a week, for those who chose it (off by default).

- `followed`: threads solved in the period in the brands and products the person follows
  (follows.selectors).
- `rep`: for a brand's reps and admins, the threads in their inbox waiting for an official
  response, those near the response target (the last quarter of it) and those past it
  (brands.selectors.awaiting_official_response / due_at).

A periodic task (`community.tasks.digests_send`, in the beat schedule) queues one outbox
message per person and kind; `digest_deliver` renders it in the person's language and
sends it. A `DigestSent` row per person, kind and period makes it once per period (a
period with nothing to say is recorded too, and sends no mail: a digest is never empty).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .consent import Topic, consent_allows, consent_set
from .models import DigestPreference, DigestSent, User

FOLLOWED = "followed"
REP = "rep"
KINDS = (FOLLOWED, REP)
MAX_THREADS = 20  # per section; the digest links to the full list


def digest_frequency(user: User) -> str:
    """The person's choice as it stands: off when the DIGESTS topic was turned off (the
    one-click link in a digest does that)."""
    pref = DigestPreference.objects.filter(user=user).values_list("frequency", flat=True).first()
    if not pref or not consent_allows(user, Topic.DIGESTS):
        return DigestPreference.Frequency.OFF
    return pref


@transaction.atomic
def digest_frequency_set(*, user: User, frequency: str, source: str = "settings") -> str:
    """Choose off, daily or weekly; a digest chosen is consent to the DIGESTS topic."""
    if frequency not in DigestPreference.Frequency.values:
        raise ValidationError({"frequency": [_("Choose off, daily or weekly.")]})
    DigestPreference.objects.update_or_create(
        user=user, defaults={"frequency": frequency, "changed_at": timezone.now()}
    )
    consent_set(
        user=user,
        topic=Topic.DIGESTS,
        allowed=frequency != DigestPreference.Frequency.OFF,
        source=source,
    )
    return frequency


def period_of(frequency: str, now: datetime) -> str:
    """The finished period a digest sent now covers: yesterday, or last ISO week."""
    if frequency == DigestPreference.Frequency.DAILY:
        return (now - timedelta(days=1)).date().isoformat()
    year, week, _day = (now - timedelta(days=7)).isocalendar()
    return f"{year}-W{week:02d}"


def period_bounds(period: str) -> tuple[datetime, datetime]:
    """The start and end (UTC) of a period named by `period_of`."""
    if "-W" in period:
        start = datetime.strptime(period + "-1", "%G-W%V-%u").replace(tzinfo=UTC)
        return start, start + timedelta(days=7)
    start = datetime.fromisoformat(period).replace(tzinfo=UTC)
    return start, start + timedelta(days=1)


# --- What a digest says ------------------------------------------------------------------


def followed_solved(user: User, start: datetime, end: datetime) -> list[Any]:
    """Threads solved (an answer accepted) in the period, in what the person follows."""
    try:
        from follows.selectors import followed_brand_ids, followed_product_ids
    except ImportError:  # follows not installed: nothing is followed
        return []
    from django.db.models import Q

    from qa.models import Answer, Thread

    brand_ids, product_ids = followed_brand_ids(user), followed_product_ids(user)
    if not brand_ids and not product_ids:
        return []
    accepted = Answer.objects.filter(
        thread=OuterRef("pk"), accepted_at__gte=start, accepted_at__lt=end
    )
    return list(
        Thread.objects.listed()
        .filter(Q(brand_id__in=brand_ids) | Q(product_id__in=product_ids))
        .filter(status=Thread.Status.SOLVED)
        .filter(Exists(accepted))
        .select_related("brand", "product")
        .order_by("-last_activity_at", "-id")[:MAX_THREADS]
    )


@dataclass
class RepSection:
    """One brand's part of a rep digest."""

    brand: Any
    over: list[Any] = field(default_factory=list)
    near: list[Any] = field(default_factory=list)
    waiting: list[Any] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.over or self.near or self.waiting)


def rep_sections(user: User, now: datetime) -> list[RepSection]:
    """For each brand the person speaks for (rep or admin, powers in force): the threads
    waiting for an official response, sorted into past, near and within the target."""
    from brands.models import Membership
    from brands.permissions import is_rep
    from brands.selectors import awaiting_official_response, due_at

    memberships = (
        Membership.objects.active()
        .speaking()
        .filter(user=user)
        .select_related("brand")
        .order_by("brand__name")
    )
    sections = []
    for membership in memberships:
        brand = membership.brand
        if not is_rep(user, brand):
            continue
        section = RepSection(brand=brand)
        near_window = timedelta(hours=brand.response_target_hours / 4)
        threads = awaiting_official_response(brand).order_by("created_at", "id")
        for thread in threads[: MAX_THREADS * 3]:
            due = due_at(thread, brand)
            if due is None:
                continue
            if due <= now:
                section.over.append(thread)
            elif due - now <= near_window:
                section.near.append(thread)
            else:
                section.waiting.append(thread)
        section.over = section.over[:MAX_THREADS]
        section.near = section.near[:MAX_THREADS]
        section.waiting = section.waiting[:MAX_THREADS]
        if section:
            sections.append(section)
    return sections


# --- Sending -------------------------------------------------------------------------------


def digests_send(*, now: datetime | None = None) -> int:
    """Periodic: queue each due digest (one outbox message per person, kind and period)."""
    from brands.models import Membership
    from outbox.services import message_send

    now = now or timezone.now()
    reps = set(Membership.objects.active().speaking().values_list("user_id", flat=True).distinct())
    queued = 0
    prefs = DigestPreference.objects.exclude(frequency=DigestPreference.Frequency.OFF).filter(
        user__is_active=True
    )
    for pref in prefs.select_related("user").order_by("pk"):
        if not consent_allows(pref.user, Topic.DIGESTS):
            continue
        period = period_of(pref.frequency, now)
        kinds = [FOLLOWED, REP] if pref.user_id in reps else [FOLLOWED]
        done = set(
            DigestSent.objects.filter(user_id=pref.user_id, period=period).values_list(
                "kind", flat=True
            )
        )
        for kind in kinds:
            if kind in done:
                continue
            with transaction.atomic():
                message_send("community.tasks.digest_deliver", pref.user_id, kind, period)
            queued += 1
    return queued


def digest_deliver(user_id: int, kind: str, period: str, *, now: datetime | None = None) -> bool:
    """Render and send one digest; True when a mail went out. Once per person, kind and
    period; nothing to say sends nothing."""
    from .mail import compose

    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or kind not in KINDS or not user.email:
        return False
    if not consent_allows(user, Topic.DIGESTS):
        return False
    now = now or timezone.now()
    start, end = period_bounds(period)
    context: dict[str, Any] = {"recipient": user, "period_start": start, "period_end": end}
    if kind == FOLLOWED:
        context["threads"] = followed_solved(user, start, end)
        empty = not context["threads"]
    else:
        context["sections"] = rep_sections(user, now)
        empty = not context["sections"]
    context["site_url"] = settings.SITE_URL.rstrip("/")
    try:
        with transaction.atomic():
            DigestSent.objects.create(user=user, kind=kind, period=period)
            if empty:
                return False
            with translation.override(user.language or settings.LANGUAGE_CODE):
                template = f"community/email/digest_{kind}"
                subject = render_to_string(f"{template}_subject.txt", context).strip()
                text = render_to_string(f"{template}.txt", context)
                html = render_to_string(f"{template}.html", context)
                sections = context.get("sections") or []
                brand = sections[0].brand if len(sections) == 1 else None
                compose(
                    recipient=user,
                    topic=Topic.DIGESTS,
                    subject=subject,
                    text=text,
                    html_body=html,
                    brand=brand,
                ).send()  # an error rolls the row back: the retry sends it
    except IntegrityError:  # already sent for this period
        return False
    return True
