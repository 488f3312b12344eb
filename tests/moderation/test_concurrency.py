"""Two moderators deciding one flag at the same moment (threads, each with its own
PostgreSQL connection): one decision, one audit entry, one message to the author."""

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from community.models import Notification
from moderation import services
from moderation.models import AuditLogEntry, ModeratorAppointment
from qa.models import Thread
from tests.brands.factories import BrandFactory
from tests.community.factories import UserFactory
from tests.concurrency import at_once
from tests.qa.factories import ThreadFactory

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]


def moderators(*names):
    people = [UserFactory(display_name=name) for name in names]
    for person in people:
        ModeratorAppointment.objects.create(user=person)
    return people


def flagged_thread():
    thread = ThreadFactory(brand=BrandFactory(slug="race"))
    flag = services.flag_create(flagger=UserFactory(), thread=thread, reason="abusive")
    return thread, flag


def told(author) -> int:
    return Notification.objects.filter(recipient=author, kind="moderation_action").count()


def test_hide_and_delete_of_one_flag_at_once_make_one_decision():
    thread, flag = flagged_thread()
    hider, deleter = moderators("Hider", "Deleter")
    url = reverse("moderation:moderate", args=["thread", thread.pk])
    clients = {}
    for person, action in ((hider, "hide"), (deleter, "delete")):
        clients[action] = Client()
        clients[action].force_login(person)

    def decide(action):
        data = {"action": action, "reason": "Abusive", "flags": str(flag.pk)}
        return clients[action].post(url, data, follow=True).content.decode()

    pages = dict(zip(["hide", "delete"], at_once(decide, ["hide", "delete"]), strict=True))
    entries = AuditLogEntry.objects.filter(action__in=["thread.hide", "thread.delete"])
    assert entries.count() == 1
    winner = entries.get()
    verb, loser = ("hide", "delete") if winner.action == "thread.hide" else ("delete", "hide")
    thread.refresh_from_db()
    assert thread.visibility == {"hide": "hidden", "delete": "deleted"}[verb]
    assert "Done." in pages[verb]
    decided_by = winner.actor.public_name
    what = {"hide": "hid the post", "delete": "deleted the post"}[verb]
    assert f"Already decided: {decided_by} {what}" in pages[loser]
    assert "Done." not in pages[loser]
    assert told(thread.author) == 1


def test_the_same_action_twice_at_once_writes_one_entry():
    thread, flag = flagged_thread()
    first, second = moderators("First", "Second")

    def hide(person):
        return services.post_hide(actor=person, post=thread, reason="Rude", flags=[flag.pk])

    results = at_once(hide, [first, second])
    assert sum(isinstance(r, services.AlreadyDecided) for r in results) == 1, results
    assert AuditLogEntry.objects.filter(action="thread.hide").count() == 1
    assert Thread.objects.get(pk=thread.pk).visibility == "hidden"
    assert told(thread.author) == 1
