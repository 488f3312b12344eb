"""The new words of a reply, whatever client wrote it; and what kind of mail it is."""

from email.message import EmailMessage

import pytest

from mailin.parsing import is_auto_reply, is_bounce, reply_text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Thanks, fixed.\n\nOn Thu, Dec 3, 2026 at 10:00 Sodan <r@x> wrote:\n> old",
            "Thanks, fixed.",
        ),
        ("直りました。\n\n山田花子さんは書きました：\n> 古い", "直りました。"),
        (
            "直りました。\n\n2026年12月3日(木) 10:00 山田 <yamada@example.jp>:\n> 古い",
            "直りました。",
        ),
        ("直りました。\n\n2026/12/03 10:00、Sodan <r@x> のメール:\n> 古い", "直りました。"),
        ("Done.\n\n-----Original Message-----\nFrom: Sodan\nSent: today", "Done."),
        ("完了。\n\n-----元のメッセージ-----\n差出人: Sodan\n送信日時: 今日", "完了。"),
        ("Done.\n\n________________________________\nFrom: Sodan\nSent: today", "Done."),
        ("完了。\n\n差出人: Sodan <r@x>\n送信日時: 2026年12月3日\n件名: Re", "完了。"),
        ("Line one\n> quoted in the middle\nLine two", "Line one\nLine two"),
        ("Works now.\n-- \nHana\nSent from my phone", "Works now."),
        ("From: the top of my head, it works.", "From: the top of my head, it works."),
    ],
)
def test_only_the_new_text_is_kept(text, expected):
    assert reply_text(text) == expected


def _message(**headers) -> EmailMessage:
    message = EmailMessage()
    message["From"] = headers.pop("From", "hana@customers.example")
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content("hello")
    return message


def test_bounces_are_recognised():
    assert is_bounce(_message(From="MAILER-DAEMON@mx.example"), None)
    assert is_bounce(_message(From="postmaster@mx.example"), None)
    assert is_bounce(_message(Return_Path="<>"), None)
    assert is_bounce(_message(), "")
    assert not is_bounce(_message(), None)
    assert not is_bounce(_message(), "hana@customers.example")


def test_automatic_replies_are_recognised_and_a_person_is_not():
    assert is_auto_reply(_message(Auto_Submitted="auto-replied"))
    assert is_auto_reply(_message(X_Autoreply="yes"))
    assert is_auto_reply(_message(Precedence="bulk"))
    assert is_auto_reply(_message(X_Auto_Response_Suppress="All"))
    assert not is_auto_reply(_message(Auto_Submitted="no"))
    assert not is_auto_reply(_message())
