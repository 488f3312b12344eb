"""The "is it solved?" follow-ups: asked once, answered with one signed click.

A few days after a thread got answers with none accepted (`SODAN_FOLLOW_UP_AFTER_DAYS`),
the asker is asked whether an answer solved it, is still broken, or broke again after an
update; the people who pressed me too are asked whether the top answer fixed it for them.
Each question is a FollowUp row (unique per thread, person and kind: nobody is asked twice)
and a notification sent through the outbox (in the app, by e-mail or LINE per consent).

The choices are signed links (`choice_token`) that work without signing in: the token
stands for the person it was sent to, and the answer is applied as that person, through
the same services and permissions as the thread page (an acceptance is qa's
`answer_accept`, which asks `check_can_accept`). A GET only shows what would happen; the
POST does it. An altered or expired token is refused, a used one too, and nothing changes.
Threads whose asker stays silent (`SODAN_FOLLOW_UP_SILENT_AFTER_DAYS` more) are marked for
the brand's inbox; nothing is ever accepted for them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import Exists, F, Min, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from brands.models import ProductVersion
from community import page_cache
from community.models import Notification
from outbox.services import message_send
from qa.models import Answer, MeToo, Thread, ThreadSubscription, Visibility

from . import permissions
from .models import FollowUp

_SALT = "follows.follow_up"

SOLVED, STILL_BROKEN, BROKEN_AGAIN = "solved", "still_broken", "broken_again"
FIXED, NOT_FIXED = "fixed", "not_fixed"
ASKER_CHOICES = (SOLVED, STILL_BROKEN, BROKEN_AGAIN)
ME_TOO_CHOICES = (FIXED, NOT_FIXED)


def after_days() -> int:
    return settings.SODAN_FOLLOW_UP_AFTER_DAYS


# --- Signed choices -----------------------------------------------------------------------


@dataclass(frozen=True)
class Choice:
    follow_up_id: int
    choice: str
    answer_id: int | None = None
    version_id: int | None = None


def choice_token(choice: Choice) -> str:
    return signing.dumps(
        [choice.follow_up_id, choice.choice, choice.answer_id, choice.version_id],
        salt=_SALT,
        compress=True,
    )


def choice_from_token(token: str) -> Choice | None:
    """The choice a token carries, or None when it was altered or is too old."""
    max_age = timedelta(days=settings.SODAN_FOLLOW_UP_LINK_DAYS)
    try:
        follow_up_id, choice, answer_id, version_id = signing.loads(
            token, salt=_SALT, max_age=max_age
        )
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if choice not in (*ASKER_CHOICES, *ME_TOO_CHOICES) or not isinstance(follow_up_id, int):
        return None
    return Choice(follow_up_id, choice, answer_id, version_id)


def choice_url(choice: Choice) -> str:
    return reverse("follows:follow_up", kwargs={"token": choice_token(choice)})


# --- What the message offers -------------------------------------------------------------


def _candidate_answers(thread: Thread) -> list[Answer]:
    """The answers the asker may pick from: the top three in reading order."""
    return list(
        Answer.objects.filter(thread=thread)
        .visible()
        .exclude(author_id=thread.author_id)
        .select_related("author")
        .in_reading_order()[:3]
    )


def _newer_versions(thread: Thread) -> list[ProductVersion]:
    if not thread.product_id:
        return []
    versions = ProductVersion.objects.filter(product_id=thread.product_id)
    if thread.version_id and thread.version and thread.version.released_at:
        versions = versions.filter(released_at__gt=thread.version.released_at)
    return list(versions.order_by("-released_at", "-id")[:3])


def follow_up_choices(follow_up: FollowUp) -> list[dict[str, Any]]:
    """The one-click choices of a follow-up, each with its label's parts and its address."""
    thread = follow_up.thread
    if follow_up.kind == FollowUp.Kind.ME_TOO:
        return [
            {
                "choice": c,
                "answer": follow_up.answer,
                "url": choice_url(Choice(follow_up.pk, c, follow_up.answer_id)),
            }
            for c in ME_TOO_CHOICES
        ]
    found = [
        {"choice": SOLVED, "answer": a, "url": choice_url(Choice(follow_up.pk, SOLVED, a.pk))}
        for a in _candidate_answers(thread)
    ]
    found.append({"choice": STILL_BROKEN, "url": choice_url(Choice(follow_up.pk, STILL_BROKEN))})
    for version in _newer_versions(thread):
        found.append(
            {
                "choice": BROKEN_AGAIN,
                "version": version,
                "url": choice_url(Choice(follow_up.pk, BROKEN_AGAIN, None, version.pk)),
            }
        )
    return found


