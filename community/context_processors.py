from __future__ import annotations

from django.http import HttpRequest


def site(request: HttpRequest) -> dict:
    """The unread-notification count for the header, only computed if a template asks."""
    user = getattr(request, "user", None)

    def unread() -> int:
        if user is None or not user.is_authenticated:
            return 0
        from .models import Notification

        return Notification.objects.for_recipient(user).unread().count()

    def show_moderation_link() -> bool:
        if user is None or not user.is_authenticated:
            return False
        from moderation.permissions import is_moderator_for_navigation

        return is_moderator_for_navigation(user)

    def brand_navigation() -> list[dict[str, str]]:
        from brands.selectors import navigation_brands

        return navigation_brands(user)

    return {
        "unread_notifications": unread,
        "show_moderation_link": show_moderation_link,
        "brand_navigation": brand_navigation,
    }
