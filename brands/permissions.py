"""Brand roles: what a person is inside one brand. Powers never leak across brands.

Every brand power is checked against an active membership at the moment it is used, so a
revoked rep loses everything at once. `check_*` raise PermissionDenied with a sentence that
says why (and, for someone who works for another brand, that brand powers stay inside
their own brand); `can_*` are the same rules as booleans for templates.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from community import memo
from community.mfa import powers_wait
from community.permissions import allowed as _allowed
from community.permissions import require_participation
from community.viewer_facts import SOURCES

if TYPE_CHECKING:
    from qa.models import Answer, Thread

    from .models import (
        Brand,
        BrandClaim,
        CannedReply,
        Department,
        DepartmentRequest,
        Endorsement,
        Invitation,
        Membership,
        OfficialDraft,
        Product,
        ThreadOwnership,
    )

ADMIN, REP, PRODUCT = "admin", "rep", "product"
SPEAKING = frozenset({ADMIN, REP})


ROLES = "brands.roles"
ROLE_HINTS = "brands.role_hints"
TEAMS = "brands.teams"


def _roles_by_brand(user: Any) -> dict[int, frozenset[str]]:
    """Every active brand role of the person, one query per request (brands/facts.py)."""
    return SOURCES[ROLES].recall(user)


def remember_brand_role(user: Any, brand_id: int, role: str | None) -> None:
    """Record the viewer's role in one brand, read by a query the page made anyway.

    The thread page loads the viewer's membership in the thread's brand with the thread
    itself (brands.selectors.threads_with_ownership), so customers pay no extra query for
    "is this person a rep here?".
    """
    if not getattr(user, "is_authenticated", False):
        return
    hints = memo.recall(user, ROLE_HINTS, dict)
    hints[brand_id] = frozenset({role}) if role else frozenset()


def forget_brand_roles(user: Any) -> None:
    """Drop what this request remembered, after a membership of this person changed."""
    memo.forget(user, ROLES, ROLE_HINTS, TEAMS)


def brand_roles(user: Any, brand: Brand) -> frozenset[str]:
    """The person's roles in this brand (admin, rep, product); empty for everyone else."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    roles = None
    if not memo.known(user, ROLES):
        roles = memo.peek(user, ROLE_HINTS, {}).get(brand.pk)
    if roles is None:
        roles = _roles_by_brand(user).get(brand.pk, frozenset())
    if roles and powers_wait(user):  # no brand power before two-factor (community/mfa.py)
        return frozenset()
    return roles


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


def can_take(user: Any, thread: Thread) -> bool:
    return _allowed(check_can_take, user, thread)


def can_release(user: Any, thread: Thread, ownership: ThreadOwnership | None) -> bool:
    return ownership is not None and _allowed(check_can_release, user, thread, ownership)


def can_endorse(user: Any, answer: Answer) -> bool:
    return _allowed(check_can_endorse, user, answer)


# --- Approvals of official answers and canned replies ------------------------------------


APPROVER_SEATS = "brands.approver_seats"


def _approver_membership(user: Any, brand: Brand) -> Any:
    """The person's active membership here, for the approver flag: a query once per
    request and brand (asked on the team's own pages and by the services, never for a
    customer's page); the services that change the flags forget it."""
    from .models import Membership

    if not getattr(user, "is_authenticated", False):
        return None
    seats = memo.recall(user, APPROVER_SEATS, dict)
    if brand.pk not in seats:
        seats[brand.pk] = Membership.objects.active().filter(brand=brand, user=user).first()
    return seats[brand.pk]


def check_can_read_drafts(user: Any, brand: Brand) -> None:
    """Drafts waiting for approval and the approval queue: the brand's team, or staff."""
    _require_member_or_staff(
        user,
        brand,
        _(
            "Drafts of official answers are private to %(brand)s's team until they are "
            "approved and published."
        )
        % {"brand": brand.name},
    )


def can_read_drafts(user: Any, brand: Brand) -> bool:
    return _allowed(check_can_read_drafts, user, brand)


