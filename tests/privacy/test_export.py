"""A member's data export: asked for on the privacy page, prepared in the background
through the outbox (so a broker outage only delays it), a zip of JSON and readable HTML
holding everything Sodan keeps about them, linked by e-mail, downloadable by them alone,
removed when it expires."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from brands import services as brand_services
from cases import services as case_services
from community.models import Notification
from moderation.models import Flag, Sanction
from outbox.models import Message
from outbox.services import sweep
from privacy import services
from privacy.models import DataExport
from qa import services as qa_services
from tests.outbox.test_broker_down import broker_port  # noqa: F401 - a fixture
from tests.qa.factories import AnswerFactory

pytestmark = pytest.mark.django_db

# The session, the member and the exports.
PRIVACY_PAGE_QUERIES = 3


def _zip(response) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def _history(customer, customer_thread, other_customer, rep):
    """A little of everything: posts, an edit, a vote, a me-too, a case, a flag, a
    sanction, preferences, a social account."""
    answer = AnswerFactory(thread=customer_thread, author=other_customer)
    qa_services.answer_vote_toggle(user=customer, answer=answer)
    mine = qa_services.answer_create(author=customer, thread=customer_thread, body="Same here.")
    qa_services.answer_edit(actor=customer, answer=mine, body="Same here, on firmware 2.1.")
    other_thread = AnswerFactory(author=other_customer).thread
    qa_services.thread_me_too_toggle(user=customer, thread=other_thread)
    case = case_services.case_open(actor=rep, thread=customer_thread, body="Order number?")
    case_services.case_message_post(actor=customer, case=case, body="HC-4411-2287")
    Flag.objects.create(
        thread=other_thread, brand=other_thread.brand, flagger=customer, reason="spam"
    )
    Sanction.objects.create(user=customer, kind="suspension", reason="Shouting", imposed_by=rep)
    services.social_accounts_update(user=customer, accounts={"x": ("hana_cam", "brands")})
    brand_services.customer_note_add(
        actor=rep, brand=customer_thread.brand, customer=customer, body="Prefers e-mail"
    )


def test_the_export_holds_everything_as_json_and_readable_html(
    login, committed, customer, customer_thread, other_customer, rep
):
    _history(customer, customer_thread, other_customer, rep)
    client = login(customer)
    with committed():
        response = client.post(reverse("privacy:export_request"))
    assert response.status_code == 302
    export = DataExport.objects.get(user=customer)
    assert export.status == "ready" and export.file
    assert export.expires_at - export.ready_at == dt.timedelta(days=7)

    # The link came by e-mail (and in-app), and leads to the zip.
    link = reverse("privacy:export_download", args=[export.pk])
    (message,) = [m for m in mail.outbox if customer.email in m.to]
    assert link in message.body
    assert Notification.objects.filter(recipient=customer, kind="data_export_ready").exists()
    response = client.get(link)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    archive = _zip(response)
    names = set(archive.namelist())
    sections = {
        "profile", "email_addresses", "sign_in_providers", "social_accounts", "consents",
        "threads", "answers", "revisions", "votes", "me_toos", "notifications",
        "private_cases", "private_case_messages", "flags", "sanctions",
    }  # fmt: skip
    for section in sections:
        assert f"json/{section}.json" in names and f"html/{section}.html" in names
    index = archive.read("index.html").decode()
    for section in sections:
        assert f'href="html/{section}.html"' in index

    def rows(section):
        return json.loads(archive.read(f"json/{section}.json"))

    (profile,) = rows("profile")
    assert profile["username"] == "hana" and profile["email"] == customer.email
    assert "password" not in profile
    assert [row["email"] for row in rows("email_addresses")] == [customer.email]
    assert [row["title"] for row in rows("threads")] == [customer_thread.title]
    assert [row["body"] for row in rows("answers")] == ["Same here, on firmware 2.1."]
    assert "Same here." in [row["body"] for row in rows("revisions")]
    assert len(rows("votes")) == 1 and len(rows("me_toos")) == 1
    assert [row["body"] for row in rows("private_case_messages")] == [
        "Order number?",
        "HC-4411-2287",
    ]
    assert [row["reason"] for row in rows("flags")] == ["spam"]
    assert [row["reason"] for row in rows("sanctions")] == ["Shouting"]
    assert rows("social_accounts")[0]["value"] == "hana_cam"
    assert rows("consents") == [
        {"email_notifications": True, "language": "", "feedback_emails_stopped": False}
    ]
    # The brand's private notes are the brand's to disclose, on request; not in the zip.
    assert "Prefers e-mail" not in b"".join(archive.read(n) for n in names).decode()
    assert "HC-4411-2287" in archive.read("html/private_case_messages.html").decode()


def test_nobody_else_can_download_it(login, committed, customer, other_customer, rep, staff):
    with committed():
        services.export_request(user=customer)
    link = reverse("privacy:export_download", args=[DataExport.objects.get().pk])
    for stranger in (other_customer, rep, staff):
        assert login(stranger).get(link).status_code == 404
    anonymous = Client().get(link)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]


def test_an_export_expires_and_its_file_is_removed(login, committed, customer, settings, _media):
    settings.SODAN_EXPORT_DAYS = 2
    with committed():
        export = services.export_request(user=customer)
    export.refresh_from_db()
    stored = _media / export.file.name
    assert stored.exists()
    link = reverse("privacy:export_download", args=[export.pk])
    assert login(customer).get(link).status_code == 200

    assert services.exports_expire(now=timezone.now() + dt.timedelta(days=1)) == 0
    assert services.exports_expire(now=timezone.now() + dt.timedelta(days=2, minutes=1)) == 1
    export.refresh_from_db()
    assert export.status == "expired" and not export.file
    assert not stored.exists()
    assert login(customer).get(link).status_code == 404


def test_expiry_is_periodic(settings):
    schedule = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "privacy.tasks.exports_expire" in schedule


def test_asking_twice_while_it_is_prepared_queues_one(customer):
    first = services.export_request(user=customer)
    assert services.export_request(user=customer) == first
    assert Message.objects.filter(task="privacy.tasks.export_prepare").count() == 1


def test_the_export_waits_out_a_broker_outage(
    broker_port,  # noqa: F811
    login,
    committed,
    customer,
):
    with committed():
        response = login(customer).post(reverse("privacy:export_request"))
    assert response.status_code == 302  # the request never fails
    export = DataExport.objects.get()
    assert export.status == "preparing"
    message = Message.objects.get(task="privacy.tasks.export_prepare")
    assert message.done_at is None
    sweep(now=timezone.now() + dt.timedelta(minutes=1))
    export.refresh_from_db()
    assert export.status == "ready"
    assert any(customer.email in m.to for m in mail.outbox)


def test_the_privacy_page_costs_the_same_whatever_the_exports(
    login, customer, django_assert_num_queries
):
    client = login(customer)
    DataExport.objects.create(user=customer)
    client.get(reverse("privacy:privacy"))
    for _ in range(5):
        DataExport.objects.create(user=customer)
    with django_assert_num_queries(PRIVACY_PAGE_QUERIES):
        response = client.get(reverse("privacy:privacy"))
    assert response.status_code == 200
