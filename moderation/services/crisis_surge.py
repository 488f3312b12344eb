"""Surges: a wave of complaints about one product or one release raises a crisis alert
even when nobody wrote a keyword.

Complaints are problem threads, flags from people and me-toos, counted over the last hour
for a product and for each of its releases named in that hour. The count is compared with
that product's (or release's) own baseline: the mean and spread of its hourly counts over
the previous SODAN_CRISIS_BASELINE_DAYS days. A surge is a count at least the mean plus
SODAN_CRISIS_SURGE_SIGMAS spreads, and never fewer than SODAN_CRISIS_SURGE_FLOOR (a quiet
product is not alerted by two posts); twice that is critical.

Checked on each new problem thread (one count per kind of complaint, and the baseline only
once the floor is reached) and every few minutes for all products (SODAN_CRISIS_CHECK_SECONDS),
which also sees me-toos and flags.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from brands.models import Product, ProductVersion
from qa.models import MeToo, Thread

from ..crisis_models import CrisisAlert, Severity
from ..models import Flag
from .crisis import crisis_alert_join, crisis_alert_raise

HOUR = timedelta(hours=1)
# A surge alert for a product or release takes in the threads of the same wave for this
# long, rather than raising another alert every hour while the wave lasts.
SAME_WAVE = timedelta(hours=24)
THREADS_PER_ALERT = 50


@dataclass
class Surge:
    counts: dict[str, int]
    mean: float
    spread: float
    threshold: float
    thread_ids: list[int] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def severity(self) -> str:
        return Severity.CRITICAL if self.total >= 2 * self.threshold else Severity.HIGH

    def summary(self) -> str:
        return _(
            "%(total)s complaints in the last hour (problem threads %(threads)s, flags "
            "%(flags)s, me-toos %(me_toos)s); usually %(mean).1f an hour, alert from "
            "%(threshold)s."
        ) % {
            "total": self.total,
            "threads": self.counts["threads"],
            "flags": self.counts["flags"],
            "me_toos": self.counts["me_toos"],
            "mean": self.mean,
            "threshold": math.ceil(self.threshold),
        }


def _complaints(product: Product | int, version: ProductVersion | int | None = None) -> dict:
    """The three kinds of complaint about a product (or one release of it), as querysets
    of rows with a `created_at` and a thread."""
    threads = Thread.objects.filter(product=product, type=Thread.Type.PROBLEM)
    flags = Flag.objects.filter(flagger__isnull=False).filter(
        Q(thread__product=product) | Q(answer__thread__product=product)
    )
    me_toos = MeToo.objects.filter(thread__product=product)
    if version is not None:
        threads = threads.filter(version=version)
        flags = flags.filter(Q(thread__version=version) | Q(answer__thread__version=version))
        me_toos = me_toos.filter(thread__version=version)
    return {"threads": threads, "flags": flags, "me_toos": me_toos}


def _in(queryset: QuerySet, start: datetime, end: datetime) -> QuerySet:
    return queryset.filter(created_at__gte=start, created_at__lt=end)


def _thread_ids(kinds: dict, start: datetime, end: datetime) -> list[int]:
    ids: set[int] = set(_in(kinds["threads"], start, end).values_list("pk", flat=True))
    ids |= set(_in(kinds["me_toos"], start, end).values_list("thread_id", flat=True))
    for thread_id, answer_thread_id in _in(kinds["flags"], start, end).values_list(
        "thread_id", "answer__thread_id"
    ):
        ids.add(thread_id or answer_thread_id)
    return sorted(ids - {None})[:THREADS_PER_ALERT]


def surge_measure(
    product: Product | int, version: ProductVersion | int | None = None, *, now: datetime
) -> Surge | None:
    """The last hour's complaints against the baseline; None when it is no surge."""
    floor = settings.SODAN_CRISIS_SURGE_FLOOR
    start = now - HOUR
    kinds = _complaints(product, version)
    counts = {name: _in(queryset, start, now).count() for name, queryset in kinds.items()}
    if sum(counts.values()) < floor:
        return None
    hours = settings.SODAN_CRISIS_BASELINE_DAYS * 24
    baseline_start = start - hours * HOUR
    buckets: dict[int, int] = {}
    for queryset in kinds.values():
        for created_at in _in(queryset, baseline_start, start).values_list("created_at", flat=True):
            bucket = int((start - created_at) / HOUR)
            buckets[bucket] = buckets.get(bucket, 0) + 1
    mean = sum(buckets.values()) / hours
    variance = max(sum(n * n for n in buckets.values()) / hours - mean * mean, 0.0)
    spread = math.sqrt(variance)
    threshold = max(float(floor), mean + settings.SODAN_CRISIS_SURGE_SIGMAS * spread)
    if sum(counts.values()) < threshold:
        return None
    return Surge(counts, mean, spread, threshold, _thread_ids(kinds, start, now))


