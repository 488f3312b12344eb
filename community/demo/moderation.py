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


def load_moderation(
    *, users: dict[str, User], brands: dict[str, Brand], report: Callable[[str], None]
) -> None:
    moderator, staff = users["moderator"], users["staff"]
    official = next(brands[b.slug] for b in content.BRANDS if b.official)
    community = [brands[b.slug] for b in content.BRANDS if not b.official]
    members = [
        u for name, u in users.items() if name not in {"moderator", "staff", "rep", "brandadmin"}
    ]

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

    # Flags in the queue: two people on one answer (below the hiding threshold), a
    # duplicate report, and an inaccurate-answer report with a note.
    first_brand_answers = _answers(community[0], {moderator.pk})
    target = first_brand_answers[0]
    flaggers = [u for u in members if u.pk != target.author_id][:2]
    services.flag_create(flagger=flaggers[0], answer=target, reason="off_topic")
    services.flag_create(flagger=flaggers[1], answer=target, reason="spam")
    threads = list(Thread.objects.listed().filter(brand=community[1]).order_by("created_at"))
    services.flag_create(
        flagger=next(u for u in members if u.pk != threads[-1].author_id),
        thread=threads[-1],
        reason="duplicate",
        duplicate_of=threads[0],
    )
    wrong = _answers(community[2], {moderator.pk})[0]
    services.flag_create(
        flagger=next(u for u in members if u.pk != wrong.author_id),
        answer=wrong,
        reason="inaccurate",
        note="The manual says the filter must be replaced, not washed.",
    )

    # A removal by staff and the author's appeal, waiting for the moderator to decide.
    removed = _answers(community[3], {moderator.pk, staff.pk})[0]
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
