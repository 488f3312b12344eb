"""A reply to a notification becomes an answer by that person, after the web form's rules;
what must never post (bounces, automatic replies, forged and replayed mail) is refused and
kept with its reason."""

import time
from email.message import EmailMessage

import pytest
from django.core import mail

from brands.models import Membership
from cases.models import CaseMessage
from community.models import Notification
from mailin.addresses import reply_address
from mailin.models import InboundMessage
from qa.models import Answer
from tests.community.factories import UserFactory

pytestmark = pytest.mark.django_db

Reason = InboundMessage.Reason


@pytest.fixture
def ken_address(other_customer, thread):
    return reply_address(other_customer, thread=thread)


def _answers(thread):
    return list(Answer.objects.filter(thread=thread).order_by("pk"))


def test_a_reply_appears_as_an_answer_and_notifies_like_a_web_answer(
    eml, receive, thread, customer, other_customer, ken_address
):
    mail.outbox.clear()
    raw = eml("reply_webmail.eml", to=ken_address, sender=other_customer.email)

    inbound = receive(raw)

    assert inbound.status == InboundMessage.Status.POSTED
    [answer] = _answers(thread)
    assert answer.author == other_customer
    assert answer.body == "Holding the release button for ten seconds freed it."
    assert inbound.answer == answer
    thread.refresh_from_db()
    assert thread.answer_count == 1
    # the asker is told as for an answer written on the site: a notification and an e-mail
    notification = Notification.objects.get(recipient=customer)
    assert notification.kind == Notification.Kind.ANSWER_POSTED
    assert notification.answer == answer
    assert [message.to for message in mail.outbox] == [[customer.email]]
    assert "Holding the release button" in mail.outbox[0].body


def test_a_shift_jis_reply_with_a_japanese_quote_header_keeps_only_the_new_text(
    eml, receive, thread, other_customer, ken_address
):
    raw = eml("reply_shift_jis.eml", to=ken_address, sender=other_customer.email)

    receive(raw)

    [answer] = _answers(thread)
    assert answer.body == "ファームウェア2.2にしたら直りました。\nありがとうございます！①"


def test_carrier_mail_in_iso_2022_jp_drops_the_signature_and_the_quote(
    eml, receive, thread, other_customer, ken_address
):
    receive(eml("reply_iso_2022_jp.eml", to=ken_address, sender=other_customer.email))

    [answer] = _answers(thread)
    assert answer.body == "設定から初期化したら大丈夫でした。"


def test_html_only_mail_from_outlook_becomes_text_without_the_original_message(
    eml, receive, thread, other_customer, ken_address
):
    receive(eml("reply_html_only.eml", to=ken_address, sender=other_customer.email))

    [answer] = _answers(thread)
    assert answer.body == "再起動で直りました。\n\n手順は説明書の通りです。"
    assert "<" not in answer.body_html.replace("<p>", "").replace("</p>", "").replace("<br>", "")


def test_a_lowercased_reply_address_still_posts(eml, receive, thread, other_customer, ken_address):
    receive(eml("reply_webmail.eml", to=ken_address.lower(), sender=other_customer.email.upper()))

    assert len(_answers(thread)) == 1


def test_a_forged_sender_is_refused_logged_and_never_answered(
    eml, receive, thread, other_customer, ken_address
):
    mail.outbox.clear()
    raw = eml("reply_webmail.eml", to=ken_address, sender="mallory@attacker.example")

    inbound = receive(raw)

    assert (inbound.status, inbound.reason) == (InboundMessage.Status.REFUSED, Reason.FORGED)
    assert bytes(inbound.raw) == raw  # kept as it came
    assert _answers(thread) == []
    assert mail.outbox == []  # never a word back to a forged sender


def test_another_members_address_in_from_is_forged_too(eml, receive, thread, customer, ken_address):
    inbound = receive(eml("reply_webmail.eml", to=ken_address, sender=customer.email))

    assert inbound.reason == Reason.FORGED
    assert _answers(thread) == []


def test_a_failed_spf_verdict_refuses_the_reply(eml, receive, thread, other_customer, ken_address):
    raw = eml("reply_webmail.eml", to=ken_address, sender=other_customer.email)
    raw = (
        b"Authentication-Results: mx.sodan.example; spf=fail smtp.mailfrom=customers.example\r\n"
        + raw
    )

    inbound = receive(raw)

    assert inbound.reason == Reason.AUTH_FAILED
    assert _answers(thread) == []


