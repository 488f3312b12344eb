"""What a brand's admins set for its reports (the cost of a contact, scheduled e-mails) and
the sending of those e-mails.

A schedule sends once per finished period: after a week (Monday to Sunday), a month, a
fiscal quarter (April–June, July–September, October–December, January–March) or a fiscal
year (April to March, as Japanese companies count). The periodic check records the period
on the schedule and queues the e-mail as an outbox message in the same transaction, so a
period is sent once however often the check runs; the e-mail goes to the chosen people who
are still on the team, each in their own language, with every table as a CSV.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from brands import permissions, tasks
from community.spreadsheets import csv_text
from moderation.services import audit_log_record
from outbox.services import message_send

from ..models import Brand, Membership, ReportSchedule, ReportSettings

Period = ReportSchedule.Period


def _months_before(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


def finished_period(period: str, today: date) -> tuple[date, date]:
    """The last whole period before `today`: (first day, the day after the last)."""
    if period == Period.WEEKLY:
        monday = today - timedelta(days=today.weekday())
        return monday - timedelta(days=7), monday
    if period == Period.MONTHLY:
        first = today.replace(day=1)
        return _months_before(first, 1), first
    if period == Period.QUARTERLY:
        # Fiscal quarters begin in April, July, October and January: the calendar's
        # quarter boundaries, numbered from April.
        first = date(today.year, (today.month - 1) // 3 * 3 + 1, 1)
        return _months_before(first, 3), first
    if period == Period.FISCAL_YEAR:
        first = date(today.year if today.month >= 4 else today.year - 1, 4, 1)
        return date(first.year - 1, 4, 1), first
    raise ValueError(period)


def period_name(period: str, start: date, end: date) -> str:
    """How the e-mail names the period: 2026年度 Q1 is April to June 2026."""
    if period == Period.FISCAL_YEAR:
        return _("Fiscal year %(year)s (April %(year)s to March %(next)s)") % {
            "year": start.year,
            "next": start.year + 1,
        }
    if period == Period.QUARTERLY:
        fiscal_year = start.year if start.month >= 4 else start.year - 1
        quarter = (start.month - 4) % 12 // 3 + 1
        return _("Fiscal year %(year)s, quarter %(quarter)s") % {
            "year": fiscal_year,
            "quarter": quarter,
        }
    last = end - timedelta(days=1)
    return _("%(start)s to %(end)s") % {"start": start.isoformat(), "end": last.isoformat()}


@transaction.atomic
def report_settings_set(*, actor: Any, brand: Brand, cost_per_contact: Decimal) -> ReportSettings:
    permissions.check_can_manage_team(actor, brand)
    if cost_per_contact is None or cost_per_contact < 0:
        raise ValidationError({"cost_per_contact": [_("Enter a cost of 0 yen or more.")]})
    report_settings, _created = ReportSettings.objects.update_or_create(
        brand=brand, defaults={"cost_per_contact": cost_per_contact}
    )
    audit_log_record(
        actor=actor,
        action="report.cost_per_contact",
        target=report_settings,
        brand=brand,
        data={"cost_per_contact": str(cost_per_contact)},
    )
    return report_settings


@transaction.atomic
def report_schedule_create(
    *, actor: Any, brand: Brand, period: str, recipient_ids: list[int]
) -> ReportSchedule:
    """Admins choose a period and people of the team to receive it."""
    permissions.check_can_manage_team(actor, brand)
    errors: dict[str, list[str]] = {}
    if period not in Period.values:
        errors["period"] = [_("Choose weekly, monthly, quarterly or fiscal year.")]
    team = set(Membership.objects.active().for_brand(brand).values_list("user_id", flat=True))
    if not recipient_ids:
        errors["recipients"] = [_("Choose at least one person of the team.")]
    elif not set(recipient_ids) <= team:
        errors["recipients"] = [_("Reports go only to people on the team.")]
    if errors:
        raise ValidationError(errors)
    schedule = ReportSchedule.objects.create(
        brand=brand,
        period=period,
        created_by=actor,
        last_period_start=finished_period(period, timezone.localdate())[0],
    )
    schedule.recipients.set(recipient_ids)
    audit_log_record(
        actor=actor,
        action="report.schedule",
        target=schedule,
        brand=brand,
        data={"period": period, "recipients": sorted(recipient_ids)},
    )
    return schedule


@transaction.atomic
def report_schedule_delete(*, actor: Any, schedule: ReportSchedule) -> None:
    permissions.check_can_manage_team(actor, schedule.brand)
    audit_log_record(
        actor=actor,
        action="report.unschedule",
        target=schedule,
        brand=schedule.brand,
        data={"period": schedule.period},
    )
    schedule.delete()


@transaction.atomic
def report_emails_queue(*, today: date | None = None) -> list[int]:
    """Queue the e-mail of every schedule whose period finished since it last sent.
    A new schedule starts with the period just finished counted as sent: its first e-mail
    is about the first whole period after it was made."""
    today = today or timezone.localdate()
    queued = []
    for schedule in ReportSchedule.objects.select_for_update(skip_locked=True):
        start, end = finished_period(schedule.period, today)
        if schedule.last_period_start is not None and schedule.last_period_start >= start:
            continue
        schedule.last_period_start = start
        schedule.save(update_fields=["last_period_start"])
        message_send(tasks.send_report_email, schedule.pk, start.isoformat(), end.isoformat())
        queued.append(schedule.pk)
    return queued


def _moment(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def report_email_send(*, schedule_id: int, start: str, end: str) -> int:
    """E-mail the report of one period to the schedule's people still on the team."""
    from brands import reports

    schedule = ReportSchedule.objects.select_related("brand").filter(pk=schedule_id).first()
    if schedule is None:
        return 0
    brand = schedule.brand
    first, after = date.fromisoformat(start), date.fromisoformat(end)
    team = Membership.objects.active().for_brand(brand).values("user_id")
    recipients = [
        user for user in schedule.recipients.filter(pk__in=team, is_active=True) if user.email
    ]
    url = settings.SITE_URL.rstrip("/") + reverse(
        "brands:reports", kwargs={"brand_slug": brand.slug}
    )
    sent = 0
    for user in recipients:
        with translation.override(user.language or settings.LANGUAGE_CODE):
            report = reports.brand_report(brand=brand, start=_moment(first), now=_moment(after))
            context = {
                "brand": brand,
                "recipient": user,
                "report": report,
                "period": period_name(schedule.period, first, after),
                "schedule": schedule,
                "url": url,
            }
            subject = render_to_string("brands/email/report_subject.txt", context).strip()
            body = render_to_string("brands/email/report.txt", context)
            message = EmailMessage(
                settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject,
                body,
                settings.DEFAULT_FROM_EMAIL,
                [user.email],
            )
            for table in report.tables:
                message.attach(
                    f"{brand.slug}-{table.key}-{first.isoformat()}.csv",
                    csv_text(table.columns, table.rows).encode("utf-8"),
                    "text/csv",
                )
            message.send()
            sent += 1
    return sent
