"""Who moderates what. A moderator is global or scoped to brands, and never moderates a
brand they speak for (neutrality: a brand cannot bury criticism of itself)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from brands.permissions import brand_roles
from community import memo
from community.mfa import powers_wait
from community.permissions import require_participation
from community.viewer_facts import SOURCES

if TYPE_CHECKING:
    from brands.models import Brand
    from qa.models import Answer, Thread

    from .models import Appeal, AuditLogEntry, CrisisAlert, CrisisKeyword, Verification


APPOINTMENTS = "moderation.appointments"
BRAND_PEOPLE = "moderation.brand_people"


def appointments_of(brand_ids: list[int | None]) -> tuple[bool, frozenset[int]]:
    """(is global moderator, brand ids moderated) from the appointments' brand ids (none
    for a global appointment)."""
    return None in brand_ids, frozenset(b for b in brand_ids if b is not None)


def _appointments(user: Any) -> tuple[bool, frozenset[int]]:
    """(is global moderator, brand ids moderated), one query per request (moderation/facts.py);
    none while the moderator's second factor is missing (community/mfa.py)."""
    is_global, brand_ids = SOURCES[APPOINTMENTS].recall(user)
    if (is_global or brand_ids) and powers_wait(user):
        return False, frozenset()
    return is_global, brand_ids


def is_moderator(user: Any) -> bool:
    """Moderates somewhere (used to show the moderator's tools)."""
    if not getattr(user, "is_authenticated", False):
        return False
    is_global, brand_ids = _appointments(user)
    return user.is_staff or is_global or bool(brand_ids)


