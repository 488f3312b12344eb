"""A post is made once; an edit never overwrites a version its author has not seen.

Services: the form's submission token and the edit's base revision. Views: a retried post
shows the saved one, a conflicting edit comes back with both versions.
"""

import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from moderation.models import AuditLogEntry, ModeratorAppointment
from qa import services
from qa.forms import new_submission_token
from qa.models import Answer, PostSubmission, Revision, Thread
from qa.thread_page import SUBMISSION_TOKEN_MARK
from tests.community.factories import UserFactory

pytestmark = pytest.mark.django_db

TOKEN_INPUT = re.compile(r'name="submission_token" value="([^"]*)"')
BASE_INPUT = re.compile(r'name="base_revision" value="([^"]*)"')


def refreshed(obj):
    obj.refresh_from_db()
    return obj


def ask(author, brand, token, title="Flash will not fire"):
    return services.thread_create(
        author=author, brand=brand, title=title, body="Since 2.1.", submission_token=token
    )


# --- Submission tokens (services) ----------------------------------------------------------


def test_a_thread_submitted_twice_with_one_token_is_saved_once(customer, brand):
    token = new_submission_token()
    thread = ask(customer, brand, token)
    with pytest.raises(services.AlreadySubmitted) as again:
        ask(customer, brand, token)
    assert again.value.post == thread
    assert Thread.objects.count() == 1
    assert refreshed(brand).thread_count == 1
    assert PostSubmission.objects.get(author=customer, token=token).thread == thread


def test_an_answer_submitted_twice_with_one_token_is_saved_once(thread, other_customer):
    token = new_submission_token()
    answer = services.answer_create(
        author=other_customer, thread=thread, body="Hold the reset key.", submission_token=token
    )
    with pytest.raises(services.AlreadySubmitted) as again:
        services.answer_create(
            author=other_customer, thread=thread, body="Hold the reset key.", submission_token=token
        )
    assert again.value.post == answer
    assert Answer.objects.count() == 1
    assert refreshed(thread).answer_count == 1
    assert Revision.objects.filter(answer__thread=thread).count() == 1


def test_a_token_is_good_only_for_its_author(thread, customer, other_customer):
    token = new_submission_token()
    mine = services.answer_create(
        author=other_customer, thread=thread, body="Mine.", submission_token=token
    )
    theirs = services.answer_create(
        author=customer, thread=thread, body="Theirs.", submission_token=token
    )
    assert theirs != mine and theirs.author == customer
    assert refreshed(thread).answer_count == 2


def test_a_submission_that_failed_leaves_its_token_usable(customer, brand):
    token = new_submission_token()
    with pytest.raises(ValidationError):
        services.thread_create(
            author=customer, brand=brand, title="", body="x", submission_token=token
        )
    assert not PostSubmission.objects.exists()
    thread = ask(customer, brand, token)
    assert PostSubmission.objects.get().thread == thread


def test_different_tokens_make_different_posts_and_no_token_means_no_guard(customer, brand):
    ask(customer, brand, new_submission_token())
    ask(customer, brand, new_submission_token())
    ask(customer, brand, "")
    ask(customer, brand, "")
    assert Thread.objects.count() == 4
    assert PostSubmission.objects.count() == 2


def test_a_token_longer_than_the_column_is_refused(customer, brand):
    with pytest.raises(ValueError, match="64"):
        ask(customer, brand, "x" * 65)
    assert not Thread.objects.exists()


def test_tokens_are_random_and_valid_for_the_form():
    tokens = {new_submission_token() for _ in range(100)}
    assert len(tokens) == 100
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{32}", token) for token in tokens)


# --- Edit conflicts (services) -------------------------------------------------------------


def test_an_edit_from_the_current_revision_is_saved(thread, customer):
    services.thread_edit(
        actor=customer, thread=thread, title="New title", body="New body", base_revision=1
    )
    assert refreshed(thread).revision_count == 2


