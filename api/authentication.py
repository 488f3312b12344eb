"""Who is calling: a bearer token (a person's or a brand's), or the site's own session.

`Authorization: Bearer <token>` with a personal access token acts as its person; with a
brand API key, as the key's integration member (api/models.py). A token that is unknown,
revoked, expired, or whose person can no longer sign in is refused with 401 whatever the
request, so nothing runs on its behalf. Without the header the site's session is used, with
Django's CSRF check on every write (the docs page's "try it out").
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from . import services


class BearerTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        header = authentication.get_authorization_header(request).decode("latin-1")
        if not header:
            return None
        keyword, _space, token = header.partition(" ")
        if keyword.lower() != self.keyword.lower():
            return None
        token = token.strip()
        if not token or " " in token:
            raise exceptions.AuthenticationFailed(
                _("Send one token after “Bearer”, as “Authorization: Bearer <token>”.")
            )
        credential = services.credential_find(token)
        if credential is None:
            raise exceptions.AuthenticationFailed(
                _("This token is not valid: it is unknown, revoked or expired.")
            )
        user = services.credential_user(credential)
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("This token's account is deactivated."))
        services.credential_touch(credential)
        return user, credential

    def authenticate_header(self, request: Request) -> str:
        return f'{self.keyword} realm="api"'


class SiteSessionAuthentication(authentication.SessionAuthentication):
    """The signed-in person of the site, for the docs page; writes need the CSRF token."""
