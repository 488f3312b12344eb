"""The demo's moderation: a review queue with flagged posts, a verified answer, one that
was edited after verification (so the re-check queue has work), an appeal waiting for a
different moderator, and a crisis keyword that alerted the official brand's admin.

Everything goes through the moderation services, like a moderator's clicks would."""

from __future__ import annotations

from collections.abc import Callable

from brands.models import Brand
from community.models import User
from moderation import services
from moderation.models import Appeal, AuditLogEntry, CrisisKeyword, Flag, Sanction, Verification
from qa import services as qa_services
from qa.models import Answer, Thread

from . import content


def _answers(brand: Brand, exclude_authors: set[int]) -> list[Answer]:
    return list(
        Answer.objects.filter(thread__brand=brand, visibility="published")
        .exclude(author_id__in=exclude_authors)
        .select_related("thread", "author")
        .order_by("created_at", "id")
    )


def _thread(brand: Brand, title_start: str) -> Thread:
    return Thread.objects.get(brand=brand, title__startswith=title_start)


def load_moderation(
    *, users: dict[str, User], brands: dict[str, Brand], report: Callable[[str], None]
) -> None:
    moderator, staff = users["moderator"], users["staff"]
    official = next(brands[b.slug] for b in content.BRANDS if b.official)
    community = [brands[b.slug] for b in content.BRANDS if not b.official]

    # Crisis keywords: the official brand's admin keeps a list; staff keep a global one.
    services.crisis_keyword_add(actor=users["brandadmin"], brand=official, phrase="発火")
    services.crisis_keyword_add(actor=users["brandadmin"], brand=official, phrase="recall")
    services.crisis_keyword_add(actor=staff, brand=None, phrase="lawsuit")
    qa_services.thread_create(
        author=users["customer2"],
        brand=official,
        type=Thread.Type.PROBLEM,
        title="充電中にバッテリーが熱くなり、発火しそうで怖いです",
        body=(
            "純正の充電器で充電していたら、バッテリーがかなり熱くなりました。"
            "煙は出ていませんが、このまま使っても大丈夫でしょうか？"
        ),
    )

    # A verified answer, and one edited after verification (the re-check queue).
    candidates = _answers(official, {moderator.pk})
    verified, rechecked = candidates[0], candidates[1]
    services.answer_verify(
        moderator=moderator,
        answer=verified,
        note="Checked against the support article on firmware updates.",
        source_url="https://hoshino-camera.example/support/firmware",
    )
    services.answer_verify(moderator=moderator, answer=rechecked)
    qa_services.answer_edit(
        actor=rechecked.author,
        answer=rechecked,
        body=rechecked.body + "\n\nEdit: this also worked on the newer firmware for me.",
    )

    # Flags in the queue, each on a post that earns it: two people on a referral-link
    # answer (below the hiding threshold), a duplicate of an existing thread, and an
    # inaccurate answer whose note says what is wrong with it.
    wifi_calling = _thread(community[0], "Wi-Fi calling drops after")
    referral = qa_services.answer_create(
        author=users["haruto_s"],
        thread=wifi_calling,
        body=(
            "Forget Kumo, switch carriers: sign up at best-sim-deals.example with my referral "
            "code SAVE500 and you get 500 points."
        ),
    )
    services.flag_create(flagger=users["emma_w"], answer=referral, reason="off_topic")
    services.flag_create(flagger=users["lucas_b"], answer=referral, reason="spam")
    brown_rice = _thread(community[1], "RC-10の玄米モード")
    again = qa_services.thread_create(
        author=users["sofia_m"],
        brand=community[1],
        type=Thread.Type.PROBLEM,
        product=brown_rice.product,
        title="Brown rice on the RC-10 is still hard in the middle",
        body="The brown rice mode on my RC-10 leaves the grains hard in the centre. "
        "Is there a setting I'm missing?",
    )
    services.flag_create(
        flagger=users["priya_r"], thread=again, reason="duplicate", duplicate_of=brown_rice
    )
    squeal = _thread(community[2], "後ろのブレーキからキーキー")
    wrong = qa_services.answer_create(
        author=users["lucas_b"],
        thread=squeal,
        body="Spray a little WD-40 on the rear brake disc and the squeal stops.",
    )
    services.flag_create(
        flagger=users["tom_h"],
        answer=wrong,
        reason="inaccurate",
        note="Oil on a brake disc stops the brake from working: the manual says to clean "
        "the disc with isopropyl alcohol, never to oil it.",
    )

    # A removal by staff and the author's appeal, waiting for the moderator to decide.
    charger = _thread(community[2], "Replacement charger for the Commute E2")
    removed = qa_services.answer_create(
        author=users["emma_w"],
        thread=charger,
        body="Cycle Base, the repair shop in Setagaya, had the E2 charger in stock and fitted "
        "the new charging port the same day. Ask them.",
    )
    services.post_hide(
        actor=staff, post=removed, reason="Looks like an advertisement for a repair shop."
    )
    services.appeal_create(
        author=removed.author,
        post=removed,
        message="I am not affiliated with the shop; it is simply where my bike was fixed.",
    )
    report(
        "  moderation: 4 flagged posts and a crisis alert in the queue, "
        "1 verified answer, 1 re-check, 1 appeal"
    )


def delete_moderation(*, users, brands, threads) -> None:
    """What the demo's moderation wrote, before its people and posts are deleted."""
    Appeal.objects.filter(author__in=users).delete()
    Appeal.objects.filter(brand__in=brands).delete()
    Verification.objects.filter(moderator__in=users).delete()
    Verification.objects.filter(answer__thread__in=threads).delete()
    Flag.objects.filter(brand__in=brands).delete()
    Flag.objects.filter(flagger__in=users).delete()
    Sanction.objects.filter(user__in=users).delete()
    CrisisKeyword.objects.filter(created_by__in=users).delete()
    AuditLogEntry.objects.filter(brand__in=brands).delete()