def test_an_edit_from_an_old_revision_is_refused_with_the_version_saved_meanwhile(thread, customer):
    moderator = UserFactory(display_name="Mo")
    ModeratorAppointment.objects.create(user=moderator)
    services.thread_edit(
        actor=moderator,
        thread=thread,
        title="Tidied",
        body="Tidied body",
        reason="Typos",
        base_revision=1,
    )
    with pytest.raises(services.EditConflict) as conflict:
        services.thread_edit(
            actor=customer, thread=thread, title="Mine", body="My body", base_revision=1
        )
    revision = conflict.value.revision
    assert (revision.number, revision.editor, revision.title, revision.body) == (
        2,
        moderator,
        "Tidied",
        "Tidied body",
    )
    thread = refreshed(thread)
    assert (thread.title, thread.body, thread.revision_count) == ("Tidied", "Tidied body", 2)


def test_the_same_edit_sent_twice_does_not_conflict_with_itself(thread, answer, customer):
    for _ in range(2):
        services.thread_edit(
            actor=customer, thread=thread, title="Fixed", body="Fixed body", base_revision=1
        )
        services.answer_edit(
            actor=answer.author, answer=answer, body="Better answer", base_revision=1
        )
    assert refreshed(thread).revision_count == 2
    assert refreshed(answer).revision_count == 2


def test_a_retried_edit_after_someone_elses_is_not_applied_over_theirs(thread, customer):
    moderator = UserFactory()
    ModeratorAppointment.objects.create(user=moderator)
    services.thread_edit(actor=customer, thread=thread, title="A", body="A body", base_revision=1)
    services.thread_edit(
        actor=moderator, thread=thread, title="B", body="B body", reason="r", base_revision=2
    )
    # The author's first request timed out and is sent again: it was saved as version 2.
    services.thread_edit(actor=customer, thread=thread, title="A", body="A body", base_revision=1)
    assert (refreshed(thread).title, refreshed(thread).revision_count) == ("B", 3)


def test_a_different_edit_from_the_same_person_in_another_tab_conflicts(answer):
    author = answer.author
    services.answer_edit(actor=author, answer=answer, body="First tab", base_revision=1)
    with pytest.raises(services.EditConflict) as conflict:
        services.answer_edit(actor=author, answer=answer, body="Second tab", base_revision=1)
    assert conflict.value.revision.body == "First tab"
    assert refreshed(answer).body == "First tab"


def test_a_conflicting_moderator_edit_writes_no_audit_entry(answer):
    moderator = UserFactory()
    ModeratorAppointment.objects.create(user=moderator)
    services.answer_edit(actor=answer.author, answer=answer, body="Author's", base_revision=1)
    with pytest.raises(services.EditConflict):
        services.answer_edit(
            actor=moderator, answer=answer, body="Moderated", reason="Tone", base_revision=1
        )
    assert not AuditLogEntry.objects.filter(action="answer.edit").exists()
    assert refreshed(answer).revision_count == 2


def test_without_a_base_revision_the_last_writer_wins(answer):
    services.answer_edit(actor=answer.author, answer=answer, body="One")
    services.answer_edit(actor=answer.author, answer=answer, body="Two")
    assert refreshed(answer).body == "Two"


# --- Views ---------------------------------------------------------------------------------


def _token(response) -> str:
    return TOKEN_INPUT.search(response.content.decode()).group(1)


def test_the_ask_form_carries_a_fresh_token_each_time(login, customer, brand):
    client = login(customer)
    url = reverse("qa:ask", args=[brand.slug])
    first, second = _token(client.get(url)), _token(client.get(url))
    assert first != second and len(first) == 32


