"""The feedback board's pipeline (each status its own colour, readable, and named), and
threads suggested for linking ranked by the search stage's relevance to the item."""

import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from feedback import selectors
from feedback.models import FeedbackItem
from feedback.services import items as services
from qa import services as qa_services
from search import services as search_services
from tests.community.factories import UserFactory
from tests.qa.factories import ThreadFactory
from themes.contrast import AA_NORMAL_TEXT, contrast_ratio

pytestmark = pytest.mark.django_db


def _status_colours() -> dict[str, tuple[str, str]]:
    css = Path(finders.find("feedback/board.css")).read_text()
    rules = re.findall(r"\.feedback-status-([a-z_]+)\s*\{([^}]*)\}", css)
    colours = {}
    for status, body in rules:
        background = re.search(r"background:\s*(#[0-9a-f]{6})", body).group(1)
        text = re.search(r"(?<![-\w])color:\s*(#[0-9a-f]{6})", body).group(1)
        colours[status] = (background, text)
    return colours


def test_every_status_has_its_own_colour_readable_at_aa():
    colours = _status_colours()
    assert set(colours) == set(FeedbackItem.Status.values)
    backgrounds = [background for background, _text in colours.values()]
    assert len(set(backgrounds)) == len(backgrounds), "one colour per status"
    for status, (background, text) in colours.items():
        ratio = contrast_ratio(background, text)
        assert ratio >= AA_NORMAL_TEXT, f"{status}: {ratio:.2f}:1"


def test_the_board_shows_the_pipeline_in_order_with_names(login, official, rep):
    page = login(rep).get(reverse("feedback:board", args=[official.slug])).content.decode()
    page = page.replace("&#x27;", "'")
    assert "feedback/board.css" in page
    pipeline = page.split('class="feedback-pipeline"', 1)[1].split("</ol>", 1)[0]
    names = re.findall(r'feedback-status-([a-z_]+)">([^<]+)<', pipeline)
    assert names == [
        ("new", "New"),
        ("under_review", "Under review"),
        ("planned", "Let's do it"),
        ("in_progress", "In progress"),
        ("shipped", "Shipped"),
        ("declined", "Declined"),
    ]


def test_link_suggestions_are_ranked_by_relevance_not_by_date(official, rep):
    author = UserFactory()
    relevant = ThreadFactory(
        brand=official,
        author=author,
        type="problem",
        title="Lens cap stuck after the firmware update",
        body="The lens cap motor stops half way since the update.",
    )
    shared = ThreadFactory(
        brand=official,
        author=author,
        type="problem",
        title="Strap ring squeaks",
        body="The strap ring makes a noise.",
    )
    newest = ThreadFactory(
        brand=official, author=author, type="problem", title="Menu is slow", body="Laggy menus."
    )
    for _ in range(3):
        qa_services.thread_me_too_toggle(user=UserFactory(), thread=shared)
    search_services.outbox_process()
    item = services.feedback_item_create(
        actor=rep, brand=official, title="Lens cap stuck", summary="Firmware update lens cap"
    )
    suggested = selectors.link_suggestions(item)
    assert suggested[0] == relevant
    assert set(suggested) == {relevant, shared, newest}
    # Without the search stage's ranking the most shared, then the newest, came first.
    assert suggested[1:] == [shared, newest]
