"""A broker that cannot be reached delays messages; it never fails or slows a request.

Celery is switched out of eager mode and pointed at a port where nothing listens (a real
connection attempt, refused by the kernel). The answer is saved, its message waits, the
circuit breaker spares the next request even the attempt, and a sweep tells everyone
once."""

from __future__ import annotations

import socket
import threading
from collections import Counter

import pytest
from django.core.management import call_command
from django.urls import reverse

from community import celery_app
from community.models import Notification
from outbox.models import Message
from outbox.publish import breaker_open
from qa import services as qa_services
from qa.models import Answer
from tests.community.factories import UserFactory
from tests.servers import free_port

pytestmark = pytest.mark.django_db


def _reset_connections() -> None:
    """Celery keeps a pool of broker connections and producers for the URL it first used."""
    if celery_app._pool is not None:
        celery_app._pool.force_close_all()
        celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def broker_port():
    """Celery as in production, with its broker on a port where nothing listens."""
    port = free_port()
    conf = celery_app.conf
    keys = ("broker_url", "task_always_eager", "broker_transport_options")
    saved = {key: conf[key] for key in keys}
    conf.update(
        broker_url=f"redis://127.0.0.1:{port}/0",
        task_always_eager=False,
        broker_transport_options={
            **saved["broker_transport_options"],
            "socket_connect_timeout": 1,
            "socket_timeout": 1,
        },
    )
    _reset_connections()
    yield port
    conf.update(saved)
    _reset_connections()


class Listener:
    """A TCP port that counts the connections made to it (and answers nothing)."""

    def __init__(self, port: int) -> None:
        self.sock = socket.create_server(("127.0.0.1", port))
        self.sock.settimeout(0.2)
        self.connections = 0
        self.running = True
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        while self.running:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self.running = False
        self.thread.join()
        self.sock.close()


def _post(client, thread, body):
    return client.post(reverse("qa:answer_create", args=[thread.pk]), {"body": body})


def test_answers_are_saved_and_everyone_told_once_when_the_broker_is_away(
    broker_port, login, thread, customer, committed
):
    me_too = UserFactory(username="mika")
    qa_services.thread_me_too_toggle(user=me_too, thread=thread)
    client = login(UserFactory(username="answerer"))

    with committed():
        first = _post(client, thread, "Reseat the lens cap spring.")
    answer = Answer.objects.get()
    assert first.status_code == 302 and first["Location"] == answer.get_absolute_url()
    message = Message.objects.get(task="community.tasks.notify_answer_posted")
    assert message.done_at is None and message.failed_at is None  # waits for the sweep
    assert breaker_open()
    assert not Notification.objects.exists()

    # Something now listens on the broker's port: the next request does not even try it.
    listener = Listener(broker_port)
    try:
        with committed():
            second = _post(client, thread, "Or update to firmware 2.2.")
    finally:
        listener.close()
    assert second.status_code == 302
    assert listener.connections == 0
    assert Answer.objects.count() == 2
    assert (
        Message.objects.pending().filter(task="community.tasks.notify_answer_posted").count() == 2
    )

    call_command("outbox_sweep")
    call_command("outbox_sweep")  # a second sweep finds nothing more to do
    assert not Message.objects.pending().exists()
    told = Counter(Notification.objects.values_list("recipient__username", "dedupe_key"))
    assert set(told.values()) == {1}
    assert sorted(told) == sorted(
        (person, f"answer_posted:{a.pk}")
        for person in (customer.username, "mika")
        for a in Answer.objects.all()
    )
