"""Brand roles: what a person is inside one brand. Powers never leak across brands.

Every brand power is checked against an active membership at the moment it is used, so a
revoked rep loses everything at once. `check_*` raise PermissionDenied with a sentence that
says why (and, for someone who works for another brand, that brand powers stay inside
their own brand); `can_*` are the same rules as booleans for templates.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from community.permissions import require_participation

if TYPE_CHECKING:
    from qa.models import Answer, Thread

    from .models import Brand, Endorsement, ThreadOwnership

ADMIN, REP, PRODUCT = "admin", "rep", "product"
SPEAKING = frozenset({ADMIN, REP})


def _roles_by_brand(user: Any) -> dict[int, frozenset[str]]:
    """Every active brand role of the person, one query per request."""
    cached = getattr(user, "_sodan_brand_roles", None)
    if cached is None:
        from .models import Membership

        roles: dict[int, set[str]] = {}
        for brand_id, role in (
            Membership.objects.active().filter(user=user).values_list("brand_id", "role")
        ):
            roles.setdefault(brand_id, set()).add(role)
        cached = {brand_id: frozenset(r) for brand_id, r in roles.items()}
        user._sodan_brand_roles = cached
    return cached


def remember_brand_role(user: Any, brand_id: int, role: str | None) -> None:
    """Record the viewer's role in one brand, read by a query the page made anyway.

    The thread page loads the viewer's membership in the thread's brand with the thread
    itself (brands.selectors.threads_with_ownership), so customers pay no extra query for
    "is this person a rep here?".
    """
    if not getattr(user, "is_authenticated", False):
        return
    hints = user.__dict__.setdefault("_sodan_brand_role_hints", {})
    hints[brand_id] = frozenset({role}) if role else frozenset()


def remember_brand_roles(user: Any, roles: dict[int, frozenset[str]]) -> None:
    """Record every active brand role of the person, read by a query the page made anyway
    (qa.selectors: a thread page's facts about its reader)."""
    user._sodan_brand_roles = dict(roles)


def forget_brand_roles(user: Any) -> None:
    """Drop what this request remembered, after a membership of this person changed."""
    for attribute in ("_sodan_brand_roles", "_sodan_brand_role_hints"):
        user.__dict__.pop(attribute, None)


def brand_roles(user: Any, brand: Brand) -> frozenset[str]:
    """The person's roles in this brand (admin, rep, product); empty for everyone else."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    if getattr(user, "_sodan_brand_roles", None) is None:
        hints = getattr(user, "_sodan_brand_role_hints", {})
        if brand.pk in hints:
            return hints[brand.pk]
    return _roles_by_brand(user).get(brand.pk, frozenset())


def is_rep(user: Any, brand: Brand) -> bool:
    """Speaks for the brand in public: a rep or an admin."""
    return bool(brand_roles(user, brand) & SPEAKING)


def is_brand_admin(user: Any, brand: Brand) -> bool:
    return ADMIN in brand_roles(user, brand)


def is_brand_member(user: Any, brand: Brand) -> bool:
    """Any role: admin, rep or product team."""
    return bool(brand_roles(user, brand))


def _is_staff(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.is_staff)


def _other_brands_sentence(user: Any, brand: Brand) -> str:
    """For someone who works for other brands: why their powers don't reach this one."""
    if not getattr(user, "is_authenticated", False):
        return ""
    others = [brand_id for brand_id in _roles_by_brand(user) if brand_id != brand.pk]
    if not others:
        return ""
    from .models import Brand

    names = ", ".join(Brand.objects.filter(pk__in=others).values_list("name", flat=True))
    return " " + _(
        "You work for %(others)s, not for %(brand)s: brand powers stay inside your own brand."
    ) % {"others": names, "brand": brand.name}


def _refuse(sentence: str, user: Any, brand: Brand) -> PermissionDenied:
    return PermissionDenied(sentence + _other_brands_sentence(user, brand))


def _require_rep(user: Any, brand: Brand, sentence: str) -> None:
    require_participation(user)
    if not is_rep(user, brand):
        raise _refuse(sentence, user, brand)


# --- Starting and claiming communities --------------------------------------------------


def check_can_start_brand(user: Any) -> None:
    require_participation(user)


def check_can_claim(user: Any, brand: Brand) -> None:
    require_participation(user)
    if brand.is_official:
        raise PermissionDenied(
            _(
                "%(brand)s is already official. If you work there, ask one of its admins to "
                "invite you to the team."
            )
            % {"brand": brand.name}
        )
    if any(brand_id != brand.pk for brand_id in _roles_by_brand(user)):
        raise _refuse(
            _("A claim for %(brand)s must come from someone at that company.")
            % {"brand": brand.name},
            user,
            brand,
        )


def check_can_decide_claims(user: Any) -> None:
    if not _is_staff(user):
        raise PermissionDenied(_("Only Sodan staff approve or reject claims."))


# --- The team -------------------------------------------------------------------------


def check_can_manage_team(user: Any, brand: Brand) -> None:
    """Invite, change roles, revoke, set the response target."""
    if _is_staff(user):
        return
    require_participation(user)
    if not is_brand_admin(user, brand):
        raise _refuse(
            _("Only %(brand)s's admins manage its team and settings.") % {"brand": brand.name},
            user,
            brand,
        )


def can_manage_team(user: Any, brand: Brand) -> bool:
    return _allowed(check_can_manage_team, user, brand)


# --- Threads ------------------------------------------------------------------------------


def check_can_take(user: Any, thread: Thread) -> None:
    _require_rep(
        user,
        thread.brand,
        _("Only %(brand)s's reps and admins can take ownership of its threads.")
        % {"brand": thread.brand.name},
    )
    if thread.visibility != "published" or thread.duplicate_of_id:
        raise PermissionDenied(_("Only a published thread that is not a duplicate can be owned."))


def check_can_release(user: Any, thread: Thread, ownership: ThreadOwnership | None) -> None:
    """Release or hand over: the owner, a brand admin, or staff."""
    if _is_staff(user):
        return
    brand = thread.brand
    _require_rep(
        user,
        brand,
        _("Only %(brand)s's reps and admins can release or hand over its threads.")
        % {"brand": brand.name},
    )
    if ownership is None or ownership.owner_id == user.pk or is_brand_admin(user, brand):
        return
    raise PermissionDenied(
        _("%(owner)s owns this thread: only they or a brand admin can release or hand it over.")
        % {"owner": ownership.owner.public_name}
    )


def check_can_set_thread_version(user: Any, thread: Thread) -> None:
    _require_rep(
        user,
        thread.brand,
        _("Only %(brand)s's reps and admins can say which version a thread is about.")
        % {"brand": thread.brand.name},
    )


# --- Endorsements and versions ----------------------------------------------------------


def check_can_endorse(user: Any, answer: Answer) -> None:
    brand = answer.thread.brand
    _require_rep(
        user,
        brand,
        _("Only %(brand)s's reps and admins can endorse answers in its community.")
        % {"brand": brand.name},
    )
    if answer.visibility != "published":
        raise PermissionDenied(_("Only a published answer can be endorsed."))
    if answer.is_official or answer.author_id == user.pk:
        raise PermissionDenied(
            _("Official answers already speak for %(brand)s; endorse a customer's answer.")
            % {"brand": brand.name}
        )


def check_can_manage_endorsement(user: Any, endorsement: Endorsement) -> None:
    """Withdraw or confirm again: the brand's reps and admins."""
    brand = endorsement.brand
    _require_rep(
        user,
        brand,
        _("Only %(brand)s's reps and admins can change its endorsements.") % {"brand": brand.name},
    )


def check_can_publish_version(user: Any, brand: Brand) -> None:
    if _is_staff(user):
        return
    _require_rep(
        user,
        brand,
        _("Only %(brand)s's reps and admins can publish its releases.") % {"brand": brand.name},
    )


def can_publish_version(user: Any, brand: Brand) -> bool:
    return _allowed(check_can_publish_version, user, brand)


# --- The rep inbox and customer cards ----------------------------------------------------


def _require_member_or_staff(user: Any, brand: Brand, sentence: str) -> None:
    if _is_staff(user):
        return
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied(sentence)
    if not is_brand_member(user, brand):
        raise _refuse(sentence, user, brand)


def check_can_read_inbox(user: Any, brand: Brand) -> None:
    _require_member_or_staff(
        user,
        brand,
        _("The inbox is for %(brand)s's team: its reps, admins and product team.")
        % {"brand": brand.name},
    )


def check_can_read_customer_card(user: Any, brand: Brand) -> None:
    _require_member_or_staff(
        user,
        brand,
        _(
            "Customer cards are private to %(brand)s's reps, admins and product team; "
            "customers and other brands never see them."
        )
        % {"brand": brand.name},
    )


def check_can_read_reports(user: Any, brand: Brand) -> None:
    """The reports page (waits, per-rep handling, the response target): the team, or staff.
    The sentence is the one this page gave when it sat among feedback's pages."""
    _require_member_or_staff(
        user,
        brand,
        _(
            "The feedback board is private to %(brand)s's team: its reps, admins and product "
            "team. Customers see the team's answer on their threads."
        )
        % {"brand": brand.name},
    )


def check_can_write_customer_note(user: Any, brand: Brand) -> None:
    _require_rep(
        user,
        brand,
        _("Only %(brand)s's reps and admins write hand-over notes.") % {"brand": brand.name},
    )


def can_write_customer_note(user: Any, brand: Brand) -> bool:
    return _allowed(check_can_write_customer_note, user, brand)


def check_can_read_audit_log(user: Any) -> None:
    if not _is_staff(user):
        raise PermissionDenied(_("Only Sodan staff read the audit log."))


def _allowed(check, *args: Any) -> bool:
    try:
        check(*args)
    except PermissionDenied:
        return False
    return True


def can_take(user: Any, thread: Thread) -> bool:
    return _allowed(check_can_take, user, thread)


def can_release(user: Any, thread: Thread, ownership: ThreadOwnership | None) -> bool:
    return ownership is not None and _allowed(check_can_release, user, thread, ownership)


def can_endorse(user: Any, answer: Answer) -> bool:
    return _allowed(check_can_endorse, user, answer)
