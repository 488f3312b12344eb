"""Generate the benchmark's community: a fixed seed, bulk inserts, counters true to the rows.

Rows are planned in Python and written in large batches (COPY on PostgreSQL, bulk_create
elsewhere) inside one transaction, with ids chosen here so that threads, answers, votes
and revisions can point at each other without a round trip. Every denormalised counter is
computed from the rows written beside it: Thread.answer_count and me_too_count,
Answer.helpful_count, Brand.thread_count, User.reputation (10 per helpful vote received,
15 per accepted answer), and a thread's status and accepted answer agree. Markdown is
rendered once per distinct body (bench.corpus) and reused.

The services are not used on purpose: a million rows through them would take hours, and
the services' own behaviour is what the tests and the load measure.
"""

from __future__ import annotations

import bisect
import itertools
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.models import Count, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.text import slugify
from tqdm import tqdm

from brands.models import Brand, Membership, Product
from community.models import User
from qa.models import Answer, HelpfulVote, MeToo, Revision, Thread, ThreadSubscription
from qa.rendering import render_markdown, render_plain_excerpt

from . import corpus

SEED = 2026
PASSWORD = "bench-password-2026"  # noqa: S105 - the benchmark's own accounts, on its own database
EMAIL_DOMAIN = "bench.example"
REPUTATION_HELPFUL_VOTE = 10  # as qa.services
REPUTATION_ACCEPTED = 15
HISTORY_DAYS = 730


@dataclass(frozen=True)
class Tier:
    name: str
    brands: int
    threads: int
    answers: int
    users: int
    hot_threads: int = 5
    hot_answers: tuple[int, int] = (100, 300)
    votes_per_answer: float = 10.0
    bodies_per_kind: int = 12


TIERS = {
    # A few hundred threads (one of them hot): proves a change to the benchmark in seconds.
    "XS": Tier("XS", brands=3, threads=400, answers=1_500, users=300, hot_threads=1),
    "S": Tier("S", brands=10, threads=10_000, answers=30_000, users=5_000, hot_threads=5),
    "M": Tier("M", brands=100, threads=100_000, answers=300_000, users=50_000, hot_threads=20),
}


class Rows:
    """Buffered inserts of one model's rows, given as tuples in `names` order."""

    def __init__(self, model: type[models.Model], names: Sequence[str], batch: int = 20_000):
        self.model = model
        self.names = tuple(names)
        self.batch = batch
        self.buffer: list[tuple] = []
        self.written = 0
        fields = {f.attname: f for f in model._meta.concrete_fields}
        unknown = set(self.names) - set(fields)
        if unknown:
            raise ValueError(f"{model.__name__} has no column {sorted(unknown)}")
        now = timezone.now()
        constants: dict[str, Any] = {}
        for attname, field in fields.items():
            if attname in self.names:
                continue
            value = field.get_default()
            if value is None and not field.null:
                if not isinstance(field, models.DateTimeField):
                    raise ValueError(f"{model.__name__}.{attname} needs a value")
                value = now
            constants[attname] = value
        self.columns = self.names + tuple(constants)
        self.constants = tuple(constants.values())

    def add(self, *values: Any) -> None:
        self.buffer.append(values)
        if len(self.buffer) >= self.batch:
            self.flush()

    def flush(self) -> None:
        if not self.buffer:
            return
        if connection.vendor == "postgresql":
            table = connection.ops.quote_name(self.model._meta.db_table)
            columns = ", ".join(connection.ops.quote_name(c) for c in self.columns)
            with (
                connection.cursor() as cursor,
                cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
            ):
                for row in self.buffer:
                    copy.write_row(row + self.constants)
        else:
            # bulk_create stamps auto_now_add fields with "now": fine for the small tiers the
            # tests generate on SQLite; the benchmark itself runs on PostgreSQL.
            self.model.objects.bulk_create(
                [
                    self.model(**dict(zip(self.columns, row + self.constants, strict=True)))
                    for row in self.buffer
                ],
                batch_size=2000,
            )
        self.written += len(self.buffer)
        self.buffer = []


