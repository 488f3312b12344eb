"""Writes for the API's credentials: personal access tokens and brand API keys.

A token is made from `secrets` and shown once; only its SHA-256 is stored. Making and
revoking a brand API key is a brand admin's act, recorded in the audit log like the team's
other changes. The key's integration member is made with it and loses its role when the key
is revoked, so what it wrote keeps its author and the key's powers end at once.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from brands.models import Brand, Membership
from brands.permissions import forget_brand_roles
from community.models import User
from moderation.sanitize import strip_page_marks
from moderation.services import audit_log_record

from . import permissions
from .models import BrandApiKey, Credential, PersonalAccessToken, Scope

TOKEN_PREFIX = "sodan_pat_"  # noqa: S105 - the kind of token, not a secret
KEY_PREFIX = "sodan_key_"
VISIBLE_CHARS = 6  # of the random part, shown after the kind's prefix
# An integration member's address: the reserved .invalid domain, where no mail goes.
INTEGRATION_EMAIL_DOMAIN = "integrations.sodan.invalid"
KEY_ROLES = (Membership.Role.REP, Membership.Role.PRODUCT)
TOUCH_EVERY = timedelta(minutes=1)


@dataclass(frozen=True)
class Issued:
    """A credential just made, with its token: the only time the token exists in clear."""

    credential: Credential
    token: str


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _new_token(kind_prefix: str) -> tuple[str, str]:
    token = kind_prefix + secrets.token_urlsafe(32)
    return token, token[: len(kind_prefix) + VISIBLE_CHARS]


def _clean(*, name: str, scopes: list[str], expires_in_days: int | None) -> tuple[str, list[str]]:
    errors: dict[str, list[str]] = {}
    name = strip_page_marks(name or "").strip()
    if not name:
        errors["name"] = [_("Name the token after what will use it.")]
    elif len(name) > 80:
        errors["name"] = [_("Keep the name to 80 characters.")]
    chosen = sorted(set(scopes or []))
    if not chosen or any(scope not in Scope.values for scope in chosen):
        errors["scopes"] = [_("Choose read, write or both.")]
    if expires_in_days is not None and not (
        1 <= expires_in_days <= settings.SODAN_API_TOKEN_MAX_DAYS
    ):
        errors["expires_in_days"] = [
            _("A token lives from 1 to %(days)d days.")
            % {"days": settings.SODAN_API_TOKEN_MAX_DAYS}
        ]
    if errors:
        raise ValidationError(errors)
    return name, chosen


def _expiry(days: int | None) -> Any:
    return timezone.now() + timedelta(days=days) if days else None


@transaction.atomic
def personal_token_create(
    *, user: User, name: str, scopes: list[str], expires_in_days: int
) -> Issued:
    """A token that acts as `user`. Personal tokens always expire."""
    permissions.check_can_have_token(user)
    if expires_in_days is None:
        raise ValidationError({"expires_in_days": [_("Choose when the token expires.")]})
    name, scopes = _clean(name=name, scopes=scopes, expires_in_days=expires_in_days)
    token, prefix = _new_token(TOKEN_PREFIX)
    credential = PersonalAccessToken.objects.create(
        user=user,
        name=name,
        prefix=prefix,
        token_hash=token_hash(token),
        scopes=scopes,
        expires_at=_expiry(expires_in_days),
    )
    return Issued(credential, token)


@transaction.atomic
def personal_token_revoke(*, user: User, token: PersonalAccessToken) -> PersonalAccessToken:
    permissions.check_can_revoke_token(user, token)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def _integration_username(brand: Brand, name: str) -> str:
    base = slugify(f"{brand.slug}-{name}")[:120] or brand.slug
    username, n = base, 1
    while User.objects.filter(username=username).exists():
        n += 1
        username = f"{base}-{n}"
    return username


@transaction.atomic
def brand_api_key_create(
    *,
    actor: User,
    brand: Brand,
    name: str,
    role: str,
    scopes: list[str],
    expires_in_days: int | None = None,
) -> Issued:
    """A key for one named integration of `brand`, acting as a new integration member with
    `role` (rep or product team) in this brand only."""
    permissions.check_can_manage_api_keys(actor, brand)
    name, scopes = _clean(name=name, scopes=scopes, expires_in_days=expires_in_days)
    if role not in KEY_ROLES:
        raise ValidationError({"role": [_("Choose rep or product team.")]})
    username = _integration_username(brand, name)
    member = User.objects.create_user(
        username=username,
        display_name=(_("%(name)s (integration)") % {"name": name})[:80],
        email_notifications=False,
    )
    member.set_unusable_password()
    member.save(update_fields=["password"])
    # Verified, so the participation rules treat it as a team member in good standing.
    EmailAddress.objects.create(
        user=member, email=f"{username}@{INTEGRATION_EMAIL_DOMAIN}", verified=True, primary=True
    )
    membership = Membership.objects.create(brand=brand, user=member, role=role)
    token, prefix = _new_token(KEY_PREFIX)
    key = BrandApiKey.objects.create(
        brand=brand,
        integration_user=member,
        created_by=actor,
        name=name,
        prefix=prefix,
        token_hash=token_hash(token),
        scopes=scopes,
        expires_at=_expiry(expires_in_days),
    )
    audit_log_record(
        actor=actor,
        action="api_key.create",
        target=key,
        brand=brand,
        data={"name": name, "role": role, "scopes": scopes, "member": username},
    )
    audit_log_record(
        actor=actor,
        action="membership.create",
        target=membership,
        brand=brand,
        data={"role": role, "via": "api_key"},
    )
    return Issued(key, token)


@transaction.atomic
def brand_api_key_revoke(*, actor: User, key: BrandApiKey) -> BrandApiKey:
    """Refuse the key from now on and take its integration member's role away."""
    permissions.check_can_manage_api_keys(actor, key.brand)
    key = BrandApiKey.objects.select_for_update().select_related("brand").get(pk=key.pk)
    if key.revoked_at is not None:
        return key
    now = timezone.now()
    key.revoked_at = now
    key.save(update_fields=["revoked_at"])
    Membership.objects.active().filter(brand=key.brand, user=key.integration_user_id).update(
        revoked_at=now
    )
    forget_brand_roles(key.integration_user)
    audit_log_record(
        actor=actor, action="api_key.revoke", target=key, brand=key.brand, data={"name": key.name}
    )
    return key


def credential_find(token: str) -> Credential | None:
    """The usable credential this token is, or None (unknown, revoked, expired)."""
    if token.startswith(TOKEN_PREFIX):
        model: type[Credential] = PersonalAccessToken
        related: tuple[str, ...] = ("user",)
    elif token.startswith(KEY_PREFIX):
        model, related = BrandApiKey, ("integration_user", "brand")
    else:
        return None
    found = model.objects.usable().select_related(*related).filter(token_hash=token_hash(token))
    if model is BrandApiKey:
        # Its member's role may have been revoked on the team page: the key ends with it.
        found = found.filter(
            integration_user__brand_memberships__brand=F("brand"),
            integration_user__brand_memberships__revoked_at__isnull=True,
        )
    return found.first()


def credential_user(credential: Credential) -> User:
    if isinstance(credential, BrandApiKey):
        return credential.integration_user
    return credential.user


def credential_touch(credential: Credential) -> None:
    """Note when the credential was last used, at most once a minute (one UPDATE)."""
    now = timezone.now()
    if credential.last_used_at is not None and now - credential.last_used_at < TOUCH_EVERY:
        return
    type(credential).objects.filter(pk=credential.pk).update(last_used_at=now)
    credential.last_used_at = now
