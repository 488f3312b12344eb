"""The API's credentials: personal access tokens and brand API keys.

Neither is ever stored as it was shown: only the SHA-256 of the whole token is kept, with
its first characters (the visible prefix) so a person can tell their tokens apart. A token
is shown once, when it is made.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Scope(models.TextChoices):
    READ = "read", _("Read")
    WRITE = "write", _("Write")


class CredentialQuerySet(models.QuerySet):
    def usable(self) -> CredentialQuerySet:
        """Not revoked and not expired."""
        now = timezone.now()
        return self.filter(revoked_at__isnull=True).filter(
            models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now)
        )


class Credential(models.Model):
    """What both kinds of credential share."""

    name = models.CharField(
        _("name"), max_length=80, help_text=_("What the token is for, as its owner named it.")
    )
    prefix = models.CharField(
        max_length=24, help_text=_("The token's first characters, shown so it can be recognised.")
    )
    token_hash = models.CharField(
        max_length=64, unique=True, help_text=_("SHA-256 of the whole token, in hexadecimal.")
    )
    scopes = models.JSONField(
        default=list, help_text=_("What the token may do: read, write, or both.")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(
        _("expires"), null=True, blank=True, help_text=_("Refused from this moment on.")
    )
    last_used_at = models.DateTimeField(
        null=True, blank=True, help_text=_("Updated at most once a minute.")
    )
    revoked_at = models.DateTimeField(
        null=True, blank=True, help_text=_("A revoked token is refused at once.")
    )

    objects = CredentialQuerySet.as_manager()

    class Meta:
        abstract = True

    @property
    def is_usable(self) -> bool:
        if self.revoked_at is not None:
            return False
        return self.expires_at is None or self.expires_at > timezone.now()

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes


class PersonalAccessToken(Credential):
    """A person's token: the API acts as that person, with the scopes the token has."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="personal_access_tokens",
        help_text=_("Whose token: the API acts as this person."),
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("personal access token")
        verbose_name_plural = _("personal access tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class BrandApiKey(Credential):
    """A brand's key for one named integration (a CRM, a helpdesk).

    The API acts as the key's integration member: an account made with the key, holding a
    rep or product-team role in the brand and no other, so every rule of the site applies
    to it as to a person in that role, and the audit log names it. The key reaches its own
    brand only.
    """

    brand = models.ForeignKey(
        "brands.Brand",
        on_delete=models.CASCADE,
        related_name="api_keys",
        help_text=_("The only brand the key reaches."),
    )
    integration_user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="brand_api_key",
        help_text=_("The integration member the API acts as; named after the key."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        help_text=_("The brand admin who made the key."),
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("brand API key")
        verbose_name_plural = _("brand API keys")

    def __str__(self) -> str:
        return f"{self.brand} · {self.name} ({self.prefix}…)"
