"""A moderator decision is made once: a second decision on flags someone already decided
is refused with who decided what and when, writes nothing and tells nobody."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from community.models import Notification
from moderation import services
from moderation.models import AuditLogEntry, Flag
from tests.community.factories import UserFactory

pytestmark = pytest.mark.django_db


def fresh(obj):
    obj.refresh_from_db()
    return obj


def told(author) -> int:
    return Notification.objects.filter(recipient=author, kind="moderation_action").count()


@pytest.fixture
def flag(thread):
    return services.flag_create(flagger=UserFactory(), thread=thread, reason="abusive")


def test_a_delete_of_flags_already_hidden_is_refused_and_the_hide_stands(
    thread, flag, moderator, second_moderator, committed
):
    with committed():
        services.post_hide(actor=moderator, post=thread, reason="Rude", flags=[flag.pk])
    with pytest.raises(services.AlreadyDecided) as decided, committed():
        services.post_delete(actor=second_moderator, post=thread, reason="Spam", flags=[flag.pk])
    assert decided.value.decided_by == moderator
    assert decided.value.verb == "hide"
    assert "Mo Derator hid the post" in decided.value.message
    assert fresh(thread).visibility == "hidden"
    assert AuditLogEntry.objects.filter(action__in=["thread.hide", "thread.delete"]).count() == 1
    assert told(thread.author) == 1
    assert fresh(flag).resolved_by == moderator


def test_a_hide_of_flags_already_deleted_does_not_undo_the_delete(
    thread, flag, moderator, second_moderator
):
    services.post_delete(actor=moderator, post=thread, reason="Spam", flags=[flag.pk])
    with pytest.raises(services.AlreadyDecided, match="deleted the post"):
        services.post_hide(actor=second_moderator, post=thread, reason="Rude", flags=[flag.pk])
    assert fresh(thread).visibility == "deleted"


def test_the_same_action_twice_writes_one_entry_and_tells_the_author_once(
    answer, moderator, second_moderator, committed
):
    flag = services.flag_create(flagger=UserFactory(), answer=answer, reason="spam")
    with committed():
        services.post_hide(actor=moderator, post=answer, reason="Spam", flags=[flag.pk])
    with pytest.raises(services.AlreadyDecided), committed():
        services.post_hide(actor=second_moderator, post=answer, reason="Spam", flags=[flag.pk])
    assert AuditLogEntry.objects.filter(action="answer.hide").count() == 1
    assert told(answer.author) == 1


def test_a_dismissal_names_itself(thread, flag, moderator, second_moderator):
    services.post_dismiss_flags(actor=moderator, post=thread, reason="Fine", flags=[flag.pk])
    with pytest.raises(services.AlreadyDecided, match="dismissed the flags"):
        services.post_delete(actor=second_moderator, post=thread, reason="x", flags=[flag.pk])
    assert fresh(thread).visibility == "published"


def test_the_same_change_twice_without_flags_is_refused_too(thread, moderator, second_moderator):
    services.thread_lock(actor=moderator, thread=thread, reason="Heated", flags=[])
    with pytest.raises(services.AlreadyDecided, match="locked the thread"):
        services.thread_lock(actor=second_moderator, thread=thread, reason="Heated", flags=[])
    services.post_hide(actor=moderator, post=thread, reason="Off", flags=[])
    with pytest.raises(services.AlreadyDecided, match="hid the post"):
        services.post_hide(actor=second_moderator, post=thread, reason="Off")
    assert AuditLogEntry.objects.filter(action__in=["thread.lock", "thread.hide"]).count() == 2


def test_nothing_to_change_on_a_post_never_moderated(thread, moderator):
    with pytest.raises(ValidationError, match="Nothing to change"):
        services.post_restore(actor=moderator, post=thread, reason="Looks fine")
    assert not AuditLogEntry.objects.exists()


def test_a_deliberate_later_action_on_a_fresh_form_goes_ahead(
    thread, flag, moderator, second_moderator
):
    services.post_hide(actor=moderator, post=thread, reason="Rude", flags=[flag.pk])
    # The second moderator opens the post afresh: no open flags are shown, it is hidden.
    services.post_delete(actor=second_moderator, post=thread, reason="On reflection", flags=[])
    assert fresh(thread).visibility == "deleted"
    assert AuditLogEntry.objects.filter(action="thread.delete").count() == 1


def test_confirming_an_auto_hide_decides_the_open_flags(thread, moderator, settings):
    settings.SODAN_FLAGS_TO_HIDE = 1
    flag = services.flag_create(flagger=UserFactory(), thread=thread, reason="spam")
    assert fresh(thread).visibility == "hidden"
    services.post_hide(actor=moderator, post=fresh(thread), reason="Spam", flags=[flag.pk])
    assert fresh(flag).resolution == Flag.Resolution.ACTED


def test_new_flags_after_a_decision_can_be_decided(thread, flag, moderator, second_moderator):
    services.post_dismiss_flags(actor=moderator, post=thread, reason="Fine", flags=[flag.pk])
    later = services.flag_create(flagger=UserFactory(), thread=thread, reason="spam")
    services.post_hide(actor=second_moderator, post=thread, reason="Spam", flags=[later.pk])
    assert fresh(thread).visibility == "hidden"


# --- Views ---------------------------------------------------------------------------------


def test_the_queue_tells_the_second_moderator_who_decided(
    client, thread, flag, moderator, second_moderator
):
    url = reverse("moderation:moderate", args=["thread", thread.pk])
    client.force_login(second_moderator)
    page = client.get(url).content.decode()
    assert f'name="flags" value="{flag.pk}"' in page
    services.post_hide(actor=moderator, post=thread, reason="Rude", flags=[flag.pk])
    data = {"action": "delete", "reason": "Spam", "flags": str(flag.pk)}
    response = client.post(url, data, follow=True)
    assert response.redirect_chain[-1][0] == reverse("moderation:queue")
    text = response.content.decode()
    assert "Already decided: Mo Derator hid the post" in text
    assert "Done." not in text
    assert fresh(thread).visibility == "hidden"
    assert not AuditLogEntry.objects.filter(action="thread.delete").exists()


def test_a_decision_on_open_flags_is_done(client, thread, flag, moderator):
    client.force_login(moderator)
    url = reverse("moderation:moderate", args=["thread", thread.pk])
    data = {"action": "hide", "reason": "Rude", "flags": str(flag.pk)}
    response = client.post(url, data, follow=True)
    assert "Done." in response.content.decode()
    assert fresh(thread).visibility == "hidden"
