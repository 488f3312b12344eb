"""A post is made once and an edit overwrites nothing unseen, with real concurrent writers
(threads, each with its own PostgreSQL connection)."""

from collections import Counter

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from qa import services
from qa.forms import new_submission_token
from qa.models import Answer, PostSubmission, Revision
from tests.brands.factories import BrandFactory
from tests.community.factories import UserFactory
from tests.concurrency import at_once
from tests.qa.factories import AnswerFactory, ThreadFactory

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]

WRITERS = 10


def test_ten_submissions_with_one_token_make_one_answer():
    thread = ThreadFactory(brand=BrandFactory(slug="race"))
    author = UserFactory()
    token = new_submission_token()

    def submit(_):
        return services.answer_create(
            author=author, thread=thread, body="Hold the reset key.", submission_token=token
        )

    results = at_once(submit, range(WRITERS))
    saved = [r for r in results if isinstance(r, Answer)]
    repeats = [r for r in results if isinstance(r, services.AlreadySubmitted)]
    assert (len(saved), len(repeats)) == (1, WRITERS - 1), results
    assert {r.post.pk for r in repeats} == {saved[0].pk}
    assert Answer.objects.filter(thread=thread).count() == 1
    thread.refresh_from_db()
    assert thread.answer_count == 1
    assert PostSubmission.objects.get(author=author, token=token).answer_id == saved[0].pk


def test_ten_submissions_of_the_ask_form_through_the_view_make_one_thread():
    brand = BrandFactory(slug="race")
    author = UserFactory()
    clients = [Client() for _ in range(WRITERS)]
    for client in clients:
        client.force_login(author)
    url = reverse("qa:ask", args=[brand.slug])
    data = {
        "type": "question",
        "title": "Flash will not fire",
        "body": "Since 2.1.",
        "submission_token": new_submission_token(),
    }
    responses = at_once(lambda client: client.post(url, data), clients)
    thread = brand.threads.get()
    assert [r.status_code for r in responses] == [302] * WRITERS
    assert {r.url for r in responses} == {thread.get_absolute_url()}
    brand.refresh_from_db()
    assert brand.thread_count == 1


def test_ten_concurrent_edits_from_one_revision_save_one_and_lose_no_text():
    thread = ThreadFactory(brand=BrandFactory(slug="race"))
    answer = AnswerFactory(thread=thread)
    clients = [Client() for _ in range(WRITERS)]
    for client in clients:
        client.force_login(answer.author)
    url = reverse("qa:answer_edit", args=[answer.pk])
    texts = [f"Edit number {n} of the answer" for n in range(WRITERS)]

    def edit(n):
        return clients[n].post(url, {"body": texts[n], "base_revision": "1"})

    responses = at_once(edit, range(WRITERS))
    assert Counter(r.status_code for r in responses) == {302: 1, 409: WRITERS - 1}
    answer.refresh_from_db()
    assert answer.revision_count == 2
    assert Revision.objects.filter(answer=answer).count() == 2
    winner = texts[[r.status_code for r in responses].index(302)]
    assert answer.body == winner
    for text, response in zip(texts, responses, strict=True):
        if response.status_code == 409:
            page = response.content.decode()
            assert text in page  # their own text, still in the form
            assert winner in page  # and the version saved meanwhile, beside it
