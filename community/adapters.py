"""allauth adapter: e-mails in the member's language, and a display name at sign-up."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from django.utils import translation


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        if not user.language:
            language = translation.get_language() or ""
            user.language = "ja" if language.startswith("ja") else ""
        if commit:
            user.save()
        return user