def check_can_approve_draft(user: Any, draft: OfficialDraft) -> None:
    """Approve a draft, ask for changes, or edit and approve it: the brand's approvers (and
    its admins where the rule says so), or staff; one's own draft only where the brand
    allows it."""
    brand = draft.brand
    if not _is_staff(user):
        require_participation(user)
        membership = _approver_membership(user, brand)
        admin_may = draft.admins_approve and membership is not None and membership.role == ADMIN
        if membership is None or not (membership.is_approver or admin_may):
            if draft.admins_approve:
                sentence = _("Only %(brand)s's approvers and admins approve this draft.")
            else:
                sentence = _("Only %(brand)s's approvers approve this draft.")
            raise _refuse(sentence % {"brand": brand.name}, user, brand)
    if draft.author_id == user.pk and not brand.approval_self_allowed:
        raise PermissionDenied(
            _(
                "You wrote this draft: another approver must approve it. %(brand)s's admins "
                "can allow approvers to approve their own drafts on the team page."
            )
            % {"brand": brand.name}
        )


def can_approve_draft(user: Any, draft: OfficialDraft) -> bool:
    return _allowed(check_can_approve_draft, user, draft)


def check_can_revise_draft(user: Any, draft: OfficialDraft) -> None:
    """Revise or withdraw a draft: its author, while they still speak for the brand."""
    brand = draft.brand
    _require_rep(
        user,
        brand,
        _("Only %(brand)s's reps and admins write its official answers.") % {"brand": brand.name},
    )
    if draft.author_id != user.pk:
        raise PermissionDenied(
            _("%(name)s wrote this draft: only they revise or withdraw it.")
            % {"name": draft.author.public_name}
        )


def can_revise_draft(user: Any, draft: OfficialDraft) -> bool:
    return _allowed(check_can_revise_draft, user, draft)


def check_draft_pending(draft: OfficialDraft) -> None:
    """Approve it or ask for changes: only a draft waiting in the queue. One sent back for
    changes is with its author until they send it again; a decided one stays decided."""
    from .models import OfficialDraft

    if draft.status == OfficialDraft.Status.CHANGES_REQUESTED:
        raise PermissionDenied(
            _(
                "This draft is back with %(name)s for changes: it can be approved once they "
                "send it again."
            )
            % {"name": draft.author.public_name}
        )
    if draft.status != OfficialDraft.Status.PENDING:
        raise PermissionDenied(
            _("This draft was already %(status)s; nothing changed.")
            % {"status": draft.get_status_display().lower()}
        )


def check_draft_open(draft: OfficialDraft) -> None:
    """Revise or withdraw it: only a draft not yet approved, rejected or withdrawn."""
    if not draft.is_open:
        raise PermissionDenied(
            _("This draft was already %(status)s; nothing changed.")
            % {"status": draft.get_status_display().lower()}
        )


def check_can_use_canned_replies(user: Any, brand: Brand) -> None:
    """Read, write and insert the brand's canned replies: its reps and admins."""
    _require_rep(
        user,
        brand,
        _("Canned replies are for %(brand)s's reps and admins.") % {"brand": brand.name},
    )


def can_use_canned_replies(user: Any, brand: Brand) -> bool:
    return _allowed(check_can_use_canned_replies, user, brand)


def access_drafts(viewer: Any, slug: str) -> Brand:
    """The brand whose approval queue the viewer reads."""
    return access_brand(viewer, slug, check=check_can_read_drafts)


def access_draft(viewer: Any, brand: Brand, pk: int) -> OfficialDraft:
    """One of this brand's drafts, for its team (403 first, then 404)."""
    from .models import OfficialDraft

    check_can_read_drafts(viewer, brand)
    draft = get_object_or_404(
        OfficialDraft.objects.select_related(
            "author", "thread__product", "thread__author", "answer__author", "decided_by", "rule"
        ),
        pk=pk,
        brand=brand,
    )
    draft.brand = brand
    return draft


def access_canned_replies(viewer: Any, slug: str) -> Brand:
    return access_brand(viewer, slug, check=check_can_use_canned_replies)


def access_canned_reply(viewer: Any, brand: Brand, pk: int) -> CannedReply:
    from .models import CannedReply

    check_can_use_canned_replies(viewer, brand)
    return get_object_or_404(CannedReply, pk=pk, brand=brand)


# --- Refusals the services meet on rows they have locked ----------------------------------


def check_can_take_owned(user: Any, ownership: ThreadOwnership) -> None:
    """Taking a thread someone already owns: only the owner "takes" it again (nothing
    changes); everyone else asks for a hand-over."""
    if ownership.owner_id != user.pk:
        raise PermissionDenied(
            _("%(owner)s already owns this thread; they or a brand admin can hand it over to you.")
            % {"owner": ownership.owner.public_name}
        )