def moderates(user: Any, brand: Brand) -> bool:
    """May act as a neutral moderator on this brand's posts."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_staff:
        return True
    is_global, brand_ids = _appointments(user)
    if not (is_global or brand.pk in brand_ids):
        return False
    return not brand_roles(user, brand)


def _brand_people_ids(brand: Brand) -> frozenset[int]:
    """Everyone with an active role in the brand; one query per brand object (a page's
    answers share their thread's brand)."""

    def load() -> frozenset[int]:
        from brands.models import Membership

        return frozenset(
            Membership.objects.active().filter(brand_id=brand.pk).values_list("user_id", flat=True)
        )

    return memo.recall(brand, BRAND_PEOPLE, load)


def edit_refusal(user: Any, brand: Brand, *, author_id: int, official: bool) -> str | None:
    """Why this moderator of the brand may not edit this post of someone else's; None if
    they may. A moderator appointed for the brand edits its customers' posts, but what the
    brand's own people wrote (its reps, admins and product team, and its official answers)
    only global moderators and staff may change: the brand's word is not the brand
    moderator's to rewrite. Callers have checked `moderates` first."""
    if is_global_moderator(user):
        return None
    if official or author_id in _brand_people_ids(brand):
        return _(
            "This was written by %(brand)s's team: only global moderators and staff can edit it."
        ) % {"brand": brand.name}
    return None


def moderation_refusal(user: Any, brand: Brand) -> str | None:
    """Why this person may not moderate this brand's posts; None if they may."""
    if moderates(user, brand):
        return None
    if not getattr(user, "is_authenticated", False):
        return _("Only moderators can do that. Log in if you are one.")
    if brand_roles(user, brand):
        return _(
            "You work for %(brand)s, so you can't moderate its customers' posts: removals "
            "belong to neutral moderators."
        ) % {"brand": brand.name}
    if is_moderator(user):
        return _("You moderate other brands, not %(brand)s.") % {"brand": brand.name}
    return _("Only moderators can do that.")


def check_can_moderate(user: Any, brand: Brand) -> None:
    reason = moderation_refusal(user, brand)
    if reason:
        raise PermissionDenied(reason)


def check_can_moderate_each(user: Any, posts: Iterable[tuple[str, Brand]]) -> None:
    """One decision on many posts (the queue's batch): the moderator must moderate every
    post's brand, or nothing is done and the refusal names the post. `posts` pairs each
    post's name with its brand."""
    for named, brand in posts:
        refusal = moderation_refusal(user, brand)
        if refusal:
            raise PermissionDenied(
                _("Nothing was done: %(post)s: %(refusal)s") % {"post": named, "refusal": refusal}
            )


def check_can_moderate_member_posts(user: Any, brands: Iterable[Brand]) -> None:
    """Hiding a member's posts with their ban: the moderator must moderate every brand the
    member posted in, or nothing is done and the refusal names the brand."""
    for brand in brands:
        refusal = moderation_refusal(user, brand)
        if refusal:
            raise PermissionDenied(
                _("Nothing was done: the member posted in %(brand)s: %(refusal)s")
                % {"brand": brand.name, "refusal": refusal}
            )


def is_global_moderator(user: Any) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.is_staff or _appointments(user)[0]


def check_can_sanction(user: Any) -> None:
    if not is_global_moderator(user):
        raise PermissionDenied(_("Only global moderators and staff can suspend or ban members."))


def check_can_manage_keywords(user: Any, brand: Brand | None) -> None:
    if getattr(user, "is_staff", False):
        return
    if brand is not None and "admin" in brand_roles(user, brand):
        return
    if brand is None:
        raise PermissionDenied(_("Only staff keep the global crisis keywords."))
    raise PermissionDenied(
        _("Only %(brand)s's admins and staff keep its crisis keywords.") % {"brand": brand.name}
    )


def check_can_set_first_post_hold(user: Any, brand: Brand) -> None:
    """Whether new members' first posts wait for review is the brand's admins' choice (or
    staff's); the review itself stays with neutral moderators."""
    if getattr(user, "is_staff", False) or "admin" in brand_roles(user, brand):
        return
    raise PermissionDenied(
        _("Only %(brand)s's admins and staff choose whether first posts wait for review.")
        % {"brand": brand.name}
    )


def is_moderator_for_navigation(user: Any) -> bool:
    """Whether to show the Moderation link, answered from the cache for five minutes so
    ordinary pages pay no query for it. Moderation pages check `is_moderator` live."""
    from django.core.cache import cache

    if user.is_staff:
        return True
    if memo.known(user, APPOINTMENTS):
        return is_moderator(user)
    return cache.get_or_set(f"sodan:moderator-link:{user.pk}", lambda: is_moderator(user), 300)


# --- Flags, appeals, verification and sanctions: the rules the services enforce ------------


def check_can_flag(user: Any, post: Thread | Answer) -> None:
    """Anyone who may take part flags someone else's post; their own they edit."""
    require_participation(user)
    if post.author_id == user.pk:
        raise PermissionDenied(_("You can't flag your own post; edit it instead."))


def check_flaggable(post: Thread | Answer) -> None:
    """A post that is hidden or deleted is already with the moderators."""
    if post.visibility != "published":
        raise PermissionDenied(_("This post is already under review."))


def appealed_once() -> PermissionDenied:
    """The refusal of a second appeal: also raised by the service when two appeals arrive
    at once and the database keeps only the first."""
    return PermissionDenied(_("You have already appealed this removal; a post is appealed once."))


def check_can_appeal(user: Any, post: Thread | Answer) -> AuditLogEntry:
    """The author of a removed post appeals its removal, once. Returns the removal."""
    from qa.models import Thread

    from .models import Appeal
    from .services.appeals import removal_of

    if not getattr(user, "is_authenticated", False) or post.author_id != user.pk:
        raise PermissionDenied(_("Only the author of a removed post can appeal."))
    removal = removal_of(post)
    if removal is None:
        raise PermissionDenied(_("This post has not been removed, so there is nothing to appeal."))
    kind = "thread" if isinstance(post, Thread) else "answer"
    if Appeal.objects.filter(**{kind: post}).exists():
        raise appealed_once()
    return removal


def check_can_decide_appeal(user: Any, appeal: Appeal, brand: Brand) -> None:
    """A neutral moderator of the post's brand who did not remove the post."""
    check_can_moderate(user, brand)
    if appeal.removal.actor_id == user.pk:
        raise PermissionDenied(
            _("You removed this post, so a different moderator must decide the appeal.")
        )


def check_can_verify(user: Any, answer: Answer) -> None:
    """A neutral moderator of the brand states that someone else's published answer is
    accurate."""
    check_can_moderate(user, answer.thread.brand)
    if answer.author_id == user.pk:
        raise PermissionDenied(_("You can't verify your own answer; another moderator must."))
    if answer.visibility != "published":
        raise PermissionDenied(_("Only a published answer can be verified."))


def check_can_sanction_member(user: Any, member: Any) -> None:
    """Global moderators and staff suspend or ban members: not themselves, not staff."""
    check_can_sanction(user)
    if member.pk == user.pk:
        raise PermissionDenied(_("You can't sanction yourself."))
    if member.is_staff:
        raise PermissionDenied(_("Staff accounts can't be sanctioned here."))


def check_can_see_queue(user: Any) -> None:
    """The review queue, re-checks and appeals lists: anyone who moderates somewhere."""
    if not is_moderator(user):
        raise PermissionDenied(_("Only moderators can see the review queue."))


def can_see_queue(user: Any) -> bool:
    return is_moderator(user)


# --- Access: fetch what the viewer may reach, or refuse --------------------------------------
# In Zulip's manner (brands.permissions.access_brand): 404 for what does not exist, 403 with
# the reason for what the viewer may not do. Moderation reaches hidden and deleted posts too.


def access_post(viewer: Any, kind: str, pk: int) -> Thread | Answer:
    """A thread or an answer by kind and id, whatever its visibility (flagging, moderating
    and appealing each check their own rule on it): 404 if there is none, 403 for a kind
    that is neither."""
    from django.shortcuts import get_object_or_404

    from qa.models import Answer, Thread

    if kind == "thread":
        return get_object_or_404(Thread.objects.select_related("brand", "author"), pk=pk)
    if kind == "answer":
        return get_object_or_404(Answer.objects.select_related("thread__brand", "author"), pk=pk)
    raise PermissionDenied(_("Unknown kind of post."))


def access_post_to_moderate(viewer: Any, kind: str, pk: int) -> Thread | Answer:
    """A post for its brand's neutral moderators (403 with the reason for anyone else)."""
    post = access_post(viewer, kind, pk)
    check_can_moderate(viewer, post.brand if kind == "thread" else post.thread.brand)
    return post


def access_answer_to_verify(viewer: Any, pk: int) -> Answer:
    """A published answer (404 otherwise) for its brand's neutral moderators (403)."""
    from django.shortcuts import get_object_or_404

    from qa.models import Answer

    answer = get_object_or_404(
        Answer.objects.select_related("thread__brand", "author"), pk=pk, visibility="published"
    )
    check_can_moderate(viewer, answer.thread.brand)
    return answer


def access_verification(viewer: Any, pk: int) -> Verification:
    """A verification (404 otherwise); declining it is checked by the service."""
    from django.shortcuts import get_object_or_404

    from .models import Verification

    return get_object_or_404(Verification.objects.select_related("answer__thread__brand"), pk=pk)


def access_appeal(viewer: Any, pk: int) -> Appeal:
    """An appeal (404 otherwise); deciding it is checked by the service."""
    from django.shortcuts import get_object_or_404

    from .models import Appeal

    return get_object_or_404(Appeal, pk=pk)


def access_member_to_sanction(viewer: Any, username: str) -> Any:
    """A member (404 otherwise) for global moderators and staff (403)."""
    from django.shortcuts import get_object_or_404

    from community.models import User

    member = get_object_or_404(User, username=username)
    check_can_sanction(viewer)
    return member


def access_keywords(viewer: Any, brand_slug: str = "") -> Brand | None:
    """The brand whose crisis keywords the viewer keeps (404 for an unknown slug), or None
    for the global list; 403 unless they may keep them."""
    from brands.permissions import access_brand

    brand = access_brand(viewer, brand_slug) if brand_slug else None
    check_can_manage_keywords(viewer, brand)
    return brand


def access_keyword(viewer: Any, brand: Brand | None, pk: int | str) -> CrisisKeyword:
    """One keyword of that list (404 for another list's)."""
    from django.shortcuts import get_object_or_404

    from .models import CrisisKeyword

    check_can_manage_keywords(viewer, brand)
    return get_object_or_404(CrisisKeyword, pk=pk, brand=brand)


# --- Crisis alerts --------------------------------------------------------------------------


def crisis_alert_refusal(user: Any, brand: Brand) -> str:
    """Why this person may not see and acknowledge the brand's crisis alerts; empty if
    they may: the brand's team (admins, reps, product), its neutral moderators and staff."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return _("Sign in as a member of the brand's team or a moderator.")
    if user.is_staff or brand_roles(user, brand) or moderates(user, brand):
        return ""
    return _("Only %(brand)s's team and its moderators see and acknowledge its crisis alerts.") % {
        "brand": brand.name
    }


def check_can_acknowledge_crisis(user: Any, brand: Brand) -> None:
    reason = crisis_alert_refusal(user, brand)
    if reason:
        raise PermissionDenied(reason)


def can_acknowledge_crisis(user: Any, brand: Brand) -> bool:
    return not crisis_alert_refusal(user, brand)


def access_crisis_alerts(viewer: Any, brand_slug: str) -> Brand:
    """The brand whose crisis alerts the viewer sees (404 for an unknown slug; 403 unless
    they may acknowledge them)."""
    from brands.permissions import access_brand

    brand = access_brand(viewer, brand_slug)
    check_can_acknowledge_crisis(viewer, brand)
    return brand


def access_crisis_alert(viewer: Any, brand: Brand, pk: int | str) -> CrisisAlert:
    """One alert of that brand (404 for another brand's)."""
    from django.shortcuts import get_object_or_404

    from .models import CrisisAlert

    check_can_acknowledge_crisis(viewer, brand)
    return get_object_or_404(CrisisAlert, pk=pk, brand=brand)