def _next_id(model: type[models.Model]) -> int:
    return (model.objects.aggregate(m=models.Max("pk"))["m"] or 0) + 1


def _zipf_cum_weights(n: int, s: float) -> list[float]:
    return list(itertools.accumulate(1.0 / (rank**s) for rank in range(1, n + 1)))


def _pick(rng: random.Random, cum: list[float]) -> int:
    return bisect.bisect(cum, rng.random() * cum[-1])


@dataclass
class _Body:
    source: str
    html: str
    excerpt: str


class _Bodies:
    """A pool of Markdown bodies per (category, language, kind), each rendered once."""

    def __init__(self, rng: random.Random, per_kind: int) -> None:
        self.pool: dict[tuple[str, bool, str], list[_Body]] = {}
        rendered: dict[str, _Body] = {}
        for category in corpus.CATEGORIES:
            for ja in (False, True):
                for kind in (*Thread.Type.values, "answer"):
                    bodies = []
                    for _ in range(per_kind * (3 if kind == "answer" else 1)):
                        if kind == "answer":
                            text = corpus.answer_body(rng, category, ja)
                        else:
                            text = corpus.question_body(rng, category, kind, ja)
                        if text not in rendered:
                            rendered[text] = _Body(
                                text, render_markdown(text), render_plain_excerpt(text)
                            )
                        bodies.append(rendered[text])
                    self.pool[(category.key, ja, kind)] = bodies
        self.distinct = len(rendered)

    def pick(self, rng: random.Random, category: str, ja: bool, kind: str) -> _Body:
        return rng.choice(self.pool[(category, ja, kind)])


def holds_tier(tier: Tier) -> bool:
    """The database already holds this tier's community (for --reuse-data)."""
    return (
        Brand.objects.count() == tier.brands
        and User.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}").count() == tier.users
        and Thread.objects.count() >= tier.threads
        and Answer.objects.count() >= tier.answers
    )


def _users(rng: random.Random, tier: Tier, now: datetime) -> tuple[int, list[bool]]:
    """Write the members (verified e-mail, one known password); return first id, languages."""
    password = make_password(PASSWORD)  # hashed once: the slow hasher, not a million times
    first = _next_id(User)
    email_id = _next_id(EmailAddress)
    users = Rows(
        User,
        ("id", "username", "email", "display_name", "language", "password", "date_joined"),
    )
    emails = Rows(EmailAddress, ("id", "user_id", "email", "verified", "primary"))
    japanese: list[bool] = []
    for n in tqdm(range(tier.users), desc="members", unit="member", leave=False):
        ja = rng.random() < 0.4
        username = f"{rng.choice(corpus.HANDLE_WORDS)}{n}"
        email = f"{username}@{EMAIL_DOMAIN}"
        given = rng.choice(corpus.GIVEN_JA if ja else corpus.GIVEN_EN)
        display = given if ja else f"{given} {chr(65 + rng.randrange(26))}."
        joined = now - timedelta(days=7 + rng.random() * (HISTORY_DAYS + 300))
        users.add(first + n, username, email, display, "ja" if ja else "", password, joined)
        emails.add(email_id + n, first + n, email, True, True)
        japanese.append(ja)
    users.flush()
    emails.flush()
    return first, japanese


@dataclass
class _Brand:
    id: int
    category: corpus.Category
    official: bool
    japanese_share: float
    products: list[tuple[int, str]]
    reps: list[int]