# --- Sending -------------------------------------------------------------------------------


def _wants_follow_ups(user: Any) -> bool:
    """Opted out on every channel means never asked."""
    from community.consent import Topic, consent_allows

    return consent_allows(user, Topic.FOLLOW_UPS, "email") or consent_allows(
        user, Topic.FOLLOW_UPS, "line"
    )


def due_threads(now: datetime) -> Any:
    """Threads answered at least `after_days` ago, none accepted, the asker not yet asked."""
    asked = FollowUp.objects.filter(thread=OuterRef("pk"), kind=FollowUp.Kind.ASKER)
    return (
        Thread.objects.listed()
        .filter(accepted_answer__isnull=True, locked_at__isnull=True, answer_count__gt=0)
        .exclude(status=Thread.Status.SOLVED)
        .annotate(
            first_answer_at=Min(
                "answers__created_at", filter=Q(answers__visibility=Visibility.PUBLISHED)
            )
        )
        .filter(first_answer_at__lte=now - timedelta(days=after_days()))
        .exclude(Exists(asked))
        .select_related("author")
        .order_by("id")
    )


def _muted(thread: Thread) -> set[int]:
    return set(
        ThreadSubscription.objects.filter(thread=thread, muted=True).values_list(
            "user_id", flat=True
        )
    )


@transaction.atomic
def follow_ups_for_thread(thread: Thread) -> list[FollowUp]:
    """Ask the asker and the me-too people about this thread, each once."""
    thread = Thread.objects.select_for_update().select_related("author").get(pk=thread.pk)
    if thread.accepted_answer_id:
        return []
    candidates = _candidate_answers(thread)
    if not candidates:
        return []
    muted = _muted(thread)
    people = [(thread.author, FollowUp.Kind.ASKER, None)]
    for me_too in MeToo.objects.filter(thread=thread).select_related("user").order_by("id"):
        people.append((me_too.user, FollowUp.Kind.ME_TOO, candidates[0]))
    sent = []
    for user, kind, answer in people:
        if not user.is_active or user.pk in muted or not _wants_follow_ups(user):
            continue
        follow_up, created = FollowUp.objects.get_or_create(
            thread=thread, user=user, kind=kind, defaults={"answer": answer}
        )
        if created:
            from . import tasks

            message_send(tasks.follow_up_deliver, follow_up.pk)
            sent.append(follow_up)
    if not sent:
        # Nobody to ask (muted or opted out): the asker's row still marks the thread as
        # asked, so it is not looked at again every day.
        FollowUp.objects.get_or_create(
            thread=thread,
            user=thread.author,
            kind=FollowUp.Kind.ASKER,
            defaults={"responded_at": timezone.now()},
        )
    return sent


def follow_ups_send(*, now: datetime | None = None) -> int:
    """The periodic pass: ask about every due thread. Returns how many were asked."""
    now = now or timezone.now()
    return sum(len(follow_ups_for_thread(thread)) for thread in due_threads(now))