def check_can_endorse_author(user: Any, answer: Answer) -> None:
    """An answer by someone on the brand's team already speaks for the brand. (A query:
    asked when endorsing, not for every answer on a page.)"""
    from .models import Membership

    brand = answer.thread.brand
    if Membership.objects.active().filter(brand=brand, user_id=answer.author_id).exists():
        raise PermissionDenied(
            _(
                "%(name)s works for %(brand)s, so the answer already speaks for it; endorse a "
                "customer's answer."
            )
            % {"name": answer.author.public_name, "brand": brand.name}
        )


def check_can_invite(user: Any, brand: Brand) -> None:
    """Invite someone to the team: the brand's admins or staff, once the brand is official."""
    check_can_manage_team(user, brand)
    if not brand.is_official:
        raise PermissionDenied(
            _(
                "%(brand)s is community-run: a team can be invited once the company's claim is "
                "approved."
            )
            % {"brand": brand.name}
        )


def can_invite(user: Any, brand: Brand) -> bool:
    return _allowed(check_can_invite, user, brand)


def check_can_approve_claim(user: Any, brand: Brand) -> None:
    """Approve a claim: staff, for a brand that is not official yet."""
    check_can_decide_claims(user)
    if brand.is_official:
        raise PermissionDenied(
            _("%(brand)s is already official; reject this claim instead.") % {"brand": brand.name}
        )


def invitation_refusal(*, user: Any, invitation: Invitation) -> str | None:
    """Why this person cannot accept this invitation now, in a sentence; None if they can."""
    from allauth.account.models import EmailAddress
    from django.utils import formats, timezone

    from .models import Invitation, Membership

    brand = invitation.brand
    state = invitation.state()
    if state == Invitation.State.ACCEPTED:
        return _("This invitation has already been used; each link works once.")
    if state == Invitation.State.REVOKED:
        return _("This invitation was withdrawn by %(brand)s's admins; ask them for a new one.") % {
            "brand": brand.name
        }
    if state == Invitation.State.EXPIRED:
        return _("This invitation expired on %(date)s; ask %(brand)s's admins for a new one.") % {
            "date": formats.date_format(timezone.localtime(invitation.expires_at), "DATE_FORMAT"),
            "brand": brand.name,
        }
    if not getattr(user, "is_authenticated", False):
        return None  # the page asks them to log in first
    if not EmailAddress.objects.filter(
        user=user, verified=True, email__iexact=invitation.email
    ).exists():
        return _(
            "This invitation was sent to %(email)s. Log in as the person with that address, "
            "or add it to your account and confirm it first."
        ) % {"email": invitation.email}
    roles = brand_roles(user, brand)
    if roles:
        return _("You are already on %(brand)s's team.") % {"brand": brand.name}
    others = (
        Membership.objects.active()
        .filter(user=user)
        .exclude(brand=brand)
        .values_list("brand__name", flat=True)
    )
    if others:
        return _(
            "You already work for %(others)s: one person speaks for one brand. Leave that "
            "team first."
        ) % {"others": ", ".join(others)}
    return None


def check_can_accept_invitation(user: Any, invitation: Invitation) -> None:
    require_participation(user)
    refusal = invitation_refusal(user=user, invitation=invitation)
    if refusal:
        raise PermissionDenied(refusal)


# --- Access: fetch what the viewer may reach, or refuse --------------------------------------
# In Zulip's manner (`access_stream_by_id`): 404 for what does not exist (or is not theirs
# to know about), 403 with the reason for what they may not do. Views call these instead of
# fetching and checking on their own.


def access_brand(
    viewer: Any, slug: str, *, check: Callable[[Any, Brand], None] | None = None
) -> Brand:
    """The brand with this slug (404 if there is none), after `check(viewer, brand)` (a
    `check_*` of this module or another app's: 403 with its reason). Brands are public:
    without `check` anyone may have it."""
    from .models import Brand

    brand = get_object_or_404(Brand, slug=slug)
    if check is not None:
        check(viewer, brand)
    return brand


def access_team(viewer: Any, slug: str) -> Brand:
    """The brand whose team (members, invitations, response target) the viewer manages."""
    return access_brand(viewer, slug, check=check_can_manage_team)


def access_membership(viewer: Any, brand: Brand, pk: int) -> Membership:
    """An active membership of this brand's team, for someone who manages the team."""
    from .models import Membership

    check_can_manage_team(viewer, brand)
    return get_object_or_404(
        Membership.objects.active().select_related("user", "brand"), pk=pk, brand=brand
    )


def access_invitation(viewer: Any, brand: Brand, pk: int) -> Invitation:
    """One of this brand's invitations, for someone who manages the team."""
    from .models import Invitation

    check_can_manage_team(viewer, brand)
    return get_object_or_404(Invitation, pk=pk, brand=brand)