def _brands(rng: random.Random, tier: Tier, first_user: int, now: datetime) -> list[_Brand]:
    names = [
        f"{word} {corpus.BRAND_SUFFIX[category.key]}"
        for word in corpus.BRAND_WORDS
        for category in corpus.CATEGORIES
    ]
    rng.shuffle(names)
    by_suffix = {v: k for k, v in corpus.BRAND_SUFFIX.items()}
    categories = {c.key: c for c in corpus.CATEGORIES}
    brand_id, product_id, member_id = _next_id(Brand), _next_id(Product), _next_id(Membership)
    brand_rows = Rows(
        Brand, ("id", "name", "slug", "domain", "description", "status", "created_at")
    )
    product_rows = Rows(Product, ("id", "brand_id", "name", "slug"))
    members = Rows(Membership, ("id", "brand_id", "user_id", "role", "created_at"))
    made: list[_Brand] = []
    for n in range(tier.brands):
        name = names[n % len(names)] + ("" if n < len(names) else f" {n // len(names) + 1}")
        category = categories[by_suffix[name.split()[1]]]
        slug = slugify(name)
        official = rng.random() < 0.4
        brand_rows.add(
            brand_id + n,
            name,
            slug,
            f"{slug}.example",
            f"Customers of {name} helping each other: questions, problems, ideas and praise.",
            "official" if official else "community",
            now - timedelta(days=HISTORY_DAYS + 30),
        )
        products = []
        for p, product in enumerate(rng.sample(category.products, k=rng.randint(3, 4))):
            products.append((product_id, product))
            product_rows.add(product_id, brand_id + n, product, slugify(product) or f"p{p}")
            product_id += 1
        reps = []
        if official:
            for _ in range(2):
                rep = first_user + rng.randrange(tier.users)
                if rep not in reps:
                    reps.append(rep)
                    members.add(member_id, brand_id + n, rep, "rep", now - timedelta(days=60))
                    member_id += 1
        made.append(_Brand(brand_id + n, category, official, rng.uniform(0.1, 0.8), products, reps))
    for rows in (brand_rows, product_rows, members):
        rows.flush()
    return made


def _answer_counts(rng: random.Random, tier: Tier) -> list[int]:
    """Answers per thread: a few hot threads with 100+, a long tail, some unanswered.

    The first hot thread has the most answers a hot thread gets (300): "thread page, not
    cached, hot thread" measures it in every tier."""
    counts = [0] * tier.threads
    hot = rng.sample(range(tier.threads), k=min(tier.hot_threads, tier.threads))
    budget = tier.answers
    for n, index in enumerate(hot):
        drawn = rng.randint(*tier.hot_answers)
        counts[index] = min(tier.hot_answers[1] if n == 0 else drawn, max(0, budget))
        budget -= counts[index]
    rest = [i for i in range(tier.threads) if counts[i] == 0 and rng.random() > 0.12]
    if budget > 0 and rest:
        weights = list(itertools.accumulate(0.3 + rng.expovariate(1.0) for _ in rest))
        for choice in rng.choices(rest, cum_weights=weights, k=budget):
            counts[choice] += 1
    return counts


def generate(tier: Tier, *, seed: int = SEED, progress: bool = True) -> dict[str, Any]:
    """Write the tier's community into the (migrated, empty) database; return the counts."""
    if User.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}").exists():
        raise RuntimeError("This database already holds benchmark data: start from a fresh one.")
    started = time.perf_counter()
    rng = random.Random(seed)  # noqa: S311 - a repeatable data set, not a secret
    now = timezone.now()
    bodies = _Bodies(rng, tier.bodies_per_kind)
    with transaction.atomic():
        _skip_row_triggers()
        first_user, user_japanese = _users(rng, tier, now)
        brands = _brands(rng, tier, first_user, now)
        counts = _write_threads(rng, tier, now, first_user, user_japanese, brands, bodies, progress)
        _reputation_from_rows(first_user)
        if connection.vendor == "postgresql":
            models_with_ids = [
                User, EmailAddress, Brand, Product, Membership, Thread, Answer, HelpfulVote,
                MeToo, ThreadSubscription, Revision,
            ]  # fmt: skip
            with connection.cursor() as cursor:
                for sql in connection.ops.sequence_reset_sql(no_style(), models_with_ids):
                    cursor.execute(sql)
    counts["distinct_bodies"] = bodies.distinct
    counts["rows_seconds"] = round(time.perf_counter() - started, 1)
    return counts