def _versions_named(product: Product, start: datetime, end: datetime) -> list[int]:
    kinds = _complaints(product)
    ids = set(_in(kinds["threads"], start, end).values_list("version_id", flat=True))
    ids |= set(_in(kinds["me_toos"], start, end).values_list("thread__version_id", flat=True))
    for pair in _in(kinds["flags"], start, end).values_list(
        "thread__version_id", "answer__thread__version_id"
    ):
        ids.update(pair)
    return sorted(ids - {None})


def surge_check(*, product: Product, now: datetime | None = None) -> list[CrisisAlert]:
    """Alert a surge about each release of the product named in the last hour, or about
    the product as a whole when no single release surges. Returns the alerts raised now."""
    now = now or timezone.now()
    # The product's count bounds its releases': under the floor, nothing more is asked.
    if sum(_in(q, now - HOUR, now).count() for q in _complaints(product).values()) < (
        settings.SODAN_CRISIS_SURGE_FLOOR
    ):
        return []
    raised: list[CrisisAlert] = []
    found = False
    for version in ProductVersion.objects.filter(
        pk__in=_versions_named(product, now - HOUR, now)
    ).order_by("pk"):
        surge = surge_measure(product, version, now=now)
        if surge is not None:
            found = True
            raised += _raise(product, version, surge, now=now)
    if not found:
        surge = surge_measure(product, now=now)
        if surge is not None:
            raised += _raise(product, None, surge, now=now)
    return raised


def _raise(
    product: Product, version: ProductVersion | None, surge: Surge, *, now: datetime
) -> list[CrisisAlert]:
    threads = list(Thread.objects.filter(pk__in=surge.thread_ids))
    recent = (
        CrisisAlert.objects.filter(
            brand_id=product.brand_id,
            cause=CrisisAlert.Cause.SURGE,
            product=product,
            version=version,
            created_at__gte=now - SAME_WAVE,
        )
        .order_by("-created_at")
        .first()
    )
    if recent is not None:  # the same wave: its alert gathers the new threads
        crisis_alert_join(alert=recent, threads=threads, severity=surge.severity)
        return []
    alert = crisis_alert_raise(
        brand=product.brand,
        cause=CrisisAlert.Cause.SURGE,
        severity=surge.severity,
        key=f"surge:{product.pk}:{version.pk if version else 0}:{now:%Y%m%d%H}",
        summary=surge.summary(),
        threads=threads,
        product=product,
        version=version,
        now=now,
    )
    return [alert] if alert is not None else []


def surge_check_thread(*, thread: Thread, now: datetime | None = None) -> list[CrisisAlert]:
    """The cheap check on a new post: only a problem thread about a product counts."""
    if thread.type != Thread.Type.PROBLEM or not thread.product_id:
        return []
    return surge_check(product=thread.product, now=now)


def surges_check(*, now: datetime | None = None) -> list[CrisisAlert]:
    """Every product with a complaint in the last hour (the periodic check)."""
    now = now or timezone.now()
    start = now - HOUR
    product_ids = set(
        _in(Thread.objects.filter(type=Thread.Type.PROBLEM), start, now).values_list(
            "product_id", flat=True
        )
    )
    product_ids |= set(_in(MeToo.objects, start, now).values_list("thread__product_id", flat=True))
    for pair in _in(Flag.objects.filter(flagger__isnull=False), start, now).values_list(
        "thread__product_id", "answer__thread__product_id"
    ):
        product_ids.update(pair)
    raised: list[CrisisAlert] = []
    for product in Product.objects.filter(pk__in=product_ids - {None}).select_related("brand"):
        raised += surge_check(product=product, now=now)
    return raised
