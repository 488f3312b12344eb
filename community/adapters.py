"""allauth adapter: e-mails in the member's language, a display name at sign-up, and the
limit on accounts made per client address."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from django.utils import translation

from moderation.ratelimit import address_rate_limit_hit


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
