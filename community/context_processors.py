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

    return {"unread_notifications": unread}
