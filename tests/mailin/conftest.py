from pathlib import Path

import pytest

from mailin.services import message_receive

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(autouse=True)
def _mail_domain(settings):
    settings.SODAN_MAILIN_DOMAIN = "mail.sodan.example"
    settings.SITE_URL = "https://sodan.example"


@pytest.fixture
def eml():
    """A real message from tests/mailin/fixtures, addressed and signed as the test says."""

    def _eml(name: str, *, to: str, sender: str, message_id: str | None = None) -> bytes:
        raw = (FIXTURES / name).read_bytes()
        raw = raw.replace(b"{{TO}}", to.encode()).replace(b"{{FROM}}", sender.encode())
        if message_id is not None:
            start = raw.index(b"Message-ID: <") + len(b"Message-ID: <")
            end = raw.index(b">", start)
            raw = raw[:start] + message_id.encode() + raw[end:]
        return raw

    return _eml


@pytest.fixture
def receive(committed):
    """Hand a message to mail in as a way in does, and let the outbox deliver what it
    queues (processing, the answer's notifications, mails back) as after a real commit."""

    def _receive(raw: bytes, **envelope):
        with committed():
            inbound = message_receive(raw, **envelope)
        inbound.refresh_from_db()
        return inbound

    return _receive
