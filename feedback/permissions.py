"""Who may use product feedback: the brand's own team, never customers or other brands.

Same shape as brands.permissions: `check_*` raise PermissionDenied with a sentence (and,
for someone who works for another brand, that brand powers stay inside their own brand);
`can_*` are the same rules as booleans for templates.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from brands import permissions as brand_permissions
from community.permissions import allowed as _allowed
from community.permissions import participation_refusal, require_participation

if TYPE_CHECKING:
    from brands.models import Brand
    from qa.models import Thread

    from .models import FeedbackItem, FeedbackLabel, WebhookEndpoint


def _is_staff(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.is_staff)


def _refuse(sentence: str, user: Any, brand: Brand) -> PermissionDenied:
    # Same wording as the rest of brands/ for people who work for another brand.
    return brand_permissions._refuse(sentence, user, brand)


def _require_team(user: Any, brand: Brand, sentence: str, *, acting: bool) -> None:
    """The brand's admins, reps and product team, or staff. Acting (writing) also needs an
    account in good standing: a suspended member reads but does not change anything."""
    if _is_staff(user):
        return
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied(sentence)
    if acting:
        require_participation(user)
    if not brand_permissions.is_brand_member(user, brand):
        raise _refuse(sentence, user, brand)


def check_can_read_feedback(user: Any, brand: Brand) -> None:
    """The board, items, praise and complaints pages."""
    _require_team(
        user,
        brand,
        _(
            "The feedback board is private to %(brand)s's team: its reps, admins and product "
            "team. Customers see the team's answer on their threads."
        )
        % {"brand": brand.name},
        acting=False,
    )


def check_can_work_on_feedback(user: Any, brand: Brand) -> None:
    """Create items, link threads, change status, comment, label threads, merge."""
    _require_team(
        user,
        brand,
        _("Only %(brand)s's reps, admins and product team work on its feedback items.")
        % {"brand": brand.name},
        acting=True,
    )


def check_can_manage_labels(user: Any, brand: Brand) -> None:
    """Define and remove the brand's labels (applying them is for the whole team)."""
    if _is_staff(user):
        return
    require_participation(user)
    if not brand_permissions.is_brand_admin(user, brand):
        raise _refuse(
            _("Only %(brand)s's admins define its labels.") % {"brand": brand.name}, user, brand
        )


def check_can_manage_integrations(user: Any, brand: Brand) -> None:
    """The signing secret, webhook endpoints and their delivery log."""
    if _is_staff(user):
        return
    require_participation(user)
    if not brand_permissions.is_brand_admin(user, brand):
        raise _refuse(
            _("Only %(brand)s's admins manage its integrations: the signing secret and webhooks.")
            % {"brand": brand.name},
            user,
            brand,
        )


def can_read_feedback(user: Any, brand: Brand) -> bool:
    # Asked on every thread page: decided from the role the page already loaded, so a
    # customer costs no query (the check_* path would look up their other brands).
    if _is_staff(user):
        return True
    return getattr(user, "is_authenticated", False) and brand_permissions.is_brand_member(
        user, brand
    )


def can_work_on_feedback(user: Any, brand: Brand) -> bool:
    return can_read_feedback(user, brand) and (
        _is_staff(user) or participation_refusal(user) is None
    )


def can_manage_labels(user: Any, brand: Brand) -> bool:
    return _allowed(check_can_manage_labels, user, brand)


def can_manage_integrations(user: Any, brand: Brand) -> bool:
    return _allowed(check_can_manage_integrations, user, brand)


# --- Access: fetch what the viewer may reach, or refuse --------------------------------------
# In Zulip's manner (brands.permissions.access_brand): 404 for what does not exist, 403 with
# the reason for what the viewer may not see or do. Views call these, never their own copy.


def access_feedback(viewer: Any, brand_slug: str) -> Brand:
    """The brand whose feedback pages (board, items, labels, praise, complaints) the viewer
    reads: its team, or staff."""
    return brand_permissions.access_brand(viewer, brand_slug, check=check_can_read_feedback)


def access_item(viewer: Any, brand: Brand, pk: int, *, for_work: bool = False) -> FeedbackItem:
    """One of the brand's feedback items (404 for another brand's or none), with its counts;
    with `for_work`, 403 unless the viewer may work on it."""
    from django.http import Http404

    from . import selectors

    check_can_read_feedback(viewer, brand)
    item = selectors.item_for_brand(brand, pk)
    if item is None:
        raise Http404(_("No such feedback item."))
    if for_work:
        check_can_work_on_feedback(viewer, brand)
    return item


def access_linked_thread(viewer: Any, item: FeedbackItem, pk: int) -> Thread:
    """A thread linked to this item (404 otherwise), for its brand's team."""
    from qa.models import Thread

    check_can_read_feedback(viewer, item.brand)
    return get_object_or_404(Thread, pk=pk, feedback_link__item=item)


def access_label(viewer: Any, brand: Brand, pk: int) -> FeedbackLabel:
    """One of the brand's labels (404 for another brand's), for its team."""
    from .models import FeedbackLabel

    check_can_read_feedback(viewer, brand)
    return get_object_or_404(FeedbackLabel.objects.for_brand(brand).select_related("brand"), pk=pk)


def access_team_thread(viewer: Any, pk: int) -> Thread:
    """A thread the viewer works on for its brand's feedback (labels, linking to an item):
    404 if there is none, 403 unless they are on the brand's team (or staff)."""
    from qa.models import Thread

    thread = get_object_or_404(Thread.objects.select_related("brand"), pk=pk)
    check_can_work_on_feedback(viewer, thread.brand)
    return thread


def access_integrations(viewer: Any, brand_slug: str) -> Brand:
    """The brand whose integrations (signing secret, webhooks, logs) the viewer manages."""
    return brand_permissions.access_brand(viewer, brand_slug, check=check_can_manage_integrations)


def access_endpoint(viewer: Any, brand: Brand, pk: int) -> WebhookEndpoint:
    """One of the brand's webhook endpoints (404 for another brand's), for its admins."""
    from .models import WebhookEndpoint

    check_can_manage_integrations(viewer, brand)
    return get_object_or_404(WebhookEndpoint.objects.for_brand(brand), pk=pk)
