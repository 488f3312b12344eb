"""Reads that span brands and Q&A, each loading its relations so templates never query.

The rep inbox, the customer card and the thread page's brand panel run a fixed number of
queries whatever the number of threads, answers or notes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.core.cache import cache
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from qa.models import Answer, Thread, Visibility

from . import domains, permissions
from .models import (
    Brand,
    CustomerNote,
    DepartmentRequest,
    Endorsement,
    Invitation,
    Membership,
    OwnershipEvent,
    Product,
    ProductVersion,
    ThreadOwnership,
)

INBOX_TABS = ("unowned", "mine", "awaiting", "silent", "solved")
RECENTLY_SOLVED = timedelta(days=30)
NAVIGATION_CACHE_SECONDS = 300


# --- Starting a community -----------------------------------------------------------------


def near_duplicate_brands(*, name: str, domain: str) -> list[Brand]:
    """Brands whose name is the same once case, spaces and punctuation are ignored, or
    whose website is on the same registrable domain.

    Starting a community is rare, so the names are compared in Python; the domain
    candidates are narrowed in the database first.
    """
    found: dict[int, Brand] = {}
    key = domains.name_key(name)
    if key:
        for brand in Brand.objects.only("pk", "name", "slug", "domain", "status"):
            if domains.name_key(brand.name) == key:
                found[brand.pk] = brand
    registrable = domains.registrable_domain(domain)
    if registrable:
        for brand in Brand.objects.filter(domain__iendswith=registrable):
            if domains.registrable_domain(brand.domain) == registrable:
                found[brand.pk] = brand
    return sorted(found.values(), key=lambda brand: brand.name.lower())


# --- Ownership on threads ---------------------------------------------------------------


def threads_with_ownership(threads: QuerySet[Thread], *, viewer: Any) -> QuerySet[Thread]:
    """Load each thread's owner with it and, for a signed-in viewer, their role in the
    thread's brand: the thread page then knows who is on it and whether the viewer works
    there without another query."""
    threads = threads.select_related("ownership__owner")
    if getattr(viewer, "is_authenticated", False):
        role = Membership.objects.active().filter(user=viewer, brand=OuterRef("brand"))
        threads = threads.annotate(viewer_brand_role=Subquery(role.values("role")[:1]))
    return threads


def remember_viewer_role(viewer: Any, thread: Thread) -> None:
    """Pass the role loaded by threads_with_ownership to the permission checks."""
    if hasattr(thread, "viewer_brand_role"):
        permissions.remember_brand_role(viewer, thread.brand_id, thread.viewer_brand_role)


def current_ownership(thread: Thread) -> ThreadOwnership | None:
    """The thread's owner for its current brand (a row left by a move doesn't count)."""
    try:
        ownership = thread.ownership
    except ObjectDoesNotExist:
        return None
    if ownership is None or ownership.brand_id != thread.brand_id:
        return None
    return ownership


def _official_response() -> Exists:
    """An official answer, or an answer the brand endorsed, is an official response."""
    return Exists(
        Answer.objects.filter(thread=OuterRef("pk"), visibility=Visibility.PUBLISHED).filter(
            Q(is_official=True) | Q(endorsed_at__isnull=False)
        )
    )


def _owned_by(brand: Brand) -> Exists:
    return Exists(ThreadOwnership.objects.filter(thread=OuterRef("pk"), brand=brand))


def awaiting_official_response(brand: Brand) -> QuerySet[Thread]:
    """Open threads measured against the response target that have no official response:
    listed, not solved or locked, started since the brand went official."""
    return (
        Thread.objects.for_brand(brand)
        .listed()
        .exclude(status=Thread.Status.SOLVED)
        .filter(locked_at__isnull=True, created_at__gte=brand.responses_counted_since)
        .annotate(has_official_response=_official_response())
        .filter(has_official_response=False)
    )


def due_at(thread: Thread, brand: Brand) -> datetime | None:
    """When the first official response is (or was) due; None if the target doesn't apply."""
    if (
        getattr(thread, "has_official_response", True)
        or thread.status == Thread.Status.SOLVED
        or thread.locked_at
        or thread.created_at < brand.responses_counted_since
    ):
        return None
    return thread.created_at + timedelta(hours=brand.response_target_hours)


# --- The thread page's brand panel ------------------------------------------------------


@dataclass
class ThreadPanel:
    """What the thread page shows of the brand, and what the viewer may do there."""

    ownership: ThreadOwnership | None
    is_member: bool = False
    can_take: bool = False
    can_release: bool = False
    can_set_version: bool = False
    can_endorse: bool = False
    hand_over_to: tuple = ()
    versions: tuple = ()


