"""allauth adapter: e-mails in the member's language, a display name at sign-up, and the
limit on accounts made per client address."""

from __future__ import annotations

import logging

from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.utils import translation

from moderation.ratelimit import address_rate_limit_hit

logger = logging.getLogger(__name__)


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request, user, form, commit=True):
        # Accounts made per client address and hour (SODAN_SIGNUPS_PER_HOUR): counted when a
        # sign-up is valid and about to be saved; going over answers 429 and saves nothing.
        address_rate_limit_hit(request, action="signup")
        user = super().save_user(request, user, form, commit=False)
        if not user.language:
            language = translation.get_language() or ""
            user.language = "ja" if language.startswith("ja") else ""
        if commit:
            user.save()
        return user


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """Sign-in through LINE, Google, Apple, Yahoo! JAPAN or a company's provider.

    The address a provider vouches for (email_verified) counts as confirmed; any other, or
    one the person types because the provider gave none (LINE without the e-mail
    permission), is confirmed by e-mail before they take part, as for a sign-up by password.
    New accounts made this way count against the same hourly limit per client address."""

    def save_user(self, request, sociallogin, form=None):
        address_rate_limit_hit(request, action="signup")
        user = super().save_user(request, sociallogin, form)
        if not user.language:
            language = translation.get_language() or ""
            user.language = "ja" if language.startswith("ja") else ""
            user.save(update_fields=["language"])
        return user

    def on_authentication_error(
        self, request, provider, error=None, exception=None, extra_context=None
    ):
        # The person sees allauth's "could not log you in" page; the reason is logged for us.
        logger.warning(
            "Sign-in through %s failed: %s %r", getattr(provider, "id", provider), error, exception
        )
        return super().on_authentication_error(
            request, provider, error=error, exception=exception, extra_context=extra_context
        )
