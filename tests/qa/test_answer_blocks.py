"""A thread page rendered again takes the blocks of the answers that did not change from the
cache (qa/templatetags/answer_blocks.py): the page is the same, byte for byte, as the page
rendered for that viewer; whatever changes what a block shows renders that block again;
and a cache that is down only means rendering every block."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from brands import services as brand_services
from brands.models import Brand, Endorsement
from community import page_cache
from community import services as community_services
from qa import services
from qa.models import Answer
from tests.community.factories import UserFactory
from tests.qa import test_thread_page as assembled_pages
from tests.qa.factories import AnswerFactory
from tests.qa.test_thread_page import READERS, _assembled_and_rendered, _normalised, _reader

pytestmark = pytest.mark.django_db

# The thread with every kind of answer the assembled pages are checked on.
busy_thread = assembled_pages.busy_thread


@pytest.fixture(autouse=True)
def _blocks_kept_from_one_answer(settings):
    """Every page keeps its blocks here (by default only a page of many answers does)."""
    settings.SODAN_ANSWER_BLOCKS_MIN_ANSWERS = 1


CACHE = "X-Sodan-Cache"
ANSWER_TEMPLATE = "qa/_answer.html"


def _blocks_rendered(response) -> int:
    """How many answer blocks the request rendered (the rest came from the cache)."""
    return sum(1 for template in response.templates if template.name == ANSWER_TEMPLATE)


def _changed(thread) -> None:
    """What a write does to the page: a new version, so its next reader gets a miss."""
    page_cache.thread_changed(thread.pk, brand_id=thread.brand_id)


def _block(html: str, answer) -> str:
    return html.split(f'id="answer-{answer.pk}"')[1].split("</article>")[0]


def _rendered_alone(client, settings, url: str) -> str:
    """The page rendered for this reader, no shared rendering and no kept block."""
    settings.SODAN_PAGE_CACHE = False
    rendered = client.get(url)
    settings.SODAN_PAGE_CACHE = True
    assert CACHE not in rendered
    return _normalised(rendered.content.decode())


def test_a_page_rendered_again_takes_its_blocks_from_the_cache_and_is_the_same(client, busy_thread):
    url = busy_thread.get_absolute_url()
    first = client.get(url)
    shown = Answer.objects.filter(thread=busy_thread, visibility="published").count()
    assert first[CACHE] == "miss"
    assert _blocks_rendered(first) == shown
    _changed(busy_thread)
    again = client.get(url)
    assert again[CACHE] == "miss"
    assert _blocks_rendered(again) == 0  # every block from the cache
    assert _normalised(again.content.decode()) == _normalised(first.content.decode())


@pytest.mark.parametrize("who", READERS)
def test_a_page_assembled_from_kept_blocks_is_the_page_rendered_for_that_viewer(
    client, settings, busy_thread, customer, other_customer, who
):
    client.get(busy_thread.get_absolute_url())  # keeps the blocks
    _changed(busy_thread)
    user = _reader(who, customer, other_customer)
    assembled, rendered = _assembled_and_rendered(client, settings, busy_thread, user)
    assert assembled == rendered


def test_kept_blocks_have_this_renderings_slots_filled(client, busy_thread, other_customer):
    """The slots in a kept block (vote, accept, edit) are the reader's own, not those of
    the reader whose page kept it."""
    url = busy_thread.get_absolute_url()
    client.get(url)
    _changed(busy_thread)
    client.force_login(other_customer)
    page = client.get(url)
    assert _blocks_rendered(page) == 0
    html = page.content.decode()
    assert "<!--sodan-slot:" not in html
    own = Answer.objects.get(thread=busy_thread, author=other_customer)
    assert f'href="{reverse("qa:answer_edit", args=[own.pk])}"' in _block(html, own)
    assert "Sign in to say this answer helped you" not in html


def test_a_language_has_blocks_of_its_own(client, settings, busy_thread):
    url = busy_thread.get_absolute_url()
    client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    _changed(busy_thread)
    japanese = client.get(url, HTTP_ACCEPT_LANGUAGE="ja")
    assert _blocks_rendered(japanese) > 0
    settings.SODAN_PAGE_CACHE = False
    rendered = client.get(url, HTTP_ACCEPT_LANGUAGE="ja")
    settings.SODAN_PAGE_CACHE = True
    assert _normalised(japanese.content.decode()) == _normalised(rendered.content.decode())


# --- Whatever a block shows is part of its key ----------------------------------------------


def _helpful(thread):
    return Answer.objects.get(thread=thread, body="Hold the reset key.")


def _plain(thread):
    return Answer.objects.get(thread=thread, body="Same here, no fix yet.")


def _endorsed(thread):
    return Answer.objects.get(thread=thread, body="Clean the contacts.")


def _verified(thread):
    return Answer.objects.get(thread=thread, body="Re-seat the cap.")


def _update(answer, **values):
    Answer.objects.filter(pk=answer.pk).update(**values)


# Each changes one thing a block shows, straight in the database (as the Django admin or a
# migration might), so only the block's key can tell the kept block from the new one.
CHANGES = {
    "helpful count": lambda t, people: _update(_helpful(t), helpful_count=4),
    "body": lambda t, people: _update(_plain(t), body_html="<p>Edited: reseat it twice.</p>"),
    "revision count": lambda t, people: _update(_plain(t), revision_count=3),
    "accepted": lambda t, people: _update(
        _plain(t), accepted_at=timezone.now(), accepted_by=people["asker"]
    ),
    "accepted by another": lambda t, people: _update(_helpful(t), accepted_by=people["stranger"]),
    "unaccepted": lambda t, people: _update(_helpful(t), accepted_at=None, accepted_by=None),
    "verified": lambda t, people: _update(
        _plain(t), verified_at=timezone.now(), verified_by=people["stranger"]
    ),
    "verification date": lambda t, people: _update(
        _verified(t), verified_at=timezone.now() - timedelta(days=40)
    ),
    "endorsed": lambda t, people: _update(
        _plain(t), endorsed_at=timezone.now(), endorsed_by=people["stranger"]
    ),
    "endorsement's brand renamed": lambda t, people: Brand.objects.filter(pk=t.brand_id).update(
        name="Hoshino Imaging"
    ),
    "endorsement withdrawn": lambda t, people: (
        Endorsement.objects.filter(answer=_endorsed(t)).delete(),
        _update(_endorsed(t), endorsed_at=None, endorsed_by=None),
    ),
    "author's display name": lambda t, people: (
        type(people["asker"])
        .objects.filter(pk=_plain(t).author_id)
        .update(display_name="Renamed Person")
    ),
    "accepter's display name": lambda t, people: (
        type(people["asker"])
        .objects.filter(pk=people["asker"].pk)
        .update(display_name="Hana Renamed")
    ),
    "most helpful moves": lambda t, people: _update(_plain(t), helpful_count=5),
    "created date": lambda t, people: _update(
        _plain(t), created_at=timezone.now() - timedelta(days=400)
    ),
}


@pytest.fixture
def people(customer):
    return {"asker": customer, "stranger": UserFactory(username="stranger", display_name="Sam")}


@pytest.mark.parametrize("change", CHANGES)
def test_a_block_shows_every_change_to_what_it_shows(client, settings, busy_thread, people, change):
    url = busy_thread.get_absolute_url()
    before = client.get(url)
    assert _blocks_rendered(before) > 0
    CHANGES[change](busy_thread, people)
    _changed(busy_thread)
    assembled = client.get(url)
    assert assembled[CACHE] == "miss"
    rendered = _rendered_alone(client, settings, url)
    assert _normalised(assembled.content.decode()) == rendered
    assert _normalised(assembled.content.decode()) != _normalised(before.content.decode())


def test_a_vote_renders_that_answers_block_again_and_no_other(client, busy_thread):
    url = busy_thread.get_absolute_url()
    client.get(url)
    plain = _plain(busy_thread)
    services.answer_vote_toggle(user=UserFactory(), answer=plain)
    page = client.get(url)
    assert page[CACHE] == "miss"
    assert _blocks_rendered(page) == 1
    assert "1 found this helpful" in _block(page.content.decode(), plain)


def test_the_most_helpful_badge_moves_with_the_votes(client, busy_thread):
    url = busy_thread.get_absolute_url()
    helpful, plain = _helpful(busy_thread), _plain(busy_thread)
    assert "Most helpful" in _block(client.get(url).content.decode(), helpful)
    for _ in range(2):
        services.answer_vote_toggle(user=UserFactory(), answer=plain)
    page = client.get(url)
    assert _blocks_rendered(page) == 2  # the one that lost the badge, the one that won it
    html = page.content.decode()
    assert "Most helpful · 2 votes" in _block(html, plain)
    assert "Most helpful" not in _block(html, helpful)


def test_a_new_answer_renders_its_own_block_only(client, busy_thread):
    url = busy_thread.get_absolute_url()
    client.get(url)
    new = AnswerFactory(thread=busy_thread, body="Try a different charger.")
    page = client.get(url)
    assert _blocks_rendered(page) == 1
    assert "Try a different charger." in _block(page.content.decode(), new)


def test_an_edit_an_acceptance_and_a_new_name_show_at_once(client, busy_thread, customer):
    url = busy_thread.get_absolute_url()
    client.get(url)
    plain = _plain(busy_thread)
    services.answer_edit(actor=plain.author, answer=plain, body="Same here; fixed by 2.2.")
    html = client.get(url).content.decode()
    assert "Same here; fixed by 2.2." in _block(html, plain)
    assert "Edited (2 versions)" in _block(html, plain)
    services.answer_accept(actor=customer, answer=plain)
    assert "Accepted answer" in _block(client.get(url).content.decode(), plain)
    community_services.profile_update(
        user=customer, display_name="Hana the Asker", bio="", email_notifications=True, language=""
    )
    html = client.get(url).content.decode()
    assert "Accepted by Hana the Asker" in _block(html, plain)
    own = Answer.objects.get(thread=busy_thread, author=customer)
    assert "Hana the Asker</a>" in _block(html, own)


def test_a_recommendation_withdrawn_leaves_the_block(client, busy_thread, brand):
    url = busy_thread.get_absolute_url()
    endorsed = _endorsed(busy_thread)
    assert "Recommended by Hoshino Camera" in _block(client.get(url).content.decode(), endorsed)
    endorsement = Endorsement.objects.get(answer=endorsed)
    brand_services.endorsement_withdraw(actor=endorsement.rep, endorsement=endorsement)
    assert "Recommended by" not in _block(client.get(url).content.decode(), endorsed)


# --- The cache may be away -------------------------------------------------------------------


def test_blocks_are_kept_in_redis_and_rendered_while_it_is_down(client, cache_on_redis, thread):
    AnswerFactory(thread=thread, body="Hold the shutter button for ten seconds.")
    url = thread.get_absolute_url()
    assert _blocks_rendered(client.get(url)) == 1
    _changed(thread)
    assert _blocks_rendered(client.get(url)) == 0  # from Redis
    cache_on_redis.stop()
    page = client.get(url)
    assert page.status_code == 200
    assert _blocks_rendered(page) == 1
    assert b"Hold the shutter button for ten seconds." in page.content


def test_a_page_of_few_answers_is_rendered_whole(client, settings, busy_thread):
    """Below the setting's number of answers the blocks are rendered every time: reading
    and keeping them would cost more than it saves."""
    shown = Answer.objects.filter(thread=busy_thread, visibility="published").count()
    settings.SODAN_ANSWER_BLOCKS_MIN_ANSWERS = shown + 1
    url = busy_thread.get_absolute_url()
    client.get(url)
    _changed(busy_thread)
    assert _blocks_rendered(client.get(url)) == shown
    settings.SODAN_ANSWER_BLOCKS_MIN_ANSWERS = shown
    _changed(busy_thread)
    client.get(url)  # keeps them
    _changed(busy_thread)
    assert _blocks_rendered(client.get(url)) == 0
