"""A thread page rendered anew shows what it always showed: an address with a query of its
own (a campaign's tag) gets the page a miss assembles, and stores nothing; an author's held
or hidden answer keeps its notice; the QAPage data keeps a post's text exactly."""

import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from moderation import services as moderation_services
from moderation.models import Flag, ModeratorAppointment
from qa.models import Answer, Visibility
from tests.community.factories import UserFactory
from tests.qa.factories import AnswerFactory

pytestmark = pytest.mark.django_db

CACHE = "X-Sodan-Cache"


def _normalised(html: str) -> str:
    """Without the CSP nonce, which differs on every response."""
    return re.sub(r'nonce="[^"]+"', 'nonce=""', html)


def test_an_address_with_a_query_of_its_own_shows_the_same_page_and_stores_nothing(
    client, settings, thread, answer
):
    AnswerFactory(thread=thread, body="Hold the shutter button while it starts.")
    url = thread.get_absolute_url()
    settings.SODAN_PAGE_CACHE = False
    rendered = client.get(url + "?utm_source=newsletter")  # the page rendered for the reader
    settings.SODAN_PAGE_CACHE = True
    with CaptureQueriesContext(connection) as tagged_queries:
        tagged = client.get(url + "?utm_source=newsletter")
    assert tagged.status_code == 200
    assert _normalised(tagged.content.decode()) == _normalised(rendered.content.decode())
    assert "Hold the shutter button while it starts." in tagged.content.decode()
    # Nothing was stored under the thread's address: its next reader still gets a miss,
    # which asks no more of the database than the tagged address did.
    with CaptureQueriesContext(connection) as miss_queries:
        plain = client.get(url)
    assert plain[CACHE] == "miss"
    assert len(tagged_queries.captured_queries) <= len(miss_queries.captured_queries)
    assert client.get(url)[CACHE] == "hit"


def test_a_signed_in_readers_tagged_address_is_their_own_page(client, thread, answer):
    reader = UserFactory(username="reader", display_name="Reader San")
    client.force_login(reader)
    page = client.get(thread.get_absolute_url() + "?utm_source=newsletter").content.decode()
    assert "Reader San" in page  # the header's account link is theirs
    assert "Log in" not in page


def test_an_authors_held_and_hidden_answers_keep_their_notices(client, thread, other_customer):
    held = AnswerFactory(thread=thread, author=other_customer, body="Held until approved.")
    hidden = AnswerFactory(thread=thread, author=other_customer, body="Hidden by a moderator.")
    plain = AnswerFactory(thread=thread, body="A plain published answer.")
    moderator = UserFactory(username="a-moderator")
    ModeratorAppointment.objects.create(user=moderator)
    moderation_services.post_hide(actor=moderator, post=hidden, reason="Spam")
    # Held as a new member's first post is: hidden, with an open "held" flag.
    Answer.objects.filter(pk=held.pk).update(visibility=Visibility.HIDDEN)
    Flag.objects.create(answer=held, brand=thread.brand, flagger=moderator, reason=Flag.Reason.HELD)
    client.force_login(other_customer)
    page = client.get(thread.get_absolute_url()).content.decode()
    held_block = page.split(f'id="answer-{held.pk}"')[1].split("</article>")[0]
    assert "Waiting for review: only you can see this answer" in held_block
    assert "hidden pending review" not in held_block
    hidden_block = page.split(f'id="answer-{hidden.pk}"')[1].split("</article>")[0]
    assert "Only you can see this answer: it is hidden pending review." in hidden_block
    assert "Reason: Spam" in hidden_block
    assert "Appeal" in hidden_block
    published = page.split(f'id="answer-{plain.pk}"')[1].split("</article>")[0]
    assert "A plain published answer." in published
    assert "notice" not in published
    assert page.count("notice notice-") == 2


def test_the_qapage_data_keeps_a_posts_text_exactly(client, thread):
    body = "Use 5 < 6 & 7 > 3 as the code"
    AnswerFactory(thread=thread, body=body)
    html = client.get(thread.get_absolute_url()).content.decode()
    block = re.search(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', html, re.S)
    text = block.group(1)
    assert "<" not in text and ">" not in text and "&" not in text
    data = json.loads(text)
    assert data["mainEntity"]["suggestedAnswer"][0]["text"] == body
