"""Sodan's own SMTP receiver, started on a free port, fed real messages with smtplib."""

import os
import smtplib
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from mailin.addresses import reply_address
from mailin.models import InboundMessage
from mailin.smtp import controller
from qa.models import Answer

ROOT = Path(django_settings.BASE_DIR)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtpd():
    port = _free_port()
    receiver = controller("127.0.0.1", port)
    receiver.start()
    yield port
    receiver.stop()


def _wait_for(condition, seconds: float = 20.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.1)
    return condition()


@pytest.mark.django_db(transaction=True)
def test_a_reply_sent_over_smtp_becomes_an_answer(smtpd, eml, thread, other_customer):
    address = reply_address(other_customer, thread=thread)
    raw = eml("reply_shift_jis.eml", to=address, sender=other_customer.email)

    with smtplib.SMTP("127.0.0.1", smtpd, timeout=20) as client:
        refused = client.sendmail(other_customer.email, [address], raw)

    assert refused == {}
    answer = _wait_for(lambda: Answer.objects.filter(thread=thread).first())
    assert answer is not None and answer.author == other_customer
    assert answer.body.startswith("ファームウェア2.2にしたら直りました。")
    inbound = InboundMessage.objects.get()
    assert (inbound.source, inbound.envelope_from) == ("smtp", other_customer.email)
    assert bytes(inbound.raw).replace(b"\r\n", b"\n") == raw.replace(b"\r\n", b"\n")


@pytest.mark.django_db(transaction=True)
def test_a_bounce_over_smtp_is_kept_and_never_posted(smtpd, eml, thread, other_customer):
    address = reply_address(other_customer, thread=thread)
    raw = eml("bounce_dsn.eml", to=address, sender=other_customer.email)

    with smtplib.SMTP("127.0.0.1", smtpd, timeout=20) as client:
        client.sendmail("", [address], raw)  # MAIL FROM:<>

    inbound = _wait_for(
        lambda: InboundMessage.objects.exclude(status=InboundMessage.Status.RECEIVED).first()
    )
    assert (inbound.envelope_from, inbound.reason) == ("<>", InboundMessage.Reason.BOUNCE)
    assert not Answer.objects.filter(thread=thread).exists()


@pytest.mark.django_db(transaction=True)
def test_the_receiver_takes_no_mail_for_other_domains(smtpd):
    with smtplib.SMTP("127.0.0.1", smtpd, timeout=20) as client:
        client.ehlo()
        client.mail("someone@example.net")
        code, _message = client.rcpt("victim@elsewhere.example")

    assert code == 550
    assert not InboundMessage.objects.exists()


def test_the_management_command_listens_on_the_port_it_is_given():
    port = _free_port()
    process = subprocess.Popen(  # noqa: S603 (this interpreter, fixed arguments)
        [sys.executable, "manage.py", "mailin_smtpd", "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env={
            **os.environ,
            "SODAN_MAILIN_DOMAIN": "mail.sodan.example",
            "DJANGO_SETTINGS_MODULE": "community.settings",
        },
    )
    try:
        lines = []  # aiosmtpd logs its start-up on stderr, before or after our line
        while len(lines) < 10 and not any("listening" in line for line in lines):
            lines.append(process.stdout.readline().decode())
        assert f"listening on 127.0.0.1:{port}" in lines[-1], lines
        with smtplib.SMTP("127.0.0.1", port, timeout=20) as client:
            client.ehlo()
            client.mail("someone@example.net")
            assert client.rcpt("victim@elsewhere.example")[0] == 550
            assert client.rcpt("support+hoshino@mail.sodan.example")[0] == 250
    finally:
        process.terminate()
        process.wait(timeout=20)
    assert process.returncode == 0
