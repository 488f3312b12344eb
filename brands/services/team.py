"""A brand's team: invitations by e-mail, roles, revocation, the response target.

Every change is audit-logged. A revoked member loses every power at once (each power is
checked against an active membership when it is used); what they wrote keeps the badges
it had when they wrote it, and the threads they owned go back to the inbox.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from allauth.account.models import EmailAddress
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from brands import permissions, selectors, tasks
from community.permissions import require_participation
from moderation.services import audit_log_record
from outbox.services import message_send

from ..models import (
    MAX_RESPONSE_TARGET_HOURS,
    Brand,
    Department,
    Invitation,
    Membership,
    hash_invitation_token,
)
from .ownership import release_all_owned_by

INVITATION_LIFETIME = timedelta(days=7)


def _locked_brand(brand: Brand) -> Brand:
    """Team changes of one brand run one at a time, so "the last admin" stays true."""
    return Brand.objects.select_for_update().get(pk=brand.pk)


def _membership_changed(user: Any, *same_request: Any) -> None:
    """Forget the roles this request remembered for the person (also on the request's own
    user object, if they changed their own membership) and their header links."""
    permissions.forget_brand_roles(user)
    for person in same_request:
        if person is not None and person.pk == user.pk:
            permissions.forget_brand_roles(person)
    cache.delete(selectors.navigation_cache_key(user.pk))


@transaction.atomic
def invitation_create(
    *, actor: Any, brand: Brand, email: str, role: str, department: str = ""
) -> Invitation:
    """Invite someone by e-mail. The returned invitation carries `.token` (only its hash
    is stored), which the e-mail sends as a link. Inviting the same address again
    replaces the invitation still waiting."""
    permissions.check_can_manage_team(actor, brand)
    brand = _locked_brand(brand)
    permissions.check_can_invite(actor, brand)
    email = (email or "").strip()
    errors: dict[str, list[str]] = {}
    try:
        validate_email(email)
    except ValidationError:
        errors["email"] = [_("Enter an e-mail address like name@example.com.")]
    if role not in Membership.Role.values:
        errors["role"] = [_("Choose admin, rep or product team.")]
    if errors:
        raise ValidationError(errors)
    on_team = (
        Membership.objects.active()
        .for_brand(brand)
        .filter(
            user__in=EmailAddress.objects.filter(email__iexact=email, verified=True).values("user")
        )
        .select_related("user")
        .first()
    )
    if on_team:
        raise ValidationError(
            {
                "email": [
                    _(
                        "%(name)s (%(email)s) is already on the team as %(role)s; change their "
                        "role in the list instead."
                    )
                    % {
                        "name": on_team.user.public_name,
                        "email": email,
                        "role": on_team.get_role_display(),
                    }
                ]
            }
        )
    now = timezone.now()
    for earlier in Invitation.objects.for_brand(brand).pending(now).filter(email__iexact=email):
        earlier.revoked_at = now
        earlier.save(update_fields=["revoked_at"])
        audit_log_record(
            actor=actor,
            action="invitation.revoke",
            target=earlier,
            brand=brand,
            reason=_("Replaced by a new invitation."),
        )
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        brand=brand,
        email=email,
        role=role,
        token_hash=hash_invitation_token(token),
        invited_by=actor,
        expires_at=now + INVITATION_LIFETIME,
        department=department_for_label(brand, department),
    )
    audit_log_record(
        actor=actor,
        action="invitation.create",
        target=invitation,
        brand=brand,
        data={"email": email, "role": role, "department": (department or "").strip()},
    )
    message_send(tasks.send_invitation, invitation.pk, token)  # erased once sent
    invitation.token = token
    return invitation


@transaction.atomic
def invitation_revoke(*, actor: Any, invitation: Invitation) -> Invitation:
    permissions.check_can_manage_team(actor, invitation.brand)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.state() != Invitation.State.PENDING:
        raise ValidationError(
            _("This invitation is no longer waiting: %(state)s.")
            % {"state": Invitation.State(invitation.state()).label}
        )
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    audit_log_record(
        actor=actor,
        action="invitation.revoke",
        target=invitation,
        brand=invitation.brand,
        data={"email": invitation.email},
    )
    return invitation


@transaction.atomic
def invitation_accept(*, user: Any, invitation: Invitation) -> Membership:
    """The invited person, logged in with the invited address verified, joins the team."""
    require_participation(user)
    invitation = (
        Invitation.objects.select_for_update().select_related("brand").get(pk=invitation.pk)
    )
    _locked_brand(invitation.brand)
    permissions.check_can_accept_invitation(user, invitation)
    now = timezone.now()
    membership = Membership.objects.create(
        brand=invitation.brand,
        user=user,
        role=invitation.role,
        department_id=invitation.department_id,
    )
    invitation.accepted_at = now
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    audit_log_record(
        actor=user,
        action="invitation.accept",
        target=invitation,
        brand=invitation.brand,
        data={"role": invitation.role},
    )
    audit_log_record(
        actor=user,
        action="membership.create",
        target=membership,
        brand=invitation.brand,
        reason=_("Invitation accepted"),
        data={"user": user.pk, "role": membership.role, "invitation": invitation.pk},
    )
    _membership_changed(user)
    return membership


def department_for_label(brand: Brand, label: str) -> Department | None:
    """The brand's department with this label (created the first time it is given), or
    None for an empty label. Labels are the brand's own words, matched ignoring case."""
    label = " ".join((label or "").split())
    if not label:
        return None
    if len(label) > 60:
        raise ValidationError({"department": [_("Keep the department to 60 characters.")]})
    existing = Department.objects.for_brand(brand).filter(name__iexact=label).first()
    return existing or Department.objects.create(brand=brand, name=label)


