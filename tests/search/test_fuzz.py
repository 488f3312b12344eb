"""Whatever a person types in a search box, the page answers: 200, or 400 for what no
keyboard sends (a NUL character), never 500. Runs on the configured database, so CI
tries it on SQLite (FTS5 reads quotes and operators) and on PostgreSQL (which refuses
NUL in any text).

A fixed list of what breaks query parsers, then strings from a seeded generator that
mixes those pieces with words of several scripts, emoji, controls and long runs.
"""

from __future__ import annotations

import random

import pytest
from django.urls import reverse
from wagtail.models import Page

from qa import services as qa_services
from search import services
from tests.community.factories import UserFactory
from tests.qa.factories import AnswerFactory, ThreadFactory
from themes import services as theme_services
from themes.models import KnowledgeArticlePage

pytestmark = pytest.mark.django_db

OPERATORS = ["AND", "OR", "NOT", "NEAR", "*", "^", ":", "(", ")", "{", "}", "[", "]", "-", "+"]
OPERATORS += ["~", '"', "'", "\\", "%", "_", "&", "|", "!", "<", ">", "@@", "<->", ":*"]
FIXED = [
    'a"b',
    'カメラ"',
    '"カメラ',
    'Error: "file not found" (code 0x80070002) at C:\\Program Files\\Z5',
    '"',
    '""',
    '"unbalanced',
    'battery"drains',
    "AND",
    "OR NOT",
    "NEAR(battery drains, 2)",
    "battery AND OR NOT drains",
    "battery*",
    "*",
    "^battery",
    "title:battery",
    "body : drains",
    "((battery)",
    "{battery drains}",
    "[battery]",
    "-battery",
    "+battery -drains",
    "~battery",
    "battery~2",
    "\\",
    "battery\\",
    '\\"',
    "'",
    "battery's",
    "' OR 1=1 --",
    "battery & drains | !x",
    "battery <-> drains:*",
    "\x00",
    "battery\x00drains",
    "\x01\x02\x1b[31m\x7f\x9f",
    "\t\n\r\x0b\x0c",
    "x" * 10_000,
    "batterydrainsovernight" * 300,
    "充電" * 2_000,
    "😀",
    "👩‍👩‍👧 battery",
    "バッテリー\"充電'できない",
    'z5 ファームウェア "2.1.2" E-203',
    "Ωmega ≈ ç √ 한국어 العربية עברית",
    "\u200b\u200d\u2060\ufeff",
    "\u202e\u2066battery",
    "ｂａｔｔｅｒｙ＂ｄｒａｉｎｓ",
    "%_%",
    "%00",
    "&#0;",
]
WORDS = ["battery", "drains", "z5", "2.1.2", "E-203", "充電", "できない", "カメラ", "리셋", "😀"]


def _random_queries(count: int, seed: int = 20261203) -> list[str]:
    generator = random.Random(seed)  # noqa: S311 - seeded, so a failure can be replayed
    pieces = OPERATORS + WORDS + [" ", "  ", "\x00", "\n", "\u200b", "\u0301", "ー"]
    queries = []
    for _ in range(count):
        parts = []
        for _ in range(generator.randint(1, 12)):
            roll = generator.random()
            if roll < 0.6:
                parts.append(generator.choice(pieces))
            elif roll < 0.8:  # any character outside the surrogates
                codepoint = generator.randint(1, 0x2FFFF)
                parts.append(chr(codepoint) if not 0xD800 <= codepoint <= 0xDFFF else "?")
            else:
                parts.append(generator.choice(WORDS) * generator.randint(1, 60))
        queries.append("".join(parts))
    return queries


@pytest.fixture
def searchable(brand):
    """Threads in the index and a knowledge article (searched on the same page)."""
    thread = ThreadFactory(
        brand=brand, title='Battery drains "overnight" on Z5', body="充電できない"
    )
    qa_services.answer_accept(actor=thread.author, answer=AnswerFactory(thread=thread))
    ThreadFactory(brand=brand, title='カメラ"のバッテリー', body="E-203 after 2.1.2")
    services.outbox_process()
    Page.objects.get(pk=theme_services.brand_page_ensure(brand).pk).add_child(
        instance=KnowledgeArticlePage(
            title="Battery care", slug="battery-care", summary="Charge overnight.",
            body="<p>Battery drains less after 2.1.2.</p>",
        )
    )  # fmt: skip
    return brand


def _ask(client, url: str, params: dict) -> int:
    client.raise_request_exception = False
    return client.get(url, params).status_code


def test_the_searchable_content_is_found(client, searchable):
    html = client.get(reverse("search:search"), {"q": "battery"}).content.decode()
    assert "Battery care" in html and "overnight" in html


@pytest.mark.parametrize("query", FIXED, ids=range(len(FIXED)))
def test_a_fixed_list_of_awkward_queries(client, searchable, query):
    search = reverse("search:search")
    similar = reverse("search:similar", args=[searchable.slug])
    assert _ask(client, search, {"q": query}) in (200, 400)
    assert _ask(client, search, {"q": query, "brand": searchable.slug}) in (200, 400)
    assert _ask(client, similar, {"title": query}) in (200, 400)


def test_generated_queries(client, searchable):
    search = reverse("search:search")
    similar = reverse("search:similar", args=[searchable.slug])
    answers = {}
    for query in _random_queries(120):
        answers[query] = _ask(client, search, {"q": query})
        if len(answers) % 4 == 0:
            answers[f"similar:{query}"] = _ask(client, similar, {"title": query})
    assert {query: code for query, code in answers.items() if code not in (200, 400)} == {}


def test_only_a_nul_character_is_refused(client, searchable):
    assert _ask(client, reverse("search:search"), {"q": "battery\x00"}) == 400
    assert _ask(client, reverse("search:search"), {"q": 'battery"drains'}) == 200
    assert _ask(client, reverse("search:search"), {"q": "battery", "page": "\x00"}) == 400


def test_a_profile_address_with_a_nul_is_not_found(client):
    UserFactory(username="hana")
    client.raise_request_exception = False
    assert client.get("/u/hana/").status_code == 200
    assert client.get("/u/ha\x00na/").status_code == 404
    assert client.get("/u/hana%00/").status_code == 404
