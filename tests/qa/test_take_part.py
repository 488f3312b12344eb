"""Helpful and Me too for anonymous readers: the button leads to sign in, the action is
remembered, confirmed by one POST on return, applied once, and the reader lands back."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from qa import intents
from qa.models import HelpfulVote, MeToo
from tests.community.factories import UserFactory

pytestmark = pytest.mark.django_db


def _next_of(response) -> str:
    return parse_qs(urlsplit(response["Location"]).query)["next"][0]


def test_an_anonymous_reader_sees_helpful_and_me_too_as_links_to_sign_in(client, answer):
    thread = answer.thread
    for _ in range(2):  # rendered, then served from the cache
        page = client.get(thread.get_absolute_url()).content.decode()
        vote = reverse("qa:take_part_start", args=["vote", answer.pk])
        me_too = reverse("qa:take_part_start", args=["me-too", thread.pk])
        assert f'href="{vote}"' in page
        assert f'href="{me_too}"' in page
        assert ">Helpful<" in page
        assert "Me too</a>" in page


def test_a_signed_in_reader_still_gets_the_forms_not_the_links(login, answer, customer):
    page = login(UserFactory()).get(answer.thread.get_absolute_url()).content.decode()
    assert reverse("qa:take_part_start", args=["vote", answer.pk]) not in page
    assert f'action="{reverse("qa:vote", args=[answer.pk])}"' in page


def test_the_link_sends_to_sign_in_with_the_confirmation_as_next(client, answer):
    response = client.get(reverse("qa:take_part_start", args=["vote", answer.pk]))
    assert response.status_code == 302
    assert urlsplit(response["Location"]).path == reverse("account_login")
    intent = intents.intent_from_token(_next_of(response).rstrip("/").rsplit("/", 1)[1])
    assert intent == intents.Intent(kind="vote", target_id=answer.pk)
    assert not HelpfulVote.objects.exists()


def test_signing_in_then_confirming_applies_the_vote_once_and_lands_on_the_answer(client, answer):
    voter = UserFactory(username="yui")
    voter.set_password("a long enough secret")
    voter.save()
    start = client.get(reverse("qa:take_part_start", args=["vote", answer.pk]))
    confirm = _next_of(start)
    signed_in = client.post(
        reverse("account_login"),
        {"login": "yui", "password": "a long enough secret", "next": confirm},
    )
    assert signed_in["Location"] == confirm
    page = client.get(confirm)  # a GET asks; it changes nothing
    assert page.status_code == 200
    assert "Yes, mark it helpful" in page.content.decode()
    assert not HelpfulVote.objects.exists()
    done = client.post(confirm)
    assert done["Location"] == answer.get_absolute_url()
    assert done["Location"].endswith(f"#answer-{answer.pk}")
    client.post(confirm)  # confirming twice does not take the vote back
    assert list(HelpfulVote.objects.values_list("user", "answer")) == [(voter.pk, answer.pk)]
    answer.refresh_from_db()
    assert answer.helpful_count == 1
    assert "You already found this answer helpful" in client.get(confirm).content.decode()


def test_me_too_is_remembered_the_same_way(login, thread):
    reader = UserFactory()
    client = login(reader)
    start = client.get(reverse("qa:take_part_start", args=["me-too", thread.pk]))
    confirm = start["Location"]  # already signed in: straight to the confirmation
    assert not MeToo.objects.exists()
    done = client.post(confirm)
    assert done["Location"] == f"{thread.get_absolute_url()}#me-too"
    client.post(confirm)
    assert list(MeToo.objects.values_list("user", flat=True)) == [reader.pk]
    thread.refresh_from_db()
    assert thread.me_too_count == 1


def test_an_altered_token_does_nothing(login, answer):
    client = login(UserFactory())
    token = intents.intent_token(intents.Intent(kind="vote", target_id=answer.pk))
    forged = re.sub(r"^.", "x", token)
    response = client.post(reverse("qa:take_part", args=[forged]))
    assert response.status_code == 302
    assert not HelpfulVote.objects.exists()


def test_the_author_is_told_why_not_rather_than_voting_for_themselves(login, answer):
    client = login(answer.author)
    confirm = intents.confirmation_url(intents.Intent(kind="vote", target_id=answer.pk))
    response = client.post(confirm)
    assert response.status_code == 403
    assert "your own answer" in response.content.decode()
    assert not HelpfulVote.objects.exists()


def test_an_unverified_member_is_told_to_verify(login, answer, unverified):
    confirm = intents.confirmation_url(intents.Intent(kind="vote", target_id=answer.pk))
    response = login(unverified).post(confirm)
    assert response.status_code == 403
    assert not HelpfulVote.objects.exists()
