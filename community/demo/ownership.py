"""The demo's brand ownership: the official brand's reps own threads, one was handed over,
a customer's answer is recommended (and may be outdated since a newer firmware), a rep left
a hand-over note on a customer, and a company's claim on a community-run brand waits for
staff.

Everything goes through brands.services, like the team's clicks would; only moments are
moved into the past afterwards, as the rest of the demo does.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from brands import services
from brands.models import Brand, OwnershipEvent, ProductVersion, ThreadOwnership
from community.models import User
from qa.models import Answer, Thread

from . import content

# The official brand has answered officially for a while; its response target counts
# threads started since then.
OFFICIAL_FOR_DAYS = 20


def _thread(brand: Brand, title_start: str) -> Thread:
    return Thread.objects.select_related("brand").get(brand=brand, title__startswith=title_start)


def _answer_by(thread: Thread, username: str) -> Answer:
    return Answer.objects.select_related("thread__brand", "author").get(
        thread=thread, author__username=username
    )


def _publish(*, rep: User, brand: Brand, product_slug: str, name: str, at: datetime | None):
    version = services.version_publish(
        actor=rep, product=brand.products.get(slug=product_slug), name=name
    )
    if at is not None:
        ProductVersion.objects.filter(pk=version.pk).update(released_at=at)
    return version


def _taken_at(thread: Thread, hours: float) -> None:
    moment = thread.created_at + timedelta(hours=hours)
    ThreadOwnership.objects.filter(thread=thread).update(taken_at=moment)
    OwnershipEvent.objects.filter(thread=thread).update(created_at=moment)


def load_ownership(
    *,
    users: dict[str, User],
    brands: dict[str, Brand],
    now: datetime,
    report: Callable[[str], None],
) -> None:
    official = brands[content.OFFICIAL_BRAND.slug]
    rep, admin = users[content.REP.username], users[content.BRAND_ADMIN.username]
    Brand.objects.filter(pk=official.pk).update(
        official_since=now - timedelta(days=OFFICIAL_FOR_DAYS), response_target_hours=24
    )
    official.refresh_from_db()

    # Z5 firmware releases: 2.1.0 is the one customers talk about, 2.1.1 came out today.
    _publish(rep=rep, brand=official, product_slug="z5", name="2.0.0", at=now - timedelta(days=160))
    firmware_21 = _publish(
        rep=rep, brand=official, product_slug="z5", name="2.1.0", at=now - timedelta(days=75)
    )

    # Threads the team owns: one waiting for its first official answer (past the target),
    # one the rep answered, one the admin took and handed over to the rep.
    waiting = _thread(official, "How long does a sensor cleaning")
    services.thread_take(actor=rep, thread=waiting)
    _taken_at(waiting, 3)
    firmware = _thread(official, "Z5のファームウェア更新が")
    services.thread_take(actor=rep, thread=firmware)
    _taken_at(firmware, 1.5)
    basketball = _thread(official, "Settings for indoor basketball")
    services.thread_take(actor=admin, thread=basketball)
    services.thread_hand_over(actor=admin, thread=basketball, to=rep)
    _taken_at(basketball, 5)

    # A customer's answer the company recommends for 2.1.0, and the battery thread named
    # as being about 2.1.0; publishing 2.1.1 marks the recommendation "may be outdated".
    battery = _thread(official, "Z5 battery drains overnight")
    services.thread_version_set(actor=rep, thread=battery, version=firmware_21)
    services.answer_endorse(actor=rep, answer=_answer_by(battery, "tom_h"), version=firmware_21)
    services.answer_endorse(actor=admin, answer=_answer_by(firmware, "daisuke"))
    _publish(rep=rep, brand=official, product_slug="z5", name="2.1.1", at=None)

    # The rep's hand-over note on the demo customer, for whoever helps her next.
    services.customer_note_add(
        actor=rep,
        brand=official,
        customer=users[content.CUSTOMER.username],
        thread=firmware,
        body=(
            "Prefers Japanese. E-203 came back twice when updating over Wi-Fi; the USB "
            "update worked. Offer the USB route first next time."
        ),
    )

    # A company asks to take over a community-run brand; staff have not decided yet.
    kumo = brands["kumo-mobile"]
    services.claim_submit(
        claimant=users["haruto_s"],
        brand=kumo,
        evidence=(
            "I lead the support team at Kumo Mobile; my work address is not on the kumo-"
            "mobile.example domain yet because we use our parent company's mail. Our head "
            "of customer care can confirm by phone."
        ),
    )
    report(
        f"  brand team: {ThreadOwnership.objects.filter(brand=official).count()} owned "
        "threads (1 handed over), 2 recommended answers (1 may be outdated), 1 customer "
        f"note; a claim on {kumo.name} waits for staff"
    )