def access_invitation_link(token: str) -> Invitation:
    """The invitation an e-mailed link names (404 for a link that names none); whether the
    person may accept it is `invitation_refusal`'s to say, on the page."""
    from .models import Invitation, hash_invitation_token

    return get_object_or_404(
        Invitation.objects.select_related("brand", "invited_by"),
        token_hash=hash_invitation_token(token),
    )


def access_product(
    viewer: Any,
    brand_slug: str,
    product_slug: str,
    *,
    check: Callable[[Any, Brand], None] | None = None,
) -> Product:
    """A product of the brand (404 for either one unknown), after `check(viewer, brand)`."""
    from .models import Brand, Product

    brand = get_object_or_404(Brand, slug=brand_slug)
    product = get_object_or_404(Product, brand=brand, slug=product_slug)
    product.brand = brand  # the page reads it: no second query
    if check is not None:
        check(viewer, brand)
    return product


def access_customer(viewer: Any, brand: Brand, username: str) -> Any:
    """A person's customer card in this brand: the brand's team or staff (403), then the
    person (404)."""
    from community.models import User

    check_can_read_customer_card(viewer, brand)
    return get_object_or_404(User, username=username)


def access_endorsement(viewer: Any, pk: int) -> Endorsement:
    """An active endorsement (404 otherwise). Withdrawing or confirming it is checked by the
    services (`check_can_manage_endorsement`), which every door goes through."""
    from .models import Endorsement

    return get_object_or_404(
        Endorsement.objects.active().select_related("brand", "answer__thread__product"), pk=pk
    )


def access_claim(viewer: Any, pk: int) -> BrandClaim:
    """A claim to decide: staff only (403 before anything is looked up), then 404."""
    from .models import BrandClaim

    check_can_decide_claims(viewer)
    return get_object_or_404(BrandClaim.objects.select_related("brand"), pk=pk)


# --- Requests to other departments ---------------------------------------------------------


def check_can_send_request(user: Any, brand: Brand, department: Department) -> None:
    """A rep or admin of the brand asks one of the brand's own departments."""
    _require_rep(
        user,
        brand,
        _("Only %(brand)s's reps and admins send requests to its departments.")
        % {"brand": brand.name},
    )
    if department.brand_id != brand.pk:
        raise PermissionDenied(
            _(
                "“%(department)s” is a department of another brand: requests go only to "
                "%(brand)s's own departments."
            )
            % {"department": department.name, "brand": brand.name}
        )


def can_send_request(user: Any, brand: Brand, department: Department) -> bool:
    return _allowed(check_can_send_request, user, brand, department)


def check_can_read_requests(user: Any, brand: Brand) -> None:
    """The department lists and a request's answer: the brand's team, or staff."""
    _require_member_or_staff(
        user,
        brand,
        _("Requests between departments are private to %(brand)s's team.") % {"brand": brand.name},
    )


def can_read_requests(user: Any, brand: Brand) -> bool:
    return _allowed(check_can_read_requests, user, brand)


def check_can_work_request(user: Any, request: DepartmentRequest) -> None:
    """Start or answer a request: a member of the asked department, or a brand admin."""
    brand = request.brand
    require_participation(user)
    if is_brand_admin(user, brand):
        return
    from .models import Membership

    in_department = (
        is_brand_member(user, brand)
        and Membership.objects.active()
        .filter(brand=brand, user=user, department_id=request.department_id)
        .exists()
    )
    if not in_department:
        raise _refuse(
            _("Only the %(department)s department of %(brand)s (or its admins) answers this.")
            % {"department": request.department.name, "brand": brand.name},
            user,
            brand,
        )


def can_work_request(user: Any, request: DepartmentRequest) -> bool:
    return _allowed(check_can_work_request, user, request)


def access_department(viewer: Any, pk: int) -> Department:
    """Any brand's department by id (404 if none): the services refuse another brand's
    with a sentence (403), rather than pretending it does not exist."""
    from .models import Department

    return get_object_or_404(Department.objects.select_related("brand"), pk=pk)


def access_department_request(viewer: Any, brand: Brand, pk: int) -> DepartmentRequest:
    """A request of this brand for its team (404 for another brand's id, 403 otherwise)."""
    from .models import DepartmentRequest

    check_can_read_requests(viewer, brand)
    return get_object_or_404(DepartmentRequest.objects.with_relations(), brand=brand, pk=pk)