def thread_panel(*, thread: Thread, answers: list[Answer], user: Any) -> dict:
    """Context for the thread page: ownership, endorsement details, brand tools.

    Everyone: no query unless an answer is endorsed (then one, for its version details).
    The brand's own people: two more (the team, the product's releases).
    """
    brand = thread.brand
    ownership = current_ownership(thread)
    endorsed = [answer.pk for answer in answers if answer.endorsed_at]
    endorsements: dict[int, Endorsement] = {}
    if endorsed:
        endorsements = {
            endorsement.answer_id: endorsement
            for endorsement in Endorsement.objects.active()
            .filter(answer_id__in=endorsed)
            .select_related("version", "outdated_for", "rep", "brand")
        }
    for answer in answers:
        answer.endorsement = endorsements.get(answer.pk)
        answer.viewer_can_endorse = False

    panel = ThreadPanel(ownership=ownership)
    roles = permissions.brand_roles(user, brand)
    panel.is_member = bool(roles)
    # Only the brand's people and staff go further: a customer's page asks nothing more.
    if not roles and not getattr(user, "is_staff", False):
        return {"brand_panel": panel}
    panel.can_release = permissions.can_release(user, thread, ownership)
    speaking = bool(roles & permissions.SPEAKING) and permissions.can_take(user, thread)
    if speaking or panel.can_release:
        team = list(
            Membership.objects.active()
            .for_brand(brand)
            .filter(user__is_active=True)
            .select_related("user")
            .order_by("user__username")
        )
        member_ids = {membership.user_id for membership in team}
        panel.hand_over_to = tuple(
            membership.user
            for membership in team
            if membership.role in permissions.SPEAKING
            and (ownership is None or membership.user_id != ownership.owner_id)
        )
    if speaking:
        panel.can_take = ownership is None
        panel.can_set_version = True
        panel.can_endorse = True
        if thread.product_id:
            panel.versions = tuple(
                ProductVersion.objects.filter(product_id=thread.product_id).released()
            )
        for answer in answers:
            answer.viewer_can_endorse = (
                answer.endorsement is None
                and answer.visibility == Visibility.PUBLISHED
                and not answer.is_official
                and answer.author_id not in member_ids
            )
    return {"brand_panel": panel}


# --- The rep inbox ------------------------------------------------------------------------


def _inbox_base(brand: Brand, *, product_slug: str, type: str) -> QuerySet[Thread]:
    threads = Thread.objects.for_brand(brand).listed()
    if product_slug:
        threads = threads.filter(product__slug=product_slug)
    if type:
        threads = threads.filter(type=type)
    return threads.annotate(owned=_owned_by(brand), has_official_response=_official_response())


def _tab_filters(brand: Brand, user: Any, now: datetime) -> dict[str, Q]:
    open_ = ~Q(status=Thread.Status.SOLVED)
    return {
        "unowned": open_ & Q(owned=False),
        "mine": Q(ownership__owner=user, ownership__brand=brand),
        "awaiting": open_
        & Q(
            locked_at__isnull=True,
            created_at__gte=brand.responses_counted_since,
            has_official_response=False,
        ),
        # The asker left the "is it solved?" follow-up unanswered (follows/): never
        # accepted for them, so someone of the brand looks.
        "silent": open_ & Q(follow_up_silent_at__isnull=False),
        "solved": Q(status=Thread.Status.SOLVED, last_activity_at__gte=now - RECENTLY_SOLVED),
    }


TAB_ORDER = {
    "unowned": ("created_at", "id"),
    "mine": ("-last_activity_at", "-id"),
    "awaiting": ("created_at", "id"),
    "silent": ("follow_up_silent_at", "id"),
    "solved": ("-last_activity_at", "-id"),
}


def inbox_threads(
    *,
    brand: Brand,
    user: Any,
    tab: str,
    product_slug: str = "",
    type: str = "",
    now: datetime | None = None,
) -> QuerySet[Thread]:
    """One tab of the inbox: oldest first where someone is waiting, newest otherwise."""
    now = now or timezone.now()
    tab = tab if tab in INBOX_TABS else "unowned"
    return (
        _inbox_base(brand, product_slug=product_slug, type=type)
        .filter(_tab_filters(brand, user, now)[tab])
        .select_related("author", "product", "ownership__owner")
        .order_by(*TAB_ORDER[tab])
    )


def inbox_counts(
    *, brand: Brand, user: Any, product_slug: str = "", type: str = "", now: datetime | None = None
) -> dict[str, int]:
    """How many threads each tab holds, in one query."""
    now = now or timezone.now()
    filters = _tab_filters(brand, user, now)
    return _inbox_base(brand, product_slug=product_slug, type=type).aggregate(
        **{tab: Count("pk", filter=filters[tab]) for tab in INBOX_TABS}
    )