def test_a_replayed_message_is_refused(eml, receive, thread, other_customer, ken_address):
    raw = eml("reply_webmail.eml", to=ken_address, sender=other_customer.email)

    first = receive(raw)
    again = receive(raw)  # the provider retried, or someone replays it
    resent = receive(
        eml("reply_webmail.eml", to=ken_address, sender=other_customer.email, message_id="x@y")
    )  # the same words to the same address under a new Message-ID

    assert first.status == InboundMessage.Status.POSTED
    assert (again.status, again.reason) == (InboundMessage.Status.REFUSED, Reason.REPLAY)
    assert resent.reason == Reason.REPLAY
    assert len(_answers(thread)) == 1
    assert InboundMessage.objects.count() == 3  # all kept


def test_an_expired_reply_address_is_refused_and_the_member_is_told(
    eml, receive, thread, other_customer, settings
):
    old = reply_address(other_customer, thread=thread, now=time.time() - 91 * 86400)
    mail.outbox.clear()

    inbound = receive(eml("reply_webmail.eml", to=old, sender=other_customer.email))

    assert inbound.reason == Reason.EXPIRED
    assert _answers(thread) == []
    [notice] = mail.outbox
    assert notice.to == [other_customer.email]
    assert "90 days" in notice.body
    assert thread.get_absolute_url() in notice.body
    assert notice.extra_headers["Auto-Submitted"] == "auto-replied"


def test_an_altered_reply_address_is_refused_without_a_word_back(
    eml, receive, thread, other_customer, ken_address
):
    local, domain = ken_address.split("@")
    altered = f"{local[:-3]}{'aaa' if not local.endswith('aaa') else 'bbb'}@{domain}"
    mail.outbox.clear()

    inbound = receive(eml("reply_webmail.eml", to=altered, sender=other_customer.email))

    assert inbound.reason == Reason.BAD_ADDRESS
    assert mail.outbox == []


@pytest.mark.parametrize("fixture", ["bounce_dsn.eml", "auto_reply.eml"])
def test_bounces_and_automatic_replies_never_post(
    eml, receive, thread, other_customer, ken_address, fixture
):
    mail.outbox.clear()

    inbound = receive(eml(fixture, to=ken_address, sender=other_customer.email))

    assert inbound.status == InboundMessage.Status.REFUSED
    assert inbound.reason == (Reason.BOUNCE if fixture == "bounce_dsn.eml" else Reason.AUTO_REPLY)
    assert _answers(thread) == []
    assert mail.outbox == []  # no mail loops


@pytest.mark.parametrize(
    "header",
    [
        "Precedence: bulk",
        "Precedence: auto_reply",
        "X-Autoreply: yes",
        "Auto-Submitted: auto-generated",
    ],
)
def test_each_automatic_reply_mark_refuses(
    eml, receive, thread, other_customer, ken_address, header
):
    raw = (
        header.encode()
        + b"\r\n"
        + eml("reply_webmail.eml", to=ken_address, sender=other_customer.email)
    )

    assert receive(raw).reason == Reason.AUTO_REPLY


def test_a_null_envelope_sender_is_a_bounce(eml, receive, thread, other_customer, ken_address):
    raw = eml("reply_webmail.eml", to=ken_address, sender=other_customer.email)

    assert receive(raw, envelope_from="").reason == Reason.BOUNCE
    assert _answers(thread) == []


def test_the_web_forms_rules_apply_and_the_reason_is_mailed_back(
    eml, receive, thread, customer, ken_address, other_customer
):
    thread.locked_at = thread.created_at
    thread.save(update_fields=["locked_at"])
    mail.outbox.clear()

    inbound = receive(eml("reply_webmail.eml", to=ken_address, sender=other_customer.email))

    assert inbound.reason == Reason.NOT_ALLOWED
    assert _answers(thread) == []
    [notice] = mail.outbox
    assert "A moderator locked this thread" in notice.body


def test_an_unverified_member_cannot_answer_by_mail(eml, receive, thread):
    member = UserFactory(verified=False)
    address = reply_address(member, thread=thread)

    inbound = receive(eml("reply_webmail.eml", to=address, sender=member.email))

    assert inbound.reason == Reason.NOT_ALLOWED
    assert "Confirm your e-mail address" in inbound.detail
    assert _answers(thread) == []


