"""Who may turn a solved thread into a knowledge article: the brand's editors, that is its
admins (themes.services.brand_editors_sync gives them its Wagtail pages), and staff.

Asked by the thread page's button, the POST that makes the article and the service.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from brands.permissions import is_brand_admin
from community.permissions import allowed
from qa.models import Thread


def check_can_make_article(user: Any, thread: Thread) -> None:
    """Raise PermissionDenied, saying why, unless `user` edits `thread`'s brand's pages."""
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied(_("Log in as an editor of the brand to make knowledge articles."))
    if user.is_active and user.is_staff:
        return
    if is_brand_admin(user, thread.brand):
        return
    raise PermissionDenied(
        _("Only %(brand)s's editors (its admins) turn threads into knowledge articles.")
        % {"brand": thread.brand.name}
    )


def can_make_article(user: Any, thread: Thread) -> bool:
    return allowed(check_can_make_article, user, thread)
