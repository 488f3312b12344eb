"""Who may do what with mail in. The replies themselves are ruled by the web form's own
checks (qa.permissions, cases.permissions), called by the services they go through."""

from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from brands.models import Brand
from community.permissions import allowed
from feedback.permissions import access_integrations, check_can_manage_integrations

from .models import MailThreadDraft


def check_can_manage_mail_addresses(user: Any, brand: Brand) -> None:
    """A brand's extra addresses for new threads are part of its integrations: its admins'."""
    check_can_manage_integrations(user, brand)


def access_mail_addresses(viewer: Any, brand_slug: str) -> Brand:
    """The brand whose mail addresses the viewer manages, or 403/404."""
    return access_integrations(viewer, brand_slug)


def check_can_publish_draft(user: Any, draft: MailThreadDraft) -> None:
    """A thread started by e-mail is published by the person holding that address: signed
    in with an account on which it is verified (then the web form's own rules apply)."""
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied(
            _("Sign in with the account of %(address)s to publish this thread.")
            % {"address": draft.sender}
        )
    address = EmailAddress.objects.filter(user=user, email__iexact=draft.sender).first()
    if address is None:
        raise PermissionDenied(
            _(
                "This thread was sent from %(address)s, which is not an address of the account "
                "you are signed in with. Sign in with that address's account."
            )
            % {"address": draft.sender}
        )
    if not address.verified:
        raise PermissionDenied(
            _("Confirm %(address)s on your account first: open the link we sent you.")
            % {"address": draft.sender}
        )


def can_publish_draft(user: Any, draft: MailThreadDraft) -> bool:
    return allowed(check_can_publish_draft, user, draft)