def test_the_posting_rate_limit_applies(
    eml, receive, thread, other_customer, ken_address, settings
):
    settings.SODAN_RATE_LIMITS_ENABLED = True
    settings.SODAN_RATE_LIMITS = {**settings.SODAN_RATE_LIMITS, "post": (1, 3600)}
    settings.SODAN_NEW_MEMBER = {**settings.SODAN_NEW_MEMBER, "posts_per_hour": 1}

    first = receive(eml("reply_webmail.eml", to=ken_address, sender=other_customer.email))
    second = receive(eml("reply_shift_jis.eml", to=ken_address, sender=other_customer.email))

    assert first.status == InboundMessage.Status.POSTED
    assert second.reason == Reason.RATE_LIMITED
    assert len(_answers(thread)) == 1


def test_the_new_member_link_limit_applies(receive, thread, other_customer, ken_address):
    message = EmailMessage()
    message["From"] = other_customer.email
    message["To"] = ken_address
    message["Subject"] = "Re: links"
    message["Message-ID"] = "<links-1@customers.example>"
    message.set_content(
        "See https://a.example/1 https://a.example/2 https://a.example/3 https://a.example/4"
    )

    inbound = receive(message.as_bytes())

    assert inbound.reason == Reason.INVALID
    assert "links" in inbound.detail
    assert _answers(thread) == []


def test_a_quoted_only_reply_posts_nothing(receive, thread, other_customer, ken_address):
    message = EmailMessage()
    message["From"] = other_customer.email
    message["To"] = ken_address
    message["Message-ID"] = "<empty-1@customers.example>"
    message.set_content("> only the old mail\n> quoted\n")

    assert receive(message.as_bytes()).reason == Reason.EMPTY
    assert _answers(thread) == []


def test_a_reply_to_a_private_case_is_a_case_message(receive, thread, customer, brand):
    from cases.services import case_open
    from tests.brands.factories import MembershipFactory

    rep = UserFactory()
    MembershipFactory(user=rep, brand=brand)
    case = case_open(actor=rep, thread=thread, body="Your order number, please.")
    message = EmailMessage()
    message["From"] = customer.email
    message["To"] = reply_address(customer, case=case)
    message["Message-ID"] = "<case-1@customers.example>"
    message.set_content("My order number is 4417.\n\nOn Thu, Dec 3, 2026 Sodan wrote:\n> …")

    inbound = receive(message.as_bytes())

    assert inbound.status == InboundMessage.Status.POSTED
    [message_row] = CaseMessage.objects.filter(case=case, author=customer)
    assert message_row.body == "My order number is 4417."
    assert Answer.objects.filter(thread=thread).count() == 0  # nothing public


def test_a_brand_holding_first_posts_holds_a_reply_by_mail_too(
    receive, eml, brand, thread, other_customer, ken_address
):
    from moderation.models import FirstPostHold

    FirstPostHold.objects.create(brand=brand, posts=1)

    inbound = receive(eml("reply_webmail.eml", to=ken_address, sender=other_customer.email))

    [answer] = _answers(thread)
    assert inbound.answer == answer
    assert answer.visibility != "published"  # waits for a moderator, as on the site
    thread.refresh_from_db()
    assert thread.answer_count == 0


def test_a_crisis_keyword_in_a_reply_by_mail_raises_the_alert(
    receive, brand, thread, other_customer, ken_address
):
    from datetime import timedelta

    from django.utils import timezone

    from brands.models import Brand
    from moderation import services as moderation
    from moderation.models import CrisisAlert, Flag
    from tests.brands.factories import MembershipFactory

    Brand.objects.filter(pk=brand.pk).update(
        status=Brand.Status.OFFICIAL, official_since=timezone.now() - timedelta(days=30)
    )
    brand.refresh_from_db()
    admin = UserFactory()
    MembershipFactory(user=admin, brand=brand, role=Membership.Role.ADMIN)
    moderation.crisis_keyword_add(actor=admin, brand=brand, phrase="発火")
    message = EmailMessage()
    message["From"] = other_customer.email
    message["To"] = ken_address
    message["Message-ID"] = "<crisis-1@customers.example>"
    message.set_content("充電中に発火しました。")

    receive(message.as_bytes())

    [answer] = _answers(thread)
    assert Flag.objects.get(answer=answer, reason="crisis").note == "発火"
    assert CrisisAlert.objects.exists()
