"""Who may see and do what in a private case. One rule per question; the views, the
services and any later API ask these same functions.

Reading: the case's customer, and the reps and admins of the case's brand (staff too, and
the view writes that to the audit log). Everyone else, including the brand's product team,
moderators and other customers, is told the case does not exist (404): its existence is
itself private.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from brands.permissions import is_brand_member, is_rep
from community.permissions import allowed as _allowed
from community.permissions import require_participation

from .models import Case

if TYPE_CHECKING:
    from qa.models import Thread


def _active(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def is_case_customer(user: Any, case: Case) -> bool:
    return _active(user) and case.customer_id == user.pk


def speaks_in_case(user: Any, case: Case) -> bool:
    """A rep or admin of the case's brand: writes for the brand in the case."""
    return _active(user) and is_rep(user, case.brand)


def can_read_case(user: Any, case: Case) -> bool:
    return is_case_customer(user, case) or speaks_in_case(user, case) or is_staff_reader(user, case)


def is_staff_reader(user: Any, case: Case) -> bool:
    """Staff read a case only as staff: every reading is audited by the view."""
    return _active(user) and user.is_staff


def can_see_cases_of(user: Any, brand: Any) -> bool:
    """Whether the brand's cases show on the team's pages (inbox, customer card) for this
    person: its reps and admins, and staff; not its product team."""
    return _active(user) and (user.is_staff or is_rep(user, brand))


def access_case(user: Any, pk: int) -> Case:
    """The case, or 404 for anyone who may not read it."""
    case = (
        Case.objects.select_related(
            "brand", "thread", "customer", "opened_by", "summary_answer", "summary_draft"
        )
        .filter(pk=pk)
        .first()
    )
    if case is None or not can_read_case(user, case):
        raise Http404(_("No such case."))
    return case


def check_can_open_case(user: Any, thread: Thread) -> None:
    require_participation(user)
    if not is_rep(user, thread.brand):
        raise PermissionDenied(
            _("Only %(brand)s's reps and admins can continue a thread privately.")
            % {"brand": thread.brand.name}
        )
    if thread.visibility != "published":
        raise PermissionDenied(_("This thread is not public; it can't be continued privately."))


def check_can_write_in_case(user: Any, case: Case) -> None:
    require_participation(user)
    if not (is_case_customer(user, case) or speaks_in_case(user, case)):
        raise PermissionDenied(_("Only the customer and the brand's reps write in this case."))
    if not case.is_open:
        raise PermissionDenied(_("This case is closed; it takes no new messages."))


def check_can_resolve(user: Any, case: Case) -> None:
    require_participation(user)
    if not speaks_in_case(user, case):
        raise PermissionDenied(_("Only the brand's reps and admins close a case."))
    if not case.is_open:
        raise PermissionDenied(_("This case is already closed."))


def check_can_propose_summary(user: Any, case: Case) -> None:
    require_participation(user)
    if not speaks_in_case(user, case):
        raise PermissionDenied(_("Only the brand's reps and admins write the public summary."))
    if case.status != Case.Status.SOLVED:
        raise PermissionDenied(_("A public summary is written once the case is solved."))
    if case.summary_status not in (Case.Summary.NONE, Case.Summary.PROPOSED):
        raise PermissionDenied(_("The customer has already decided about the public summary."))


def check_can_decide_summary(user: Any, case: Case) -> None:
    require_participation(user)
    if not is_case_customer(user, case):
        raise PermissionDenied(_("Only the customer approves or declines the public summary."))
    if case.summary_status != Case.Summary.PROPOSED:
        raise PermissionDenied(_("There is no summary waiting for your decision."))


def can_open_case(user: Any, thread: Thread) -> bool:
    return _allowed(check_can_open_case, user, thread)


def can_write_in_case(user: Any, case: Case) -> bool:
    return _allowed(check_can_write_in_case, user, case)


def can_resolve(user: Any, case: Case) -> bool:
    return _allowed(check_can_resolve, user, case)


def can_propose_summary(user: Any, case: Case) -> bool:
    return _allowed(check_can_propose_summary, user, case)


def can_decide_summary(user: Any, case: Case) -> bool:
    return _allowed(check_can_decide_summary, user, case)


def can_be_case_customer(user: Any, thread: Thread) -> bool:
    """A case is with a customer, never with the brand's own people."""
    return _active(user) and not is_brand_member(user, thread.brand)


def check_summary_writer_speaks(case: Case) -> None:
    """An approved summary is posted as its writer's official answer, so the writer must
    still speak for the brand when the customer approves it."""
    writer = case.summary_by
    if writer is None or not is_rep(writer, case.brand):
        raise PermissionDenied(
            _(
                "The rep who wrote this summary no longer speaks for %(brand)s; "
                "ask the team for a new one."
            )
            % {"brand": case.brand.name}
        )