def follow_up_deliver(follow_up_id: int) -> int:
    """The notification of one follow-up (in the app, by e-mail per consent)."""
    from community.services import notification_deliver

    follow_up = (
        FollowUp.objects.select_related(
            "thread__brand", "thread__version", "user", "answer__author"
        )
        .filter(pk=follow_up_id, responded_at__isnull=True)
        .first()
    )
    if follow_up is None:
        return 0
    first = follow_up_choices(follow_up)
    return len(
        notification_deliver(
            recipients=[follow_up.user],
            kind=Notification.Kind.FOLLOW_UP,
            dedupe_key=f"follow_up:{follow_up.pk}",
            actor=None,
            thread=follow_up.thread,
            answer=follow_up.answer,
            context={
                "follow_up": follow_up,
                "choices": first,
                "site_url": settings.SITE_URL.rstrip("/"),
            },
            url=first[0]["url"] if follow_up.kind == FollowUp.Kind.ME_TOO else "",
        )
    )


def silent_threads_mark(*, now: datetime | None = None) -> int:
    """Threads whose asker left the follow-up unanswered go to the brand's inbox."""
    now = now or timezone.now()
    waited = now - timedelta(days=settings.SODAN_FOLLOW_UP_SILENT_AFTER_DAYS)
    silent = FollowUp.objects.filter(
        kind=FollowUp.Kind.ASKER, responded_at__isnull=True, sent_at__lte=waited
    ).values("thread_id")
    threads = Thread.objects.filter(
        pk__in=silent, follow_up_silent_at__isnull=True, accepted_answer__isnull=True
    )
    ids = list(threads.values_list("pk", flat=True))
    Thread.objects.filter(pk__in=ids).update(follow_up_silent_at=now)
    return len(ids)


# --- Answering -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    follow_up: FollowUp
    choice: str


def access_follow_up(choice: Choice) -> FollowUp | None:
    return (
        FollowUp.objects.select_related("thread__brand", "user", "answer__author")
        .filter(pk=choice.follow_up_id)
        .first()
    )


@transaction.atomic
def follow_up_respond(*, choice: Choice) -> Outcome:
    """Apply a signed choice as the person it was sent to; once."""
    from qa import services as qa_services

    follow_up = (
        FollowUp.objects.select_for_update(of=("self",))
        .select_related("thread__brand", "user", "answer__author")
        .get(pk=choice.follow_up_id)
    )
    person = follow_up.user
    permissions.check_can_answer_follow_up(person, follow_up)
    permissions.check_choice_fits(follow_up, choice.choice)
    thread = follow_up.thread
    now = timezone.now()
    fields = ["outcome", "responded_at"]
    if choice.choice == SOLVED:
        answer = Answer.objects.select_related("thread__brand").get(
            pk=choice.answer_id, thread=thread
        )
        qa_services.answer_accept(actor=person, answer=answer)
        follow_up.answer = answer
        fields.append("answer")
        Thread.objects.filter(pk=thread.pk).update(follow_up_silent_at=None)
    elif choice.choice == BROKEN_AGAIN:
        follow_up.version = ProductVersion.objects.get(
            pk=choice.version_id, product_id=thread.product_id
        )
        fields.append("version")
    elif choice.choice == FIXED:
        Thread.objects.filter(pk=thread.pk).update(fixed_for_count=F("fixed_for_count") + 1)
        page_cache.thread_changed(thread.pk, brand_id=thread.brand_id)
        if follow_up.answer_id:
            _fixed_for_me_reputation(follow_up)
    follow_up.outcome, follow_up.responded_at = choice.choice, now
    follow_up.save(update_fields=fields)
    return Outcome(follow_up=follow_up, choice=choice.choice)


def _fixed_for_me_reputation(follow_up: FollowUp) -> None:
    from reputation import services as reputation

    reputation.reputation_event(
        member=follow_up.answer.author_id,
        brand=follow_up.thread.brand_id,
        reason="fixed_for_me",
        source_key=reputation.fixed_for_me_key(
            answer_id=follow_up.answer_id, member_id=follow_up.user_id
        ),
    )