@transaction.atomic
def membership_department_set(*, actor: Any, membership: Membership, label: str) -> Membership:
    """Give a member a department label (empty: none): requests to it reach them."""
    permissions.check_can_manage_team(actor, membership.brand)
    membership = _active_membership(membership)
    department = department_for_label(membership.brand, label)
    membership.department = department
    membership.save(update_fields=["department"])
    audit_log_record(
        actor=actor,
        action="membership.department",
        target=membership,
        brand=membership.brand,
        data={"user": membership.user_id, "department": department.name if department else ""},
    )
    return membership


def _active_membership(membership: Membership) -> Membership:
    membership = (
        Membership.objects.select_for_update().select_related("user", "brand").get(pk=membership.pk)
    )
    if membership.revoked_at is not None:
        raise ValidationError(_("This membership was already revoked."))
    return membership


def _keep_an_admin(membership: Membership, field: str) -> None:
    if membership.role != Membership.Role.ADMIN:
        return
    others = (
        Membership.objects.active()
        .for_brand(membership.brand)
        .filter(role=Membership.Role.ADMIN)
        .exclude(pk=membership.pk)
    )
    if not others.exists():
        raise ValidationError(
            {
                field: [
                    _(
                        "%(name)s is %(brand)s's only admin: make someone else admin first, "
                        "so the team is never left without one."
                    )
                    % {"name": membership.user.public_name, "brand": membership.brand.name}
                ]
            }
        )


@transaction.atomic
def membership_change_role(*, actor: Any, membership: Membership, role: str) -> Membership:
    permissions.check_can_manage_team(actor, membership.brand)
    _locked_brand(membership.brand)
    membership = _active_membership(membership)
    if role not in Membership.Role.values:
        raise ValidationError({"role": [_("Choose admin, rep or product team.")]})
    if role == membership.role:
        return membership
    if role != Membership.Role.ADMIN:
        _keep_an_admin(membership, "role")
    before = membership.role
    membership.role = role
    membership.save(update_fields=["role"])
    audit_log_record(
        actor=actor,
        action="membership.change_role",
        target=membership,
        brand=membership.brand,
        data={"user": membership.user_id, "before": before, "after": role},
    )
    if role == Membership.Role.PRODUCT:
        # The product team reads and triages; it does not speak for the brand.
        release_all_owned_by(
            user=membership.user, brand=membership.brand, actor=actor, reason=_("Role changed")
        )
    _membership_changed(membership.user, actor)
    return membership


