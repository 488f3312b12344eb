"""Scheduled report e-mails: weekly, monthly, fiscal quarters and the fiscal year (April to
March), to people of the team the admin chose, once per finished period, through the
outbox, with every table attached as a CSV Excel opens in Japanese."""

import csv
import io
from datetime import date

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from brands import services
from brands.models import Membership, ReportSchedule
from community.models import User
from outbox.models import Message
from tests.qa.factories import ThreadFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("period", "today", "expected"),
    [
        ("weekly", date(2026, 12, 3), (date(2026, 11, 23), date(2026, 11, 30))),
        ("monthly", date(2026, 1, 15), (date(2025, 12, 1), date(2026, 1, 1))),
        # Fiscal quarters: April–June is the first; in May the last finished one is Jan–Mar.
        ("quarterly", date(2026, 5, 10), (date(2026, 1, 1), date(2026, 4, 1))),
        ("quarterly", date(2026, 7, 1), (date(2026, 4, 1), date(2026, 7, 1))),
        # The fiscal year runs April to March: in February 2027 the last whole one is FY2025.
        ("fiscal_year", date(2027, 2, 1), (date(2025, 4, 1), date(2026, 4, 1))),
        ("fiscal_year", date(2026, 4, 1), (date(2025, 4, 1), date(2026, 4, 1))),
    ],
)
def test_finished_periods(period, today, expected):
    assert services.finished_period(period, today) == expected


def test_period_names_speak_of_fiscal_years():
    name = services.report_schedules.period_name
    assert name("quarterly", date(2026, 1, 1), date(2026, 4, 1)) == "Fiscal year 2025, quarter 4"
    assert name("quarterly", date(2026, 4, 1), date(2026, 7, 1)) == "Fiscal year 2026, quarter 1"
    assert name("fiscal_year", date(2025, 4, 1), date(2026, 4, 1)) == (
        "Fiscal year 2025 (April 2025 to March 2026)"
    )


def test_only_admins_schedule_and_only_to_the_team(official, brand_admin, rep, customer):
    with pytest.raises(PermissionDenied):
        services.report_schedule_create(
            actor=rep, brand=official, period="weekly", recipient_ids=[rep.pk]
        )
    with pytest.raises(ValidationError) as error:
        services.report_schedule_create(
            actor=brand_admin, brand=official, period="weekly", recipient_ids=[customer.pk]
        )
    assert "only to people on the team" in str(error.value)
    with pytest.raises(ValidationError) as error:
        services.report_schedule_create(
            actor=brand_admin, brand=official, period="daily", recipient_ids=[rep.pk]
        )
    assert "period" in error.value.message_dict
    assert not ReportSchedule.objects.exists()


def test_the_reports_page_schedules_an_email(login, official, brand_admin, rep):
    response = login(brand_admin).post(
        reverse("brands:report_schedule_create", args=[official.slug]),
        {"period": "quarterly", "recipients": [rep.pk, brand_admin.pk]},
    )
    assert response.status_code == 302
    schedule = ReportSchedule.objects.get()
    assert set(schedule.recipients.all()) == {rep, brand_admin}
    page = login(brand_admin).get(reverse("brands:reports", args=[official.slug]))
    assert "Every fiscal quarter" in page.content.decode()


def test_each_finished_period_is_sent_once_through_the_outbox(
    official, brand_admin, rep, customer, committed
):
    User.objects.filter(pk=rep.pk).update(language="ja")
    schedule = services.report_schedule_create(
        actor=brand_admin, brand=official, period="weekly", recipient_ids=[rep.pk]
    )
    ThreadFactory(brand=official, author=customer, title="電池の減りが早い")
    # The week it was made in counts as sent: nothing goes out until the next one ends.
    assert services.report_emails_queue(today=timezone.localdate()) == []
    ReportSchedule.objects.filter(pk=schedule.pk).update(last_period_start=date(2020, 1, 6))
    with committed():
        assert services.report_emails_queue() == [schedule.pk]
    assert services.report_emails_queue() == []  # the same period again: nothing
    assert Message.objects.filter(task="brands.tasks.send_report_email").count() == 1
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == [rep.email]
    assert official.name in email.subject
    names = [name for name, _content, _type in email.attachments]
    assert f"{official.slug}-by_channel-" in " ".join(names)
    by_channel = next(body for name, body, _t in email.attachments if "-by_channel-" in name)
    # Text attachments are kept as text and sent as UTF-8: the mark leads the file.
    assert by_channel.startswith("\ufeff")
    assert b"\xef\xbb\xbf" in _attachment_bytes(email, "-by_channel-")
    rows = list(csv.reader(io.StringIO(by_channel.removeprefix("\ufeff"))))
    assert len(rows) > 1


def _attachment_bytes(email, part_of_name: str) -> bytes:
    """The attachment as the mail server receives it, decoded from its transfer encoding."""
    for part in email.message().walk():
        if part_of_name in (part.get_filename() or ""):
            return part.get_payload(decode=True)
    raise AssertionError(part_of_name)


def test_people_who_left_the_team_no_longer_receive_it(
    official, brand_admin, rep, second_rep, committed
):
    schedule = services.report_schedule_create(
        actor=brand_admin,
        brand=official,
        period="monthly",
        recipient_ids=[rep.pk, second_rep.pk],
    )
    services.membership_revoke(
        actor=brand_admin, membership=Membership.objects.get(brand=official, user=second_rep)
    )
    ReportSchedule.objects.filter(pk=schedule.pk).update(last_period_start=date(2020, 1, 1))
    with committed():
        services.report_emails_queue()
    assert [email.to for email in mail.outbox] == [[rep.email]]
