"""Loads the demo community from `content` into the database, and removes it again.

Every post, answer, vote, me-too and acceptance goes through qa.services, the same code
the site runs, so counters, revisions, subscriptions, reputation and notifications come
out exactly as real use would leave them. Only timestamps are rewritten afterwards with
queryset updates: the services stamp "now", and a demo where everything happened in
the same second looks dead.

The timeline is planned before anything is written, from a fixed seed, so two loads
produce the same community (apart from the dates, which follow today's date).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth.hashers import make_password
from django.db.models import Count, Q
from django.utils import timezone

from brands.models import Brand, Membership, Product
from community.models import Notification, User
from moderation.models import ModeratorAppointment
from qa import services
from qa.models import (
    Answer,
    HelpfulVote,
    MeToo,
    Revision,
    Thread,
    ThreadSubscription,
    Visibility,
)
from reputation import services as reputation

from . import content
from .content import AnswerSpec, Person, ThreadSpec
from .feedback import load_feedback
from .moderation import delete_moderation, load_moderation
from .ownership import load_ownership
from .themes import load_themes

SEED = 2026
HISTORY_DAYS = 90
# Notifications older than this are shown as read, so the bell holds a few fresh ones.
UNREAD_WITHIN = timedelta(days=3)

Report = Callable[[str], None]


def _usernames() -> list[str]:
    return [person.username for person in content.PEOPLE]


def _brand_slugs() -> list[str]:
    return [brand.slug for brand in content.BRANDS]


def demo_is_loaded() -> bool:
    """The demo customer is the marker: it exists only if a load committed."""
    return User.objects.filter(username=content.CUSTOMER.username).exists()


def conflicts(*, reset: bool) -> list[str]:
    """Rows that would clash with the demo and that loading must not overwrite.

    With `reset`, demo users and brands are about to be deleted, so only rows that merely
    share an e-mail address with a demo account (somebody else's) are in the way.
    """
    found: list[str] = []
    emails = [person.email for person in content.PEOPLE]
    taken = (
        EmailAddress.objects.filter(email__in=emails)
        .exclude(user__username__in=_usernames())
        .values_list("email", flat=True)
    )
    found += [f"e-mail address {email} (another account)" for email in taken]
    taken = (
        User.objects.filter(email__in=emails)
        .exclude(username__in=_usernames())
        .values_list("email", flat=True)
    )
    found += [f"e-mail address {email} (another account)" for email in taken]
    if not reset:
        names = User.objects.filter(username__in=_usernames()).values_list("username", flat=True)
        found += [f"user {name}" for name in names]
        slugs = Brand.objects.filter(slug__in=_brand_slugs()).values_list("slug", flat=True)
        found += [f"brand {slug}" for slug in slugs]
    return sorted(set(found))


# --- Removal ----------------------------------------------------------------------------


def delete_demo_content() -> dict[str, int]:
    """Delete the demo people, the demo brands and every thread in or by them.

    What demo people did on other people's threads (answers, votes, me-toos) goes too,
    and the counters and reputation those touched are put right, so a reset leaves the
    rest of the site as if the demo had never been there.
    """
    users = User.objects.filter(username__in=_usernames())
    brands = Brand.objects.filter(slug__in=_brand_slugs())
    doomed = Thread.objects.filter(Q(brand__in=brands) | Q(author__in=users))
    doomed_ids = list(doomed.values_list("pk", flat=True))

    stray_answers = Answer.objects.filter(author__in=users).exclude(thread_id__in=doomed_ids)
    stray_votes = HelpfulVote.objects.filter(user__in=users).exclude(
        answer__thread_id__in=doomed_ids
    )
    stray_me_toos = MeToo.objects.filter(user__in=users).exclude(thread_id__in=doomed_ids)
    touched_threads = set(stray_answers.values_list("thread_id", flat=True)) | set(
        stray_me_toos.values_list("thread_id", flat=True)
    )
    touched_answers = set(
        stray_votes.exclude(answer__author__in=users).values_list("answer_id", flat=True)
    )
    touched_brands = set(
        doomed.exclude(brand__in=brands).values_list("brand_id", flat=True).distinct()
    )
    # Their votes on others' answers earned reputation there: taken back with the votes.
    lost_votes = list(
        stray_votes.exclude(answer__author__in=users).values_list("answer_id", "user_id")
    )

    removed = {
        "threads": len(doomed_ids),
        "users": users.count(),
        "brands": brands.count(),
    }
    delete_moderation(users=users, brands=brands, threads=doomed)
    doomed.delete()
    stray_answers.delete()
    # Revisions are PROTECTed against losing their editor; edits the demo people made
    # to other people's posts go with them.
    Revision.objects.filter(editor__in=users).delete()
    users.delete()
    brands.delete()

    for answer_id, voter_id in lost_votes:
        reputation.reputation_event_reverse(
            source_key=reputation.vote_key(answer_id=answer_id, voter_id=voter_id)
        )
    for answer in Answer.objects.filter(pk__in=touched_answers):
        Answer.objects.filter(pk=answer.pk).update(helpful_count=answer.helpful_votes.count())
    for thread in Thread.objects.filter(pk__in=touched_threads):
        answer_count = thread.answers.filter(visibility=Visibility.PUBLISHED).count()
        if thread.accepted_answer_id:
            status = Thread.Status.SOLVED
        else:
            status = Thread.Status.ANSWERED if answer_count else Thread.Status.OPEN
        Thread.objects.filter(pk=thread.pk).update(
            answer_count=answer_count, me_too_count=thread.me_toos.count(), status=status
        )
    for brand in Brand.objects.filter(pk__in=touched_brands):
        Brand.objects.filter(pk=brand.pk).update(thread_count=brand.threads.visible().count())
    return removed


# --- Planning ---------------------------------------------------------------------------


@dataclass
class AnswerPlan:
    spec: AnswerSpec
    at: datetime
    edited_at: datetime | None = None
    accepted_at: datetime | None = None
    voters: list[tuple[str, datetime]] = field(default_factory=list)
    answer: Answer | None = None


@dataclass
class ThreadPlan:
    spec: ThreadSpec
    created_at: datetime
    answers: list[AnswerPlan] = field(default_factory=list)
    me_toos: list[tuple[str, str, str, datetime]] = field(default_factory=list)
    edited_at: datetime | None = None
    thread: Thread | None = None

    @property
    def last_activity_at(self) -> datetime:
        moments = [self.created_at]
        for plan in self.answers:
            moments.append(plan.at)
            if plan.accepted_at:
                moments.append(plan.accepted_at)
        return max(moments)


def _later(rng: random.Random, start: datetime, low: float, high: float, now: datetime) -> datetime:
    """A moment `low`..`high` hours after `start`, squeezed in before `now` if need be."""
    ceiling = now - timedelta(minutes=2)
    when = start + timedelta(hours=rng.uniform(low, high))
    if when >= ceiling:
        when = start + (ceiling - start) * rng.uniform(0.3, 0.9)
    return when


def _answer_times(
    rng: random.Random, created: datetime, count: int, now: datetime
) -> list[datetime]:
    """Answers trickle in over hours and days; a young thread gets them squeezed in."""
    offsets: list[float] = []
    hours = 0.0
    for index in range(count):
        hours += rng.uniform(0.3, 16) if index == 0 else rng.uniform(1.5, 36)
        offsets.append(hours)
    room = (now - created).total_seconds() / 3600 * 0.9
    if offsets and offsets[-1] > room:
        offsets = [offset * room / offsets[-1] for offset in offsets]
    return [created + timedelta(hours=offset) for offset in offsets]


def _voters(
    rng: random.Random, spec: AnswerSpec, asker: str, official: frozenset[str]
) -> list[str]:
    """A few people from the audience, never the answer's author; the asker often."""
    pool = [name for name in content.AUDIENCE if name != spec.author]
    rng.shuffle(pool)
    if asker in pool and rng.random() < 0.6:
        pool.remove(asker)
        pool.insert(0, asker)
    if spec.votes is not None:
        wanted = spec.votes
    else:
        wanted = rng.choice((0, 1, 1, 2, 2, 3))
        wanted += 2 if spec.accepted else 0
        wanted += 1 if spec.author in official else 0
    return pool[: min(wanted, len(pool))]


def plan_threads(rng: random.Random, now: datetime) -> list[ThreadPlan]:
    """Decide when everything happens and who votes and presses me too."""
    official = frozenset({content.REP.username, content.BRAND_ADMIN.username})
    plans: list[ThreadPlan] = []
    for spec in content.THREADS:
        days = spec.days_ago if spec.days_ago is not None else rng.uniform(4, HISTORY_DAYS)
        created = now - timedelta(days=days, minutes=rng.uniform(0, 50))
        plan = ThreadPlan(spec=spec, created_at=created)
        times = _answer_times(rng, created, len(spec.answers), now)
        for answer_spec, at in zip(spec.answers, times, strict=True):
            answer_plan = AnswerPlan(spec=answer_spec, at=at)
            if answer_spec.edited_body:
                answer_plan.edited_at = _later(rng, at, 6, 72, now)
            if answer_spec.accepted:
                answer_plan.accepted_at = _later(rng, at, 1, 30, now)
            answer_plan.voters = [
                (name, _later(rng, at, 0.2, 96, now))
                for name in _voters(rng, answer_spec, spec.author, official)
            ]
            plan.answers.append(answer_plan)
        if spec.edited_body:
            plan.edited_at = _later(rng, plan.last_activity_at, 1, 12, now)
        pool = [name for name in content.AUDIENCE if name != spec.author]
        chosen = [name for name in spec.me_too_from if name in pool]
        others = [name for name in pool if name not in chosen]
        rng.shuffle(others)
        chosen += others[: max(0, spec.me_too - len(chosen))]
        for name in chosen:
            version, platform = "", ""
            if spec.cohorts and rng.random() < 0.7:
                version, platform = rng.choice(spec.cohorts)
            plan.me_toos.append((name, version, platform, _later(rng, created, 0.5, 480, now)))
        plans.append(plan)
    return plans


# --- Loading ----------------------------------------------------------------------------


@dataclass
class LoadSummary:
    now: datetime
    counts: dict[str, int] = field(default_factory=dict)


def _first_activity(plans: list[ThreadPlan]) -> dict[str, datetime]:
    first: dict[str, datetime] = {}

    def seen(name: str, when: datetime) -> None:
        if name not in first or when < first[name]:
            first[name] = when

    for plan in plans:
        seen(plan.spec.author, plan.created_at)
        for answer_plan in plan.answers:
            seen(answer_plan.spec.author, answer_plan.at)
            for name, when in answer_plan.voters:
                seen(name, when)
        for name, _version, _platform, when in plan.me_toos:
            seen(name, when)
    return first


def _create_people(
    rng: random.Random, now: datetime, first_activity: dict[str, datetime]
) -> dict[str, User]:
    """Accounts with verified primary addresses, so every one of them may take part.

    The password is hashed once and shared: hashing it sixteen times would only make the
    load slower, and these accounts' password is printed on screen anyway.
    """
    password = make_password(content.DEMO_PASSWORD)
    users: dict[str, User] = {}
    for person in content.PEOPLE:
        start = first_activity.get(person.username, now - timedelta(days=HISTORY_DAYS))
        user = User.objects.create(
            username=person.username,
            email=person.email,
            password=password,
            display_name=person.display_name,
            language=person.language,
            bio=person.bio,
            is_staff=person.is_staff,
            is_superuser=person.is_staff,
            date_joined=start - timedelta(days=rng.uniform(20, 300)),
        )
        EmailAddress.objects.create(user=user, email=person.email, verified=True, primary=True)
        users[person.username] = user
    return users


def _create_brands(rng: random.Random, now: datetime) -> dict[str, Brand]:
    brands: dict[str, Brand] = {}
    for spec in content.BRANDS:
        brand = Brand.objects.create(
            name=spec.name,
            slug=spec.slug,
            domain=spec.domain,
            description=spec.description,
            accent_colour=spec.accent_colour,
            status=Brand.Status.OFFICIAL if spec.official else Brand.Status.COMMUNITY,
        )
        founded = now - timedelta(days=rng.uniform(420, 540))
        Brand.objects.filter(pk=brand.pk).update(created_at=founded)
        for name, slug in spec.products:
            Product.objects.create(brand=brand, name=name, slug=slug)
        brands[spec.slug] = brand
    return brands


def _appoint(users: dict[str, User], brands: dict[str, Brand], now: datetime) -> None:
    """The official brand's rep and admin, and one global moderator appointed by staff."""
    official = brands[content.OFFICIAL_BRAND.slug]
    roles = (
        (content.BRAND_ADMIN, Membership.Role.ADMIN, 400),
        (content.REP, Membership.Role.REP, 380),
    )
    for person, role, days in roles:
        membership = Membership.objects.create(
            brand=official, user=users[person.username], role=role
        )
        Membership.objects.filter(pk=membership.pk).update(created_at=now - timedelta(days=days))
    for person in (content.REP, content.BRAND_ADMIN, content.MODERATOR, content.STAFF):
        # Their powers need a second factor (community/mfa.py): one known secret, printed.
        TOTP.activate(users[person.username], content.DEMO_TOTP_SECRET)
    appointment = ModeratorAppointment.objects.create(
        user=users[content.MODERATOR.username],
        brand=None,
        appointed_by=users[content.STAFF.username],
    )
    ModeratorAppointment.objects.filter(pk=appointment.pk).update(
        created_at=now - timedelta(days=300)
    )


def _write_thread(plan: ThreadPlan, users: dict[str, User], brand: Brand) -> None:
    """Create the thread and everything that happened on it, through the services."""
    spec = plan.spec
    asker = users[spec.author]
    product = brand.products.get(slug=spec.product) if spec.product else None
    thread = services.thread_create(
        author=asker,
        brand=brand,
        title=spec.title,
        body=spec.body,
        type=spec.type,
        product=product,
    )
    plan.thread = thread
    for answer_plan in plan.answers:
        author = users[answer_plan.spec.author]
        answer = services.answer_create(author=author, thread=thread, body=answer_plan.spec.body)
        if answer_plan.spec.edited_body:
            answer = services.answer_edit(
                actor=author, answer=answer, body=answer_plan.spec.edited_body
            )
        answer_plan.answer = answer
    for name, version, platform, _when in plan.me_toos:
        services.thread_me_too_toggle(
            user=users[name], thread=thread, version=version, platform=platform
        )
    for answer_plan in plan.answers:
        for name, _when in answer_plan.voters:
            services.answer_vote_toggle(user=users[name], answer=answer_plan.answer)
    for answer_plan in plan.answers:
        if answer_plan.spec.accepted:
            services.answer_accept(actor=asker, answer=answer_plan.answer)
    if spec.edited_body:
        services.thread_edit(actor=asker, thread=thread, title=spec.title, body=spec.edited_body)


def _backdate_thread(plan: ThreadPlan, users: dict[str, User]) -> None:
    """Move the thread's rows from "now" to the planned moments."""
    thread = plan.thread
    Thread.objects.filter(pk=thread.pk).update(
        created_at=plan.created_at,
        last_activity_at=plan.last_activity_at,
        edited_at=plan.edited_at,
    )
    Revision.objects.filter(thread=thread, number=1).update(created_at=plan.created_at)
    if plan.edited_at:
        Revision.objects.filter(thread=thread, number__gt=1).update(created_at=plan.edited_at)
    joined = {users[plan.spec.author].pk: plan.created_at}
    for answer_plan in plan.answers:
        answer = answer_plan.answer
        Answer.objects.filter(pk=answer.pk).update(
            created_at=answer_plan.at,
            edited_at=answer_plan.edited_at,
            accepted_at=answer_plan.accepted_at,
        )
        Revision.objects.filter(answer=answer, number=1).update(created_at=answer_plan.at)
        if answer_plan.edited_at:
            Revision.objects.filter(answer=answer, number__gt=1).update(
                created_at=answer_plan.edited_at
            )
        for name, when in answer_plan.voters:
            HelpfulVote.objects.filter(answer=answer, user=users[name]).update(created_at=when)
        author_id = users[answer_plan.spec.author].pk
        joined[author_id] = min(joined.get(author_id, answer_plan.at), answer_plan.at)
    for name, _version, _platform, when in plan.me_toos:
        MeToo.objects.filter(thread=thread, user=users[name]).update(created_at=when)
        user_id = users[name].pk
        joined[user_id] = min(joined.get(user_id, when), when)
    for user_id, when in joined.items():
        ThreadSubscription.objects.filter(thread=thread, user_id=user_id).update(created_at=when)


def load_demo_content(*, report: Report) -> LoadSummary:
    """Create the demo community. Call inside a transaction; see `age_notifications`."""
    rng = random.Random(SEED)  # noqa: S311 - a repeatable demo, not a secret
    now = timezone.now()
    plans = plan_threads(rng, now)
    users = _create_people(rng, now, _first_activity(plans))
    report(f"  {len(users)} accounts, every e-mail address verified")
    brands = _create_brands(rng, now)
    _appoint(users, brands, now)

    by_brand: dict[str, list[ThreadPlan]] = {}
    for plan in plans:
        by_brand.setdefault(plan.spec.brand, []).append(plan)
    for brand_spec in content.BRANDS:
        brand = brands[brand_spec.slug]
        brand_plans = sorted(by_brand.get(brand_spec.slug, []), key=lambda p: p.created_at)
        for plan in brand_plans:
            _write_thread(plan, users, brand)
            _backdate_thread(plan, users)
        answers = sum(len(plan.answers) for plan in brand_plans)
        kind = "official" if brand_spec.official else "community"
        report(
            f"  {brand_spec.name:<16} {kind:<9}  {len(brand_spec.products)} products, "
            f"{len(brand_plans):>2} threads, {answers:>2} answers"
        )
    load_moderation(users=users, brands=brands, report=report)
    load_ownership(users=users, brands=brands, now=now, report=report)
    load_feedback(users=users, brands=brands, now=now, report=report)
    load_themes(users=users, brands=brands, report=report)
    return LoadSummary(now=now, counts=demo_counts())


def age_notifications(now: datetime) -> int:
    """Date notifications like the answers they announce; mark the older ones read.

    Run after the load has committed: the services queue notifications with on_commit,
    so (with Celery running tasks eagerly) they exist only then. With a real broker a
    worker creates them later, and they simply keep their own dates.
    """
    rng = random.Random(SEED)  # noqa: S311 - a repeatable demo, not a secret
    notifications = list(
        Notification.objects.filter(thread__brand__slug__in=_brand_slugs())
        .select_related("answer")
        .order_by("pk")
    )
    for notification in notifications:
        answer = notification.answer
        if answer is None:
            continue
        happened = answer.created_at
        if notification.kind == Notification.Kind.ANSWER_ACCEPTED and answer.accepted_at:
            happened = answer.accepted_at
        created = min(happened + timedelta(minutes=rng.uniform(0.5, 3)), now)
        notification.created_at = created
        if notification.emailed_at:
            notification.emailed_at = created
        if created < now - UNREAD_WITHIN:
            notification.read_at = _later(rng, created, 0.5, 30, now)
    Notification.objects.bulk_update(notifications, ["created_at", "emailed_at", "read_at"])
    return len(notifications)


def demo_counts() -> dict[str, int]:
    """What the demo holds, for the summary printed after a load."""
    threads = Thread.objects.filter(brand__slug__in=_brand_slugs())
    answers = Answer.objects.filter(thread__in=threads)
    counts: dict[str, int] = {
        "brands": Brand.objects.filter(slug__in=_brand_slugs()).count(),
        "products": Product.objects.filter(brand__slug__in=_brand_slugs()).count(),
        "accounts": User.objects.filter(username__in=_usernames()).count(),
        "threads": threads.count(),
        "answers": answers.count(),
        "accepted answers": answers.filter(accepted_at__isnull=False).count(),
        "unanswered threads": threads.filter(answer_count=0).count(),
        "helpful votes": HelpfulVote.objects.filter(answer__in=answers).count(),
        "me-toos": MeToo.objects.filter(thread__in=threads).count(),
        "edited posts": threads.filter(revision_count__gt=1).count()
        + answers.filter(revision_count__gt=1).count(),
    }
    for row in threads.values("type").annotate(n=Count("pk")).order_by("type"):
        counts[f"threads: {row['type']}"] = row["n"]
    return counts


def unread_notifications(username: str) -> int:
    return Notification.objects.filter(recipient__username=username, read_at__isnull=True).count()


def credentials() -> list[Person]:
    """The accounts worth logging in as, in the order the table shows them."""
    return list(content.KEY_ACCOUNTS)
