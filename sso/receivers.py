"""Sign-ins through a brand's company provider (allauth's signals): only the company's own
addresses come in that way, and each sign-in is recorded (sso.services.sign_on_seen)."""

from __future__ import annotations

from typing import Any

from allauth.account.signals import user_logged_in
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.signals import pre_social_login, social_account_added
from django.dispatch import receiver
from django.shortcuts import render

from . import selectors, services


def _sign_on_of(sociallogin: Any) -> Any:
    provider = getattr(getattr(sociallogin, "account", None), "provider", "")
    return selectors.sign_on_for_provider(provider) if provider.startswith("sso-") else None


@receiver(pre_social_login)
def company_address_only(sender: Any, request: Any, sociallogin: Any, **kwargs: Any) -> None:
    """A company's provider vouches for the company's addresses only: another address
    (someone's private one, or another company's) is refused before anything is saved. An
    address it gives in the company's domain counts as confirmed."""
    sign_on = _sign_on_of(sociallogin)
    if sign_on is None:
        return
    addresses = [a.email for a in sociallogin.email_addresses] or [
        getattr(sociallogin.user, "email", "") or ""
    ]
    if not addresses or not all(sign_on.covers(address) for address in addresses if address):
        raise ImmediateHttpResponse(
            render(
                request,
                "sso/address_refused.html",
                {"brand": sign_on.brand, "domains": sign_on.domain_list},
                status=403,
            )
        )
    for address in sociallogin.email_addresses:
        address.verified = True


def _seen(request: Any, sociallogin: Any) -> None:
    sign_on = _sign_on_of(sociallogin)
    if sign_on is None or sociallogin.account.user_id is None:
        return
    token = getattr(sociallogin, "token", None)
    services.sign_on_seen(
        user=sociallogin.account.user,
        sign_on=sign_on,
        refresh_token=getattr(token, "token_secret", "") or "",
    )


@receiver(user_logged_in)
def signed_in_through_company(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    sociallogin = kwargs.get("sociallogin")
    if sociallogin is not None:
        _seen(request, sociallogin)


@receiver(social_account_added)
def connected_to_company(sender: Any, request: Any, sociallogin: Any, **kwargs: Any) -> None:
    _seen(request, sociallogin)
