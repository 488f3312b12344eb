"""Two-factor authentication before powers: the one rule, and what enforces it.

A brand rep, admin or product member, a moderator and staff hold powers over other people's
posts and data; a stolen password must not be enough to use them. So their powers work only
once the person has a second factor (allauth.mfa: an authenticator app or a security key or
passkey; recovery codes alone do not count). Customers may add one; nobody asks them to.

The rule is asked where the powers are decided, so every door (page, cached page, API,
tasks) obeys it without knowing about it:

- brands.permissions.brand_roles answers "no role here" while the person's second factor is
  missing, and moderation.permissions does the same for moderator appointments;
- staff, whose powers are a flag on their row checked in many places, can use nothing but
  their account pages until they have set one up (`TwoFactorMiddleware`);
- a refusal that happens because of the missing factor shows the page that says why and
  how to set it up (`TwoFactorMiddleware.process_exception`), not a bare "only reps may".

Whether a person has a second factor is a viewer fact (community/facts.py): it rides in the
union of facts a cached page loads, so a rep reading a thread pays no query for it.

SODAN_MFA_REQUIRED_FOR_POWERS switches the requirement (on by default); the test suite turns
it off except where two-factor is what it tests (tests/conftest.py).
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import nullcontext
from typing import Any

from allauth.account.decorators import reauthentication_required
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from . import viewer_facts
from .viewer_facts import SOURCES

TWO_FACTOR = "community.two_factor"


def required() -> bool:
    return settings.SODAN_MFA_REQUIRED_FOR_POWERS


def has_two_factor(user: Any) -> bool:
    """The person has an authenticator app or a security key / passkey (community/facts.py)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return SOURCES[TWO_FACTOR].recall(user)


def powers_wait(user: Any) -> bool:
    """Powers this person may hold do not work yet: two-factor is required and missing.

    Asked only by the rules that have found a power (a role, an appointment, the staff
    flag), so customers never pay for it."""
    return required() and getattr(user, "is_authenticated", False) and not has_two_factor(user)


def holds_powers(user: Any) -> bool:
    """Staff, or an active role in a brand, or a moderator appointment, two-factor or not."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_staff:
        return True
    from brands.permissions import ROLES
    from moderation.permissions import APPOINTMENTS

    is_global, brand_ids = SOURCES[APPOINTMENTS].recall(user)
    return bool(SOURCES[ROLES].recall(user)) or is_global or bool(brand_ids)


def reauthenticate_for_powers(view: Callable) -> Callable:
    """Dangerous actions (a brand's domain, an API key, a ban) ask for the password or the
    second factor again, as allauth's reauthentication does, while two-factor is required."""
    return reauthentication_required(view, allow_get=True, enabled=lambda request: required())


# The pages a person whose powers wait may still open: signing in and out, their account's
# e-mail, password and two-factor pages, and the page that says why.
_OPEN_PREFIXES = ("/accounts/", "/static/", "/media/", "/language/", "/two-factor/")


class TwoFactorMiddleware:
    """Staff without two-factor see only their account pages; a refusal caused by the
    missing second factor becomes the page that explains it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if getattr(request, _CHECK_AFTER_VIEW, False) and _staff_waits(request):
            return _to_set_up(request)
        return response

    def process_view(
        self, request: HttpRequest, view_func: Callable, view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        if not required() or request.path.startswith(_OPEN_PREFIXES):
            return None
        # A view that reads its reader's facts on a thread says so (`thread_facts_kwarg`):
        # the thread page, which loads a signed-in reader itself, the session in the
        # page's one cache round trip and the user with their facts in its one query.
        # Loading the user here first would cost the session a round trip of its own on
        # every signed-in reader's page. Reading it (GET, HEAD) uses no power, so staff
        # are checked after the view instead, and still see nothing but the redirect.
        thread_kwarg = getattr(view_func, "thread_facts_kwarg", None)
        thread_id = view_kwargs.get(thread_kwarg) if thread_kwarg else None
        if thread_id and request.method in ("GET", "HEAD"):
            setattr(request, _CHECK_AFTER_VIEW, True)
            return None
        with viewer_facts.preloading(thread_id=thread_id) if thread_id else nullcontext():
            staff_waits = _staff_waits(request)
        return _to_set_up(request) if staff_waits else None

    def process_exception(self, request: HttpRequest, exception: Exception) -> Any:
        if not isinstance(exception, PermissionDenied):
            return None
        user = getattr(request, "user", None)
        if user is None or not powers_wait(user) or not holds_powers(user):
            return None
        return two_factor_page(request, status=403)


_CHECK_AFTER_VIEW = "_sodan_two_factor_after_view"


def _staff_waits(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    return bool(
        user is not None
        and getattr(user, "is_staff", False)
        and user.is_active
        and powers_wait(user)
    )


def _to_set_up(request: HttpRequest) -> HttpResponse:
    return redirect(f"{reverse('community:two_factor_required')}?next={request.path}")


def two_factor_page(request: HttpRequest, *, status: int = 200) -> HttpResponse:
    """Why this person's powers wait, and how to set up two-factor authentication."""
    user = request.user
    return render(
        request,
        "community/two_factor_required.html",
        {
            "holds_powers": holds_powers(user),
            "has_two_factor": has_two_factor(user),
            "required": required(),
            "next": _safe_next(request),
        },
        status=status,
    )


def _safe_next(request: HttpRequest) -> str:
    from django.utils.http import url_has_allowed_host_and_scheme

    target = request.GET.get("next") or request.path
    if target == request.path or not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}
    ):
        return ""
    return target


# --- Staff reset of a lost second factor --------------------------------------------------


def two_factor_reset(*, actor: Any, member: Any, identity_check: str) -> int:
    """Remove every authenticator of a member who lost theirs (phone, key and recovery
    codes), once staff have checked who they are; audited with how that was checked. The
    member's powers wait again until they set up a new one. Returns how many were removed."""
    from allauth.mfa.models import Authenticator
    from django.core.exceptions import ValidationError
    from django.db import transaction
    from django.utils.translation import gettext as _

    from moderation.services.audit import audit_log_record

    from .permissions import check_can_reset_two_factor

    check_can_reset_two_factor(actor, member)
    identity_check = identity_check.strip()
    if len(identity_check) < 10:
        raise ValidationError(
            {"identity_check": _("Say how you checked who the member is (at least 10 characters).")}
        )
    with transaction.atomic():
        factors = Authenticator.objects.filter(user=member)
        kinds = sorted(set(factors.values_list("type", flat=True)))
        removed, _by_model = factors.delete()
        audit_log_record(
            actor=actor,
            action="member.two_factor_reset",
            target=member,
            reason=identity_check,
            data={"removed": kinds},
        )
    return removed
