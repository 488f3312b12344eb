"""Each team member's own inbox: which columns it shows and their named filter combinations
(saved views). Within reason: a fixed set of columns, the inbox's own filters, twenty views."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from brands import permissions

from ..models import Brand, InboxView

# The inbox's columns a member may show or hide, in the order the rows show them.
INBOX_COLUMNS = {
    "type": gettext_lazy("Type"),
    "product": gettext_lazy("Product"),
    "customer": gettext_lazy("Customer"),
    "age": gettext_lazy("Asked"),
    "answers": gettext_lazy("Answers"),
    "channel": gettext_lazy("Channel"),
    "owner": gettext_lazy("Owner"),
    "due": gettext_lazy("Response target"),
}
DEFAULT_COLUMNS = ("type", "product", "customer", "age", "answers", "owner", "due")
SAVED_FILTERS = ("tab", "product", "type")
MAX_SAVED_VIEWS = 20


def inbox_preferences(*, brand: Brand, user: Any) -> tuple[list[str], list[InboxView]]:
    """The member's columns and saved views, in one query."""
    rows = list(InboxView.objects.filter(brand=brand, user=user))
    settings_row = next((row for row in rows if not row.name), None)
    columns = list(settings_row.columns) if settings_row else list(DEFAULT_COLUMNS)
    return [c for c in columns if c in INBOX_COLUMNS], [row for row in rows if row.name]


@transaction.atomic
def inbox_columns_set(*, actor: Any, brand: Brand, columns: list[str]) -> InboxView:
    permissions.check_can_read_inbox(actor, brand)
    unknown = [c for c in columns if c not in INBOX_COLUMNS]
    if unknown:
        raise ValidationError({"columns": [_("Choose among the inbox's columns.")]})
    ordered = [c for c in INBOX_COLUMNS if c in columns]
    row, _created = InboxView.objects.update_or_create(
        brand=brand, user=actor, name="", defaults={"columns": ordered}
    )
    return row


@transaction.atomic
def inbox_view_save(*, actor: Any, brand: Brand, name: str, filters: dict[str, str]) -> InboxView:
    """Save the filters under a name (the same name replaces the earlier view)."""
    permissions.check_can_read_inbox(actor, brand)
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": [_("Give the view a name.")]})
    if len(name) > 60:
        raise ValidationError({"name": [_("Keep the name to 60 characters.")]})
    saved = {key: str(filters.get(key) or "") for key in SAVED_FILTERS if filters.get(key)}
    existing = InboxView.objects.filter(brand=brand, user=actor, name=name).first()
    if existing is None:
        if InboxView.objects.filter(brand=brand, user=actor).exclude(name="").count() >= (
            MAX_SAVED_VIEWS
        ):
            raise ValidationError(
                {
                    "name": [
                        _("You have %(n)s saved views: delete one first.") % {"n": MAX_SAVED_VIEWS}
                    ]
                }
            )
        return InboxView.objects.create(brand=brand, user=actor, name=name, filters=saved)
    existing.filters = saved
    existing.save(update_fields=["filters"])
    return existing


@transaction.atomic
def inbox_view_delete(*, actor: Any, view: InboxView) -> None:
    if view.user_id != actor.pk:
        raise ValidationError(_("That saved view is someone else's."))
    view.delete()
