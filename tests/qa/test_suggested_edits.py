"""Suggesting edits: level 4 in the thread's brand opens it; the answer's author (or a neutral
moderator) accepts it as a new revision crediting the suggester, or declines it."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from community import page_cache
from community.models import Notification
from moderation.models import ModeratorAppointment
from qa import services
from qa.models import Answer, Revision, SuggestedEdit
from reputation import services as reputation
from reputation.models import Reason
from tests.brands.factories import BrandFactory, MembershipFactory
from tests.community.factories import UserFactory

pytestmark = pytest.mark.django_db

BETTER = "Turn off background refresh in Settings > General, then restart the phone."


@pytest.fixture
def levels(settings):
    settings.SODAN_REPUTATION_LEVELS = [20, 40, 60, 80]
    return settings


def earn(member, brand, points):
    reputation.reputation_event(
        member=member, brand=brand, reason=Reason.HELPFUL_VOTE, source_key="earned", points=points
    )


@pytest.fixture
def expert(levels, brand):
    person = UserFactory()
    earn(person, brand, 80)
    return person


def suggest(client, login, user, answer):
    login(user)
    return client.post(
        reverse("qa:suggest_edit", args=[answer.pk]),
        {"body": BETTER, "reason": "the menu path"},
    )


def test_level_3_is_refused_with_the_reason(client, login, levels, brand, answer):
    member = UserFactory()
    earn(member, brand, 60)
    response = suggest(client, login, member, answer)
    assert response.status_code == 403
    text = response.content.decode()
    assert "Suggesting edits opens at level 4" in text
    assert "you are at level 3" in text
    assert not SuggestedEdit.objects.exists()


def test_level_4_in_one_brand_suggests_there_and_not_in_another(
    client, login, expert, answer, other_customer
):
    response = suggest(client, login, expert, answer)
    assert response.status_code == 302
    suggestion = SuggestedEdit.objects.get()
    assert (suggestion.suggested_by, suggestion.body) == (expert, BETTER)

    elsewhere = services.answer_create(
        author=other_customer,
        thread=services.thread_create(
            author=UserFactory(), brand=BrandFactory(), title="Shutter stuck", body="It sticks."
        ),
        body="Clean the contacts.",
    )
    response = suggest(client, login, expert, elsewhere)
    assert response.status_code == 403
    assert "you are at level 0" in response.content.decode()


def test_the_author_edits_rather_than_suggests(client, login, levels, brand, answer):
    earn(answer.author, brand, 80)
    response = suggest(client, login, answer.author, answer)
    assert response.status_code == 403
    assert "your own answer" in response.content.decode()


def test_one_waiting_suggestion_per_person_per_answer(client, login, expert, answer):
    suggest(client, login, expert, answer)
    response = client.post(
        reverse("qa:suggest_edit", args=[answer.pk]), {"body": BETTER + " Twice.", "reason": "x"}
    )
    assert response.status_code == 200
    assert "already suggested an edit" in response.content.decode()
    assert SuggestedEdit.objects.count() == 1


def test_the_author_is_told(client, login, expert, answer, committed):
    with committed():
        suggest(client, login, expert, answer)
    note = Notification.objects.get(recipient=answer.author, kind="edit_suggested")
    assert note.actor == expert
    assert note.message == "the menu path"
    assert any("suggested an edit" in message.body for message in mail.outbox)


def test_accepting_writes_a_revision_crediting_the_suggester_and_drops_the_page(
    client, login, expert, answer, thread
):
    suggest(client, login, expert, answer)
    suggestion = SuggestedEdit.objects.get()
    stamp = page_cache.lookup(page_cache._thread_version_key(thread.pk))[0]

    login(answer.author)
    page = client.get(reverse("qa:suggested_edits", args=[answer.pk])).content.decode()
    assert "<ins>" in page  # the diff against the answer as it is now
    response = client.post(reverse("qa:suggested_edit_decide", args=[suggestion.pk, "accept"]))
    assert response.status_code == 302

    answer = Answer.objects.get(pk=answer.pk)
    assert answer.body == BETTER
    assert "General" in answer.body_html
    newest = Revision.objects.filter(answer=answer).first()
    assert (newest.number, newest.editor, newest.suggested_by) == (2, answer.author, expert)
    assert page_cache.lookup(page_cache._thread_version_key(thread.pk))[0] != stamp
    suggestion.refresh_from_db()
    assert (suggestion.status, suggestion.decided_by) == ("accepted", answer.author)
    revisions = client.get(reverse("qa:answer_revisions", args=[answer.pk])).content.decode()
    assert f"suggested by {expert.public_name}" in revisions


def test_declining_changes_nothing_on_the_answer(client, login, expert, answer):
    suggest(client, login, expert, answer)
    suggestion = SuggestedEdit.objects.get()
    before = answer.body
    login(answer.author)
    client.post(reverse("qa:suggested_edit_decide", args=[suggestion.pk, "decline"]))
    answer = Answer.objects.get(pk=answer.pk)
    assert (answer.body, answer.revision_count) == (before, 1)
    suggestion.refresh_from_db()
    assert suggestion.status == "declined"
    # decided once: accepting it afterwards changes nothing either
    client.post(reverse("qa:suggested_edit_decide", args=[suggestion.pk, "accept"]))
    assert Answer.objects.get(pk=answer.pk).body == before


def test_a_rep_of_the_brand_cannot_decide_but_a_neutral_moderator_can(
    client, login, expert, answer, brand
):
    suggest(client, login, expert, answer)
    suggestion = SuggestedEdit.objects.get()
    rep = MembershipFactory(brand=brand).user
    login(rep)
    page = client.get(reverse("qa:suggested_edits", args=[answer.pk])).content.decode()
    assert "Suggested by" not in page  # not theirs to see or decide
    response = client.post(reverse("qa:suggested_edit_decide", args=[suggestion.pk, "accept"]))
    assert response.status_code == 403
    assert Answer.objects.get(pk=answer.pk).body != BETTER

    moderator = UserFactory()
    ModeratorAppointment.objects.create(user=moderator, brand=brand)
    login(moderator)
    client.post(reverse("qa:suggested_edit_decide", args=[suggestion.pk, "accept"]))
    assert Answer.objects.get(pk=answer.pk).body == BETTER


def test_the_suggestions_page_reads_in_fixed_queries(
    client, login, expert, answer, django_assert_max_num_queries
):
    suggest(client, login, expert, answer)
    login(answer.author)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("qa:suggested_edits", args=[answer.pk]))
    assert response.status_code == 200


@pytest.mark.parametrize("closed", ["locked", "duplicate"])
def test_a_closed_thread_takes_no_suggestions(expert, answer, closed):
    thread = answer.thread
    if closed == "locked":
        thread.locked_at = timezone.now()
    else:
        thread.duplicate_of = services.thread_create(
            author=UserFactory(), brand=thread.brand, title="Same problem", body="Same."
        )
    thread.save()
    answer = Answer.objects.select_related("thread__brand").get(pk=answer.pk)
    with pytest.raises(PermissionDenied, match="closed"):
        services.suggested_edit_create(author=expert, answer=answer, body=BETTER, reason="menu")
    assert not SuggestedEdit.objects.exists()


def test_a_hidden_answer_takes_no_suggestions(expert, answer):
    Answer.objects.filter(pk=answer.pk).update(visibility="hidden")
    answer = Answer.objects.select_related("thread__brand").get(pk=answer.pk)
    with pytest.raises(PermissionDenied, match="hidden"):
        services.suggested_edit_create(author=expert, answer=answer, body=BETTER, reason="menu")
    assert not SuggestedEdit.objects.exists()


def test_a_suggestion_needs_a_reason_and_a_change(expert, answer):
    with pytest.raises(ValidationError) as empty_reason:
        services.suggested_edit_create(author=expert, answer=answer, body=BETTER, reason="  ")
    assert "reason" in empty_reason.value.message_dict
    with pytest.raises(ValidationError) as unchanged:
        services.suggested_edit_create(
            author=expert, answer=answer, body=answer.body, reason="menu"
        )
    assert "body" in unchanged.value.message_dict
    assert not SuggestedEdit.objects.exists()


def test_only_the_author_or_a_moderator_decides_in_the_service(expert, answer):
    suggestion = services.suggested_edit_create(
        author=expert, answer=answer, body=BETTER, reason="menu"
    )
    for decide in (services.suggested_edit_accept, services.suggested_edit_decline):
        with pytest.raises(PermissionDenied):
            decide(actor=expert, suggestion=suggestion)
    suggestion.refresh_from_db()
    assert suggestion.status == "pending"
    assert Answer.objects.get(pk=answer.pk).body != BETTER
