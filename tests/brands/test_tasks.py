"""The response-target check: overdue threads alert the brand's admins once, however many
times the periodic task runs."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone

from brands import services, tasks
from brands.models import Brand, Membership, ResponseTargetBreach
from community.models import Notification
from qa import services as qa_services
from qa.models import Thread
from tests.brands.factories import BrandFactory
from tests.qa.factories import AnswerFactory, ThreadFactory

pytestmark = pytest.mark.django_db


def _age(thread, hours):
    Thread.objects.filter(pk=thread.pk).update(created_at=timezone.now() - timedelta(hours=hours))


def _run(committed):
    with committed():
        return tasks.response_targets_check.delay().get()


def test_the_check_is_scheduled():
    entry = settings.CELERY_BEAT_SCHEDULE["brands-response-targets"]
    assert entry["task"] == "brands.tasks.response_targets_check"


def test_an_overdue_thread_alerts_the_admins_once(
    official, brand_admin, rep, customer_thread, committed
):
    second_admin = rep
    Membership.objects.filter(user=rep).update(role=Membership.Role.ADMIN)
    _age(customer_thread, 25)
    assert _run(committed) == 1
    breach = ResponseTargetBreach.objects.get()
    assert breach.thread_id == customer_thread.pk and breach.notified_at
    notices = Notification.objects.filter(kind=Notification.Kind.RESPONSE_OVERDUE)
    assert sorted(n.recipient_id for n in notices) == sorted([brand_admin.pk, second_admin.pk])
    assert len(mail.outbox) == 2
    assert "Past the response target" in mail.outbox[0].subject

    # Again and again: nothing new.
    assert _run(committed) == 0
    assert _run(committed) == 0
    assert ResponseTargetBreach.objects.count() == 1
    assert notices.count() == 2
    assert len(mail.outbox) == 2


def test_a_retried_alert_does_not_repeat(official, brand_admin, customer_thread, committed):
    _age(customer_thread, 30)
    _run(committed)
    breach = ResponseTargetBreach.objects.get()
    ResponseTargetBreach.objects.filter(pk=breach.pk).update(notified_at=None)  # lost ack
    assert tasks.notify_response_breach.delay(breach.pk).get() == 1  # delivered, not repeated
    assert Notification.objects.filter(recipient=brand_admin).count() == 1
    assert len(mail.outbox) == 1
    assert tasks.notify_response_breach.delay(breach.pk).get() == 0


def test_owned_threads_are_checked_too(official, brand_admin, rep, customer_thread, committed):
    services.thread_take(actor=rep, thread=customer_thread)
    _age(customer_thread, 25)
    assert _run(committed) == 1


@pytest.mark.parametrize("response", ["official_answer", "endorsement"])
def test_an_official_response_meets_the_target(
    official, brand_admin, rep, customer_thread, customer_answer, committed, response
):
    if response == "official_answer":
        AnswerFactory(thread=customer_thread, author=rep)
    else:
        services.answer_endorse(actor=rep, answer=customer_answer)
    _age(customer_thread, 48)
    assert _run(committed) == 0
    assert not ResponseTargetBreach.objects.exists()


def test_what_the_target_does_not_cover(official, brand_admin, customer, committed):
    within = ThreadFactory(brand=official)
    _age(within, 23)
    solved = ThreadFactory(brand=official, author=customer)
    qa_services.answer_accept(actor=customer, answer=AnswerFactory(thread=solved))
    _age(solved, 30)
    before_official = ThreadFactory(brand=official)
    _age(before_official, 24 * 40)  # official_since is 30 days ago
    community = BrandFactory(status=Brand.Status.COMMUNITY)
    _age(ThreadFactory(brand=community), 100)
    assert _run(committed) == 0
    assert not Notification.objects.filter(kind=Notification.Kind.RESPONSE_OVERDUE).exists()


def test_the_brands_own_target_applies(official, brand_admin, customer_thread, committed):
    services.brand_response_target_set(actor=brand_admin, brand=official, hours=2)
    _age(customer_thread, 3)
    assert _run(committed) == 1
    assert ResponseTargetBreach.objects.get().due_at < timezone.now()


def test_a_brand_without_admins_records_the_breach_quietly(official, customer_thread, committed):
    _age(customer_thread, 25)
    assert _run(committed) == 1
    assert ResponseTargetBreach.objects.get().notified_at is not None
    assert not Notification.objects.exists()
