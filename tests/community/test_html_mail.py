import pytest
from django.core import mail

from community.models import Notification, User
from community.services import notification_deliver
from qa.models import ThreadSubscription
from themes.models import BrandTheme

pytestmark = pytest.mark.django_db


def _deliver(customer, thread, key="h1", kind=Notification.Kind.ANSWER_POSTED, **kwargs):
    mail.outbox.clear()
    notification_deliver(
        recipients=[customer], kind=kind, dedupe_key=key, actor=None, thread=thread, **kwargs
    )
    (message,) = mail.outbox
    return message


def _html(message):
    ((html, mimetype),) = message.alternatives
    assert mimetype == "text/html"
    return html


def test_a_notice_has_a_text_part_and_an_html_part_in_the_brands_look(customer, thread):
    BrandTheme.objects.create(
        brand=thread.brand,
        published_accent_colour="#aa3300",
        published_footer_text="Hoshino Camera Co., Ltd.",
        published_at=thread.created_at,
    )
    message = _deliver(customer, thread)
    assert thread.title in message.body  # the plain text, always there
    html = _html(message)
    assert thread.brand.name in html
    assert "#aa3300" in html
    assert "Hoshino Camera Co., Ltd." in html
    assert "<table" in html


def test_each_mail_says_why_it_was_sent_and_links_to_stop_its_topic(customer, thread):
    assert ThreadSubscription.objects.filter(thread=thread, user=customer).exists()
    message = _deliver(customer, thread)
    assert "because you asked this question" in message.body
    assert "Stop e-mails about “Answers and comments on my threads and cases”" in message.body
    assert "/unsubscribe/" in message.body
    assert "because you asked this question" in _html(message)


def test_the_mail_is_in_the_recipients_language(customer, thread):
    User.objects.filter(pk=customer.pk).update(language="ja")
    customer.refresh_from_db()
    message = _deliver(customer, thread)
    assert 'lang="ja"' in _html(message)
    assert "新しい回答" in message.subject


def test_user_words_are_escaped_in_the_html_part(customer, brand):
    from tests.qa.factories import ThreadFactory

    thread = ThreadFactory(author=customer, brand=brand, title="<script>alert(1)</script> help")
    html = _html(_deliver(customer, thread))
    assert "<script>alert(1)</script>" not in html
    assert "alert(1)" in html


def test_reply_to_is_the_signed_address_for_the_thread(customer, thread):
    mailin = pytest.importorskip("mailin.addresses")
    message = _deliver(customer, thread)
    (address,) = message.reply_to
    parsed = mailin.recipient_parse(address)
    assert parsed.kind == "reply"
    read = mailin.token_read(address.split("@")[0].split("+", 1)[1])
    assert (read.user_id, read.kind, read.target_id) == (customer.pk, "thread", thread.pk)


def test_account_mail_has_no_reply_address_without_a_thread(customer):
    mail.outbox.clear()
    notification_deliver(
        recipients=[customer],
        kind=Notification.Kind.SANCTION,
        dedupe_key="s",
        actor=None,
        message="Suspended.",
    )
    (message,) = mail.outbox
    assert message.reply_to == []
    assert "cannot be turned off" in message.body