def test_a_retried_ask_redirects_to_the_saved_thread_and_creates_nothing(login, customer, brand):
    client = login(customer)
    url = reverse("qa:ask", args=[brand.slug])
    data = {
        "type": "question",
        "title": "Flash",
        "body": "It will not fire.",
        "submission_token": _token(client.get(url)),
    }
    first = client.post(url, data)
    thread = Thread.objects.get()
    assert first.url == thread.get_absolute_url()
    retried = client.post(url, data, follow=True)
    assert retried.redirect_chain[0][0] == thread.get_absolute_url()
    assert "already saved" in retried.content.decode()
    assert Thread.objects.count() == 1


def test_a_retried_answer_redirects_to_the_saved_answer_and_creates_nothing(
    login, other_customer, thread
):
    client = login(other_customer)
    token = _token(client.get(thread.get_absolute_url()))
    url = reverse("qa:answer_create", args=[thread.pk])
    data = {"body": "Hold the reset key.", "submission_token": token}
    assert client.post(url, data).status_code == 302
    answer = Answer.objects.get()
    retried = client.post(url, data)
    assert retried.status_code == 302
    assert retried.url == answer.get_absolute_url()
    assert "already saved" in client.get(thread.get_absolute_url()).content.decode()
    assert Answer.objects.count() == 1


def test_the_cached_thread_page_gives_each_viewer_a_fresh_answer_token(
    client, settings, thread, customer, other_customer
):
    settings.SODAN_PAGE_CACHE = True
    tokens = []
    for user in (customer, other_customer, other_customer):
        client.force_login(user)
        response = client.get(thread.get_absolute_url())
        assert response["X-Sodan-Cache"] in ("hit", "miss")
        tokens.append(_token(response))
    assert len(set(tokens)) == 3
    assert SUBMISSION_TOKEN_MARK not in "".join(tokens)
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{32}", token) for token in tokens)


def test_a_conflicting_thread_edit_comes_back_with_both_versions(login, thread, customer):
    client = login(customer)
    url = reverse("qa:thread_edit", args=[thread.pk])
    assert BASE_INPUT.search(client.get(url).content.decode()).group(1) == "1"
    moderator = UserFactory(display_name="Mo Derator")
    ModeratorAppointment.objects.create(user=moderator)
    services.thread_edit(
        actor=moderator, thread=thread, title="Their title", body="Their words", reason="r"
    )
    data = {"title": "My title", "body": "My own careful words", "base_revision": "1"}
    response = client.post(url, data)
    assert response.status_code == 409
    page = response.content.decode()
    assert "My own careful words" in page and "My title" in page  # theirs, still in the form
    assert "Their words" in page and "Their title" in page  # the other version beside it
    assert "Mo Derator" in page
    assert refreshed(thread).body == "Their words"
    # Saving again, now knowing the other version, replaces it.
    assert BASE_INPUT.search(page).group(1) == "2"
    saved = client.post(url, {**data, "base_revision": "2"})
    assert saved.status_code == 302
    assert refreshed(thread).body == "My own careful words"


def test_a_conflicting_answer_edit_by_a_moderator_keeps_the_reason(login, answer):
    moderator = UserFactory()
    ModeratorAppointment.objects.create(user=moderator)
    client = login(moderator)
    url = reverse("qa:answer_edit", args=[answer.pk])
    services.answer_edit(
        actor=answer.author, answer=answer, body="Author fixed it", base_revision=1
    )
    data = {"body": "Moderated text", "reason": "Removed a phone number", "base_revision": "1"}
    response = client.post(url, data)
    assert response.status_code == 409
    page = response.content.decode()
    assert "Moderated text" in page and "Removed a phone number" in page
    assert "Author fixed it" in page and answer.author.public_name in page
    assert not AuditLogEntry.objects.filter(action="answer.edit").exists()


def test_the_same_edit_posted_twice_redirects_both_times(login, answer):
    client = login(answer.author)
    url = reverse("qa:answer_edit", args=[answer.pk])
    data = {"body": "Clearer now", "base_revision": "1"}
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302
    assert refreshed(answer).revision_count == 2