def _skip_row_triggers() -> None:
    """Skip the per-row foreign key checks of the bulk load (PostgreSQL, superuser only).

    Django's foreign keys are checked at commit, one trigger per row: millions of votes
    made the commit alone take minutes. Every id here is chosen by this module and points
    at a row written in the same transaction, so the checks would find nothing.
    """
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        if cursor.fetchone()[0]:
            cursor.execute("SET LOCAL session_replication_role = replica")


def _write_threads(
    rng: random.Random,
    tier: Tier,
    now: datetime,
    first_user: int,
    user_japanese: list[bool],
    brands: list[_Brand],
    bodies: _Bodies,
    progress: bool,
) -> dict[str, Any]:
    author_cum = _zipf_cum_weights(tier.users, 0.8)  # a few very active members
    brand_cum = _zipf_cum_weights(len(brands), 0.9)  # a few big brands, a long tail
    answer_counts = _answer_counts(rng, tier)
    ages = sorted((rng.random() ** 2 * HISTORY_DAYS for _ in range(tier.threads)), reverse=True)
    thread_id, answer_id = _next_id(Thread), _next_id(Answer)
    vote_id, me_too_id = _next_id(HelpfulVote), _next_id(MeToo)
    sub_id, revision_id = _next_id(ThreadSubscription), _next_id(Revision)
    threads = Rows(
        Thread,
        (
            "id", "brand_id", "product_id", "author_id", "type", "title", "slug", "body",
            "body_html", "excerpt", "status", "accepted_answer_id", "answer_count",
            "me_too_count", "created_at", "last_activity_at",
        ),
    )  # fmt: skip
    answers = Rows(
        Answer,
        (
            "id", "thread_id", "author_id", "body", "body_html", "helpful_count", "accepted_at",
            "accepted_by_id", "is_official", "created_at",
        ),
    )  # fmt: skip
    votes = Rows(HelpfulVote, ("id", "answer_id", "user_id", "created_at"), batch=100_000)
    me_toos = Rows(MeToo, ("id", "thread_id", "user_id", "created_at"))
    subscriptions = Rows(ThreadSubscription, ("id", "thread_id", "user_id", "created_at"))
    revisions = Rows(
        Revision,
        ("id", "thread_id", "answer_id", "number", "title", "body", "body_html", "editor_id",
         "created_at"),
    )  # fmt: skip
    brand_threads = [0] * len(brands)
    slugs: dict[str, str] = {}
    kinds, kind_weights = list(Thread.Type.values), [55, 30, 10, 5]
    latest = now - timedelta(minutes=1)
    for index in tqdm(
        range(tier.threads), desc="threads", unit="thread", disable=not progress, mininterval=1
    ):
        b = _pick(rng, brand_cum)
        brand = brands[b]
        brand_threads[b] += 1
        author_idx = _pick(rng, author_cum)
        author = first_user + author_idx
        ja = rng.random() < (brand.japanese_share + (0.3 if user_japanese[author_idx] else 0))
        kind = rng.choices(kinds, weights=kind_weights)[0]
        product = rng.choice(brand.products) if rng.random() < 0.75 else None
        title = corpus.thread_title(
            rng, brand.category, kind, product[1] if product else brand.category.noun_en, ja
        )
        if ja and not product:
            title = title.replace(brand.category.noun_en, brand.category.noun_ja)
        slug = slugs.get(title) or slugs.setdefault(
            title, slugify(title, allow_unicode=True)[:200] or "thread"
        )
        body = bodies.pick(rng, brand.category.key, ja, kind)
        created = now - timedelta(days=ages[index], seconds=rng.randrange(86_400))
        tid = thread_id + index
        subscribers = {author}
        # Answers, oldest first, each with its helpful votes.
        n_answers = answer_counts[index]
        times = sorted(
            min(created + timedelta(hours=rng.expovariate(1 / 30)), latest)
            for _ in range(n_answers)
        )
        planned = []
        for when in times:
            if brand.reps and rng.random() < 0.05:
                who, official = rng.choice(brand.reps), True
            else:
                who, official = first_user + _pick(rng, author_cum), False
                if who == author and rng.random() > 0.05:
                    who = first_user + rng.randrange(tier.users)
            k = min(round(rng.expovariate(1 / tier.votes_per_answer)), tier.users - 1)
            voters = [first_user + v for v in rng.sample(range(tier.users), k=k + 1)]
            voters = [v for v in voters if v != who][:k]
            planned.append([answer_id, who, when, voters, official])
            answer_id += 1
        accepted = None
        if planned and kind in ("question", "problem") and rng.random() < 0.4:
            accepted = max(planned, key=lambda a: len(a[3]))
        for aid, who, when, voters, official in planned:
            a_body = bodies.pick(rng, brand.category.key, ja, "answer")
            is_accepted = accepted is not None and accepted[0] == aid
            accepted_at = min(when + timedelta(hours=rng.uniform(1, 48)), latest)
            answers.add(
                aid, tid, who, a_body.source, a_body.html, len(voters),
                accepted_at if is_accepted else None, author if is_accepted else None,
                official, when,
            )  # fmt: skip
            revisions.add(revision_id, None, aid, 1, "", a_body.source, a_body.html, who, when)
            revision_id += 1
            for voter in voters:
                votes.add(vote_id, aid, voter, min(when + timedelta(hours=rng.random() * 96), now))
                vote_id += 1
            subscribers.add(who)
        # Me too: problems and questions draw them, a few draw hundreds.
        me_too = 0
        wanted = 0
        if kind in ("problem", "question"):
            wanted = min(int(rng.paretovariate(1.2)) - 1, 300, tier.users - 1)
        if wanted:
            for user in rng.sample(range(tier.users), k=wanted + 1):
                uid = first_user + user
                if uid == author or me_too == wanted:
                    continue
                me_toos.add(me_too_id, tid, uid, created + timedelta(hours=rng.uniform(1, 200)))
                me_too_id += 1
                me_too += 1
                subscribers.add(uid)
        for user in sorted(subscribers):
            subscriptions.add(sub_id, tid, user, created)
            sub_id += 1
        status = "open"
        if accepted is not None:
            status = "solved"
        elif planned:
            status = "answered"
        last = max([created, *times, *([accepted_at] if accepted else [])])
        threads.add(
            tid, brand.id, product[0] if product else None, author, kind, title, slug,
            body.source, body.html, body.excerpt, status, accepted[0] if accepted else None,
            len(planned), me_too, created, last,
        )  # fmt: skip
        revisions.add(revision_id, tid, None, 1, title, body.source, body.html, author, created)
        revision_id += 1
    for rows in (threads, answers, votes, me_toos, subscriptions, revisions):
        rows.flush()
    for brand, count in zip(brands, brand_threads, strict=True):
        Brand.objects.filter(pk=brand.id).update(thread_count=count)
    return {
        "brands": len(brands),
        "threads": threads.written,
        "answers": answers.written,
        "helpful_votes": votes.written,
        "me_toos": me_toos.written,
        "subscriptions": subscriptions.written,
        "revisions": revisions.written,
        "users": tier.users,
    }


def _reputation_from_rows(first_user: int) -> None:
    """10 per helpful vote received and 15 per accepted answer, as qa.services keeps it."""
    received = (
        Answer.objects.filter(author=OuterRef("pk"))
        .values("author")
        .annotate(
            rep=Sum("helpful_count") * REPUTATION_HELPFUL_VOTE
            + Count("pk", filter=Q(accepted_at__isnull=False)) * REPUTATION_ACCEPTED
        )
        .values("rep")
    )
    User.objects.filter(pk__gte=first_user).update(
        reputation=Coalesce(Subquery(received), Value(0))
    )


def index_for_search(*, progress: bool = True) -> float:
    """Build the search index of every thread, as `manage.py search_reindex` does."""
    from search import services as search_services

    started = time.perf_counter()
    with tqdm(
        total=Thread.objects.count(), desc="search index", unit="thread", disable=not progress
    ) as bar:
        search_services.reindex(batch_size=1000, resume=False, progress=bar.update)
    return time.perf_counter() - started


def vacuum_analyze() -> None:
    """What autovacuum would do after a bulk load: visibility map and planner statistics."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
