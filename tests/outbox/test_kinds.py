"""Every kind of side effect goes through the outbox, and each is told once per person per
event even when its message is delivered twice (a deliverer that died after running it,
before marking it done, is replaced once its lease expires)."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from django.core import mail
from django.utils import timezone

from brands import services as brand_services
from brands.models import Brand
from community.models import Notification
from feedback.services import items as feedback_services
from moderation import services as moderation_services
from moderation.models import ModeratorAppointment
from outbox import services
from outbox.models import Message
from qa import services as qa_services
from tests.brands.factories import BrandFactory
from tests.community.factories import UserFactory
from tests.qa.factories import ThreadFactory
from tests.servers import free_port

pytestmark = pytest.mark.django_db


def told() -> Counter:
    """Notifications per (recipient, event), and e-mails sent."""
    counts = Counter(Notification.objects.values_list("recipient_id", "dedupe_key"))
    counts["e-mails"] = len(mail.outbox)
    return counts


def deliver_again(task: str) -> int:
    """Deliver the task's done messages a second time, as after a deliverer died between
    running one and marking it done."""
    ids = list(Message.objects.done().filter(task=task).values_list("pk", flat=True))
    Message.objects.filter(pk__in=ids).update(done_at=None)
    services.sweep(now=timezone.now() + services.lease_duration(), fresh=True)
    assert Message.objects.done().filter(pk__in=ids).count() == len(ids)
    return len(ids)


def once_even_twice(task: str, expected_people: int) -> None:
    before = told()
    assert before and set(before.values()) - {before["e-mails"]} <= {1}
    assert len(before) - 1 == expected_people
    assert deliver_again(task) >= 1
    assert told() == before


def test_answers_posted_and_accepted(thread, customer, other_customer, committed):
    qa_services.thread_me_too_toggle(user=UserFactory(), thread=thread)
    with committed():
        answer = qa_services.answer_create(author=other_customer, thread=thread, body="Reseat")
    once_even_twice("community.tasks.notify_answer_posted", expected_people=2)
    with committed():
        qa_services.answer_accept(actor=customer, answer=answer)
    once_even_twice("community.tasks.notify_answer_accepted", expected_people=3)


def test_moderation_actions_sanctions_and_appeals(thread, customer, committed):
    moderator = UserFactory(username="mod")
    ModeratorAppointment.objects.create(user=moderator)
    with committed():
        moderation_services.post_hide(actor=moderator, post=thread, reason="Off topic")
    once_even_twice("moderation.tasks.notify_moderation_action", expected_people=1)
    with committed():
        appeal = moderation_services.appeal_create(author=customer, post=thread, message="Why?")
        moderation_services.appeal_decide(
            moderator=UserFactory(is_staff=True), appeal=appeal, decision="upheld", reason="No"
        )
    once_even_twice("moderation.tasks.notify_appeal_decided", expected_people=2)
    with committed():
        moderation_services.member_suspend(
            moderator=moderator, member=customer, days=3, reason="Spam"
        )
    once_even_twice("moderation.tasks.notify_sanction", expected_people=3)


def test_crisis_alerts(brand, customer, committed):
    admin = UserFactory(username="boss")
    brand.memberships.create(user=admin, role="admin")
    moderation_services.crisis_keyword_add(actor=admin, brand=brand, phrase="発火")
    with committed():
        ThreadFactory(author=customer, brand=brand, title="充電中に発火しました")
    once_even_twice("moderation.tasks.crisis_alert_notify", expected_people=1)


def test_hand_overs_and_claim_decisions(official, rep, second_rep, staff, customer, committed):
    thread = ThreadFactory(author=customer, brand=official)
    brand_services.thread_take(actor=rep, thread=thread)
    with committed():
        brand_services.thread_hand_over(actor=rep, thread=thread, to=second_rep)
    once_even_twice("brands.tasks.notify_thread_handed_over", expected_people=1)
    community = BrandFactory(name="Kumo", slug="kumo", status=Brand.Status.COMMUNITY)
    claim = brand_services.claim_submit(claimant=customer, brand=community, evidence="I work there")
    with committed():
        brand_services.claim_reject(actor=staff, claim=claim, reason="No proof")
    once_even_twice("brands.tasks.notify_claim_decided", expected_people=2)


def test_response_target_breaches(official, brand_admin, customer, committed):
    thread = ThreadFactory(author=customer, brand=official)
    type(thread).objects.filter(pk=thread.pk).update(
        created_at=timezone.now() - dt.timedelta(hours=100)
    )
    with committed():
        brand_services.response_breaches_record()
    with committed():
        brand_services.response_breaches_record()  # the periodic check, again
    assert Message.objects.filter(task="brands.tasks.notify_response_breach").count() == 1
    once_even_twice("brands.tasks.notify_response_breach", expected_people=1)


def test_feedback_loop_closing_and_mentions(
    official, product_member, rep, z5, customer, other_customer, committed
):
    threads = [
        ThreadFactory(brand=official, author=a, product=z5) for a in (customer, other_customer)
    ]
    item = feedback_services.feedback_item_create(
        actor=product_member, brand=official, title="Battery drain", threads=threads
    )
    with committed():
        feedback_services.feedback_status_set(actor=product_member, item=item, status="shipped")
    once_even_twice("brands.feedback.tasks.close_feedback_loop", expected_people=2)
    with committed():
        feedback_services.feedback_comment_add(
            actor=product_member, item=item, body=f"@{rep.username} please check"
        )
    once_even_twice("brands.feedback.tasks.notify_feedback_mentions", expected_people=3)


def test_invitations_keep_no_token_once_sent(official, brand_admin, committed):
    with committed():
        invitation = brand_services.invitation_create(
            actor=brand_admin, brand=official, email="sora@example.com", role="rep"
        )
    message = Message.objects.get(task="brands.tasks.send_invitation")
    assert message.secret and message.done_at is not None
    assert message.args == []  # the token is gone from the database
    assert all(invitation.token not in str(args) for args in Message.objects.values_list("args"))
    [sent] = mail.outbox
    assert f"/invitations/{invitation.token}/" in sent.body
    assert services.deliver(message.pk) == "skipped"  # done: never sent again
    assert services.sweep(now=timezone.now() + dt.timedelta(days=1), fresh=True).done == 0
    assert len(mail.outbox) == 1


def test_an_invitation_that_cannot_be_sent_keeps_its_token_until_given_up(
    settings, official, brand_admin, committed
):
    settings.SODAN_OUTBOX_MAX_ATTEMPTS = 2
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()
    with committed():
        invitation = brand_services.invitation_create(
            actor=brand_admin, brand=official, email="sora@example.com", role="rep"
        )
    message = Message.objects.get(task="brands.tasks.send_invitation")
    assert message.attempts == 1 and message.args == [invitation.pk, invitation.token]
    services.sweep(now=timezone.now() + dt.timedelta(hours=2))
    message.refresh_from_db()
    assert message.failed_at is not None and message.args == []


def test_every_enqueue_of_a_side_effect_goes_through_the_outbox():
    """No service queues a notification, e-mail, alert or webhook outside the outbox."""
    import pathlib
    import re

    root = pathlib.Path(__file__).resolve().parents[2]
    offenders = []
    for app in ("community", "brands", "qa", "moderation", "themes"):
        for path in (root / app).rglob("*.py"):
            if "migrations" in path.parts or "management" in path.parts:
                continue
            for number, line in enumerate(path.read_text().splitlines(), 1):
                if re.search(r"\.(delay|apply_async)\(", line):
                    offenders.append(f"{path.relative_to(root)}:{number}: {line.strip()}")
    assert offenders == []