@transaction.atomic
def membership_revoke(*, actor: Any, membership: Membership, reason: str = "") -> Membership:
    """Take every brand power away from the person at once."""
    permissions.check_can_manage_team(actor, membership.brand)
    _locked_brand(membership.brand)
    membership = _active_membership(membership)
    _keep_an_admin(membership, "__all__")
    membership.revoked_at = timezone.now()
    membership.save(update_fields=["revoked_at"])
    audit_log_record(
        actor=actor,
        action="membership.revoke",
        target=membership,
        brand=membership.brand,
        reason=(reason or "").strip(),
        data={"user": membership.user_id, "role": membership.role},
    )
    release_all_owned_by(
        user=membership.user,
        brand=membership.brand,
        actor=actor,
        reason=_("Membership revoked"),
    )
    _membership_changed(membership.user, actor)
    return membership


@transaction.atomic
def memberships_end_for_identity_provider(*, user: Any, brand: Brand, reason: str) -> list[int]:
    """The brand's company identity provider stopped vouching for the person (sso/): every
    active membership of theirs in the brand ends at once, with no actor, even the last
    admin's (staff can appoint another). Their posts, official answers included, stay as
    they are. Returns the ended memberships' ids, which the provider's next sign-in gives
    back (`memberships_restore_for_identity_provider`)."""
    _locked_brand(brand)
    ended = list(Membership.objects.select_for_update().active().for_brand(brand).filter(user=user))
    now = timezone.now()
    for membership in ended:
        membership.revoked_at = now
        membership.save(update_fields=["revoked_at"])
        audit_log_record(
            actor=None,
            action="membership.end_by_identity_provider",
            target=membership,
            brand=brand,
            reason=reason,
            data={"user": user.pk, "role": membership.role},
        )
    if ended:
        release_all_owned_by(user=user, brand=brand, actor=None, reason=reason)
        _membership_changed(user)
    return [membership.pk for membership in ended]


@transaction.atomic
def memberships_restore_for_identity_provider(
    *, user: Any, brand: Brand, membership_ids: list[int]
) -> list[int]:
    """The identity provider vouches for the person again: the memberships it ended come
    back, unless the brand gave the person another membership since."""
    _locked_brand(brand)
    if Membership.objects.active().for_brand(brand).filter(user=user).exists():
        return []
    restored = list(
        Membership.objects.select_for_update()
        .for_brand(brand)
        .filter(user=user, pk__in=membership_ids, revoked_at__isnull=False)
    )
    for membership in restored:
        membership.revoked_at = None
        membership.save(update_fields=["revoked_at"])
        audit_log_record(
            actor=None,
            action="membership.restore_by_identity_provider",
            target=membership,
            brand=brand,
            data={"user": user.pk, "role": membership.role},
        )
    if restored:
        _membership_changed(user)
    return [membership.pk for membership in restored]


@transaction.atomic
def brand_response_target_set(*, actor: Any, brand: Brand, hours: int) -> Brand:
    """Hours, around the clock, to the first official response in a new thread."""
    permissions.check_can_manage_team(actor, brand)
    brand = _locked_brand(brand)
    try:
        hours = int(hours)
    except (TypeError, ValueError):
        hours = 0
    if not 1 <= hours <= MAX_RESPONSE_TARGET_HOURS:
        raise ValidationError(
            {
                "hours": [
                    _("Choose a whole number of hours from 1 to %(limit)d.")
                    % {"limit": MAX_RESPONSE_TARGET_HOURS}
                ]
            }
        )
    before = brand.response_target_hours
    if hours == before:
        return brand
    brand.response_target_hours = hours
    brand.save(update_fields=["response_target_hours"])
    audit_log_record(
        actor=actor,
        action="brand.response_target",
        target=brand,
        brand=brand,
        data={"before": before, "after": hours},
    )
    return brand


__all__ = [
    "INVITATION_LIFETIME",
    "brand_response_target_set",
    "invitation_accept",
    "invitation_create",
    "invitation_revoke",
    "membership_change_role",
    "membership_revoke",
]