def mark_due(threads: list[Thread], *, brand: Brand, now: datetime | None = None) -> list[Thread]:
    """Give each row its due time, whether it is overdue, and its current owner."""
    now = now or timezone.now()
    for thread in threads:
        thread.due_at = due_at(thread, brand)
        thread.is_overdue = thread.due_at is not None and thread.due_at <= now
        thread.current_ownership = current_ownership(thread)
    return threads


# --- Customer card ----------------------------------------------------------------------


def customer_card(*, brand: Brand, customer: Any) -> dict:
    """The customer's history in this brand and the team's private notes: four queries."""
    threads = list(
        Thread.objects.for_brand(brand)
        .listed()
        .filter(author=customer)
        .select_related("product", "ownership__owner")
        .annotate(has_official_response=_official_response())
        .order_by("-created_at", "-id")[:50]
    )
    answers = list(
        Answer.objects.visible()
        .filter(author=customer, thread__brand=brand, thread__visibility=Visibility.PUBLISHED)
        .select_related("thread")
        .order_by("-created_at", "-id")[:50]
    )
    owners: dict[int, list[Any]] = {}
    events = (
        OwnershipEvent.objects.filter(
            thread__in=[thread.pk for thread in threads],
            brand=brand,
            action__in=[OwnershipEvent.Action.TAKE, OwnershipEvent.Action.HAND_OVER],
            owner__isnull=False,
        )
        .select_related("owner")
        .order_by("created_at", "id")
    )
    for event in events if threads else ():
        names = owners.setdefault(event.thread_id, [])
        if event.owner not in names:
            names.append(event.owner)
    for thread in threads:
        thread.current_ownership = current_ownership(thread)
        thread.owners = owners.get(thread.pk, [])
    notes = list(
        CustomerNote.objects.for_brand(brand)
        .filter(customer=customer)
        .select_related("author", "thread")
        .order_by("-created_at", "-id")[:100]
    )
    return {"threads": threads, "answers": answers, "notes": notes}


# --- Team, versions, claims -----------------------------------------------------------------


def team(*, brand: Brand, now: datetime | None = None) -> dict:
    members = list(
        Membership.objects.active()
        .for_brand(brand)
        .select_related("user", "department")
        .order_by("role", "user__username")
    )
    invitations = list(
        Invitation.objects.for_brand(brand).pending(now).select_related("invited_by", "department")
    )
    return {"members": members, "invitations": invitations}


def product_releases(*, product: Product) -> dict:
    versions = list(ProductVersion.objects.filter(product=product))
    outdated = list(
        Endorsement.objects.outdated()
        .filter(version__product=product)
        .select_related("answer__thread", "answer__author", "version", "outdated_for", "rep")
        .order_by("created_at", "id")
    )
    return {"versions": versions, "outdated": outdated}


def navigation_brands(user: Any) -> list[dict[str, str]]:
    """The brands whose inbox to link in the header, cached for a few minutes so ordinary
    pages pay no query for it (or none at all when the page loaded the viewer's facts
    already: community/viewer_facts.py). The inbox itself checks the membership live."""
    if not getattr(user, "is_authenticated", False):
        return []
    from community import memo
    from community.viewer_facts import SOURCES

    if memo.known(user, permissions.TEAMS):
        return list(memo.peek(user, permissions.TEAMS))

    def load() -> list[dict[str, str]]:
        return list(SOURCES[permissions.TEAMS].recall(user))

    return cache.get_or_set(navigation_cache_key(user.pk), load, NAVIGATION_CACHE_SECONDS)


def navigation_cache_key(user_id: int) -> str:
    return f"sodan:brand-nav:{user_id}"


# --- Requests to other departments --------------------------------------------------------


def department_requests(
    *, brand: Brand, department_id: int | None = None, status: str = ""
) -> QuerySet[DepartmentRequest]:
    """A department's list (or every department's): open first by due date."""
    requests = DepartmentRequest.objects.for_brand(brand).with_relations()
    if department_id:
        requests = requests.filter(department_id=department_id)
    if status in DepartmentRequest.Status.values:
        requests = requests.filter(status=status)
    return requests.order_by("status", "due_on", "id")


def department_request_counts(*, brand: Brand) -> dict[tuple[int, str], int]:
    """(department id, status) → how many, in one query."""
    rows = (
        DepartmentRequest.objects.for_brand(brand)
        .order_by()
        .values_list("department_id", "status")
        .annotate(n=Count("pk"))
    )
    return {(department_id, status): n for department_id, status, n in rows}


def requests_about(*, thread: Any = None, case: Any = None) -> list[DepartmentRequest]:
    """The requests of a thread (with its cases') or of one case, for the team's history."""
    requests = DepartmentRequest.objects.select_related("department", "requested_by", "answered_by")
    requests = requests.filter(case=case) if case is not None else requests.filter(thread=thread)
    return list(requests.order_by("created_at", "id"))
