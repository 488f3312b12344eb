"""The "is it solved?" follow-ups: asked once, answered with one signed click that works
without signing in and changes nothing when it is altered, expired or used."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail, signing
from django.utils import timezone

from community.models import Notification, NotificationConsent
from follows import follow_ups, services
from follows.models import FollowUp
from qa.models import Answer, Thread
from qa.services import thread_me_too_toggle
from tests.community.factories import UserFactory
from tests.qa.factories import AnswerFactory

pytestmark = pytest.mark.django_db

LATER = timedelta(days=4)


def _age_answers(thread: Thread, days: int = 4) -> None:
    Answer.objects.filter(thread=thread).update(created_at=timezone.now() - timedelta(days=days))


def _links(message) -> list[str]:
    return re.findall(r"https?://\S+/solved/[^\s]+/", message.body)


def _path(url: str) -> str:
    return "/" + url.split("/", 3)[3]


@pytest.fixture
def asked(thread, answer, committed):
    """A thread answered four days ago, none accepted, three me-too people; mail sent."""
    pressers = [UserFactory(username=f"had{n}") for n in range(3)]
    for person in pressers:
        thread_me_too_toggle(user=person, thread=thread)
    _age_answers(thread)
    mail.outbox.clear()
    with committed():
        sent = follow_ups.follow_ups_send()
    assert sent == 4
    return pressers


def test_not_asked_before_the_days_pass(thread, answer, committed):
    with committed():
        assert follow_ups.follow_ups_send() == 0
    assert not FollowUp.objects.exists()


def test_the_asker_and_me_too_people_are_asked_once(thread, answer, asked, committed):
    assert {m.to[0] for m in mail.outbox} == {thread.author.email} | {p.email for p in asked}
    assert Notification.objects.filter(kind="follow_up").count() == 4
    mail.outbox.clear()
    with committed():
        assert follow_ups.follow_ups_send() == 0
    assert mail.outbox == []
    assert FollowUp.objects.count() == 4


def test_never_to_the_muted_or_those_who_opted_out(thread, answer, committed):
    muted, opted_out = UserFactory(username="quiet"), UserFactory(username="nope")
    for person in (muted, opted_out):
        thread_me_too_toggle(user=person, thread=thread)
    services.mute(user=muted, target=thread)
    for channel in ("email", "line"):
        NotificationConsent.objects.create(
            user=opted_out,
            topic="follow_ups",
            channel=channel,
            allowed=False,
            changed_at=timezone.now(),
        )
    _age_answers(thread)
    with committed():
        follow_ups.follow_ups_send()
    asked = set(FollowUp.objects.values_list("user_id", flat=True))
    assert asked == {thread.author_id}


def test_one_click_accepts_as_the_asker_without_signing_in(client, thread, answer, asked):
    mine = next(m for m in mail.outbox if m.to == [thread.author.email])
    solved = _path(_links(mine)[0])
    page = client.get(solved)
    assert page.status_code == 200
    assert "solved it" in page.content.decode()
    thread.refresh_from_db()
    assert thread.accepted_answer_id is None  # a GET changes nothing
    done = client.post(solved)
    assert done.status_code == 200
    thread.refresh_from_db()
    assert thread.accepted_answer_id == answer.pk
    assert thread.status == Thread.Status.SOLVED
    again = client.post(solved)
    assert "already used" in again.content.decode()


def test_the_acceptance_asks_the_same_permission(client, thread, answer, asked):
    """A suspended asker may not accept on the page; nor through the link."""
    mine = next(m for m in mail.outbox if m.to == [thread.author.email])
    author = thread.author
    author.suspended_until = timezone.now() + timedelta(days=3)
    author.suspension_reason = "spam"
    author.save()
    response = client.post(_path(_links(mine)[0]))
    assert response.status_code == 403
    thread.refresh_from_db()
    assert thread.accepted_answer_id is None
    assert FollowUp.objects.get(user=author).responded_at is None


def test_tampered_and_expired_links_change_nothing(client, thread, answer, asked, settings):
    mine = next(m for m in mail.outbox if m.to == [thread.author.email])
    solved = _path(_links(mine)[0])
    token = solved.rstrip("/").rsplit("/", 1)[1]
    forged = signing.dumps([FollowUp.objects.get(user=thread.author).pk, "solved", answer.pk, None])
    for path in (solved[:-3] + "xx/", f"/solved/{forged}/"):
        response = client.post(path)
        assert response.status_code == 400
        assert "expired or was changed" in response.content.decode()
    settings.SODAN_FOLLOW_UP_LINK_DAYS = 0
    assert follow_ups.choice_from_token(token) is None
    response = client.post(solved)
    assert response.status_code == 400
    thread.refresh_from_db()
    assert thread.accepted_answer_id is None


def test_a_me_too_link_cannot_answer_for_the_thread(client, thread, answer, asked):
    theirs = FollowUp.objects.get(user=asked[0])
    bad = follow_ups.choice_url(follow_ups.Choice(theirs.pk, "solved", answer.pk))
    response = client.post(bad)
    assert response.status_code == 403
    thread.refresh_from_db()
    assert thread.accepted_answer_id is None


def test_fixed_for_three_of_three(client, thread, answer, asked):
    for person in asked:
        message = next(m for m in mail.outbox if m.to == [person.email])
        fixed = _path(_links(message)[0])
        assert client.post(fixed).status_code == 200
        client.post(fixed)  # twice is once
    thread.refresh_from_db()
    assert thread.fixed_for_count == 3
    page = client.get(thread.get_absolute_url())
    assert "Fixed for 3 of 3 who had this" in page.content.decode()


def test_silent_threads_go_to_the_inbox_never_accepted(thread, answer, asked):
    assert follow_ups.silent_threads_mark() == 0
    FollowUp.objects.update(sent_at=timezone.now() - timedelta(days=5))
    assert follow_ups.silent_threads_mark() == 1
    thread.refresh_from_db()
    assert thread.follow_up_silent_at is not None
    assert thread.accepted_answer_id is None


def test_broken_again_after_an_update_is_recorded(client, thread, answer, product, committed):
    from brands.models import ProductVersion

    Thread.objects.filter(pk=thread.pk).update(product=product)
    version = ProductVersion.objects.create(product=product, name="2.2", released_at=timezone.now())
    AnswerFactory(thread=thread, author=UserFactory(username="helper2"))
    _age_answers(thread)
    mail.outbox.clear()
    with committed():
        follow_ups.follow_ups_send()
    body = mail.outbox[0].body
    assert "2.2" in body
    broken = _path(_links(mail.outbox[0])[-1])
    assert client.post(broken).status_code == 200
    follow_up = FollowUp.objects.get(user=thread.author)
    assert (follow_up.outcome, follow_up.version_id) == ("broken_again", version.pk)


def test_the_inbox_lists_silent_threads(client, thread, answer, asked, brand):
    from django.urls import reverse

    from brands.models import Brand
    from tests.brands.factories import MembershipFactory

    Brand.objects.filter(pk=brand.pk).update(
        status=Brand.Status.OFFICIAL, official_since=timezone.now() - timedelta(days=30)
    )
    rep = MembershipFactory(brand=brand, role="rep", user__username="inbox-rep").user
    client.force_login(rep)
    url = reverse("brands:inbox", args=[brand.slug]) + "?tab=silent"
    assert thread.title not in client.get(url).content.decode()
    FollowUp.objects.update(sent_at=timezone.now() - timedelta(days=5))
    follow_ups.silent_threads_mark()
    response = client.get(url)
    assert response.context["counts"]["silent"] == 1
    assert thread.title in response.content.decode()
