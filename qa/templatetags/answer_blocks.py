"""`{% answer_block answer answers %}…{% endanswer_block %}`: an answer's block on the shared
rendering of a thread page (qa/thread_page.py), kept in the cache under everything it shows.

A thread page that changed is rendered again for its next reader, and most of that work is
the answers, which mostly did not change: a vote moves one count, a new answer adds one
block. So each answer's block is kept in the page cache's store (Redis in production,
shared by every worker) under a fingerprint of the values it shows (`shown`): its own
fields, the names and addresses of the people it names, the brand's signals, the
language, time zone and address scheme, and the release (code and templates). Whatever
changes what a block shows changes its key, so a kept block is never stale and no writer
has to remember to drop it; the site-wide version is kept with each block besides, so what
drops every page drops every block too. One rendering reads the blocks of all its answers
in one round trip and writes those it rendered in one more.

Only a page of many answers keeps its blocks (`SODAN_ANSWER_BLOCKS_MIN_ANSWERS`, 10): the
two round trips and the keys cost about what rendering three blocks does, so a page of a
few answers is rendered whole, as cheaply as before (measured against tier M: a block
costs about 0.08 ms to render, 0.05 ms to key and keep; reading 30 kept blocks 0.3 ms).

Outside a shared rendering (a page rendered for one viewer: the brand's people,
moderators, an author with a hidden answer) the tag renders what it encloses.

What the tag encloses may show nothing but what `shown` covers. Viewer slots are fine:
each rendering writes its slot markers with a token of its own (thread_page.SharedPage), so
a block is kept as text and slots and gets the current rendering's markers when it is
used. A block that holds a page mark (the CSRF token, the nonce) is rendered, never kept.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django import template
from django.conf import settings
from django.core.cache import cache
from django.template.base import FilterExpression, NodeList, Parser, Token
from django.urls import get_script_prefix, get_urlconf
from django.utils.safestring import SafeString
from django.utils.timezone import get_current_timezone_name
from django.utils.translation import get_language

from community import page_cache

from ..models import Visibility

if TYPE_CHECKING:
    from ..thread_page import SharedPage

register = template.Library()

# The shape of what is kept under a block's key; part of the key.
BLOCK_FORMAT = "b1"
# What only one rendering holds (its CSRF token and nonce marks, a form's token); a block
# holding it is rendered, never kept.
_NOT_KEPT = ("__sodan", "csrfmiddlewaretoken")

Parts = tuple[str | tuple[str, tuple[str, ...]], ...]


def _name(person: Any) -> str | None:
    return None if person is None else person.public_name


def shown(answer: Any, brand: Any) -> tuple | None:
    """Everything an answer's block shows (qa/_answer.html and what it includes, the slots
    left out), read as the template reads it; None for an answer that is not published
    (only its author sees it, on a page of their own)."""
    if answer.visibility != Visibility.PUBLISHED:
        return None
    signals: tuple = ()
    if answer.accepted_at:
        signals += ("accepted", answer.accepted_at, _name(answer.accepted_by))
    if answer.verified_at:
        signals += ("verified", answer.verified_at, _name(answer.verified_by))
    if answer.official_for_id:
        approval = getattr(answer, "approval", None)  # none: the reverse relation is empty
        signals += ("official", answer.official_for.name)
        if approval is not None:
            signals += (approval.approved_at, _name(approval.approved_by))
    if answer.endorsed_at:
        endorsement = getattr(answer, "endorsement", None)  # brands.selectors.thread_panel
        signals += ("endorsed", answer.endorsed_at, _name(answer.endorsed_by))
        if endorsement is not None:
            signals += (
                endorsement.brand.name if endorsement.brand_id else None,
                endorsement.version.name if endorsement.version_id else None,
                endorsement.outdated_for.name if endorsement.outdated_for_id else None,
            )
    return (
        answer.pk,
        answer.body_html,
        answer.helpful_count,
        answer.is_most_helpful,
        answer.revision_count,
        signals,
        tuple((item.pk, item.alt_text) for item in getattr(answer, "attached", ())),
        answer.author_url,
        answer.author.public_name,
        answer.created_iso,  # with the language, what its text shows (qa.rendering)
        (brand.pk, brand.name) if brand is not None else None,
    )


def _where(request: Any) -> tuple:
    """What a block's text depends on besides the answer: language, time zone, address
    scheme and host."""
    host = request.get_host() if request is not None else ""
    return (get_language(), get_current_timezone_name(), get_urlconf(), get_script_prefix(), host)


def block_key(answer: Any, brand: Any, where: tuple) -> str | None:
    """The key an answer's block is kept under: the release, the answer, and a hash of
    everything the block shows; None for a block that is not kept."""
    values = shown(answer, brand)
    if values is None:
        return None
    digest = hashlib.blake2b(repr((values, where)).encode(), digest_size=16).hexdigest()
    return f"sodan:answer:{BLOCK_FORMAT}:{page_cache.release()}:{answer.pk}:{digest}"


class AnswerBlocks:
    """The blocks of one shared rendering: the keys of its answers, the blocks the cache
    held for them (read in one round trip), and those rendered meanwhile, to be kept."""

    def __init__(self, answers: Sequence[Any], brand: Any, request: Any) -> None:
        self.keys: dict[int, str] = {}
        self.found: dict[str, Parts] = {}
        self.rendered: dict[str, tuple[str, Parts]] = {}
        self.site_version: str | None = None
        if len(answers) < getattr(settings, "SODAN_ANSWER_BLOCKS_MIN_ANSWERS", 10):
            return  # a few blocks render in less time than reading and keeping them takes
        where = _where(request)
        for answer in answers:
            key = block_key(answer, brand, where)
            if key is not None:
                self.keys[answer.pk] = key
        found = cache.get_many([page_cache.SITE_VERSION_KEY, *self.keys.values()])
        # Kept with each block: what drops every page (site_changed) drops every block.
        self.site_version = found.pop(page_cache.SITE_VERSION_KEY, None)
        if self.site_version is None:  # none yet (an empty cache): as page_cache.lookup
            cache.add(page_cache.SITE_VERSION_KEY, secrets.token_hex(6), timeout=None)
            self.site_version = cache.get(page_cache.SITE_VERSION_KEY)  # None: unavailable
        for key, value in found.items():
            if isinstance(value, tuple) and len(value) == 2 and value[0] == self.site_version:
                self.found[key] = value[1]

    def store(self) -> None:
        """Keep the blocks this rendering made (nothing while the site version is unknown:
        the cache is unavailable or was emptied)."""
        if self.rendered and self.site_version is not None:
            cache.set_many(self.rendered, settings.SODAN_PAGE_CACHE_SECONDS)
            self.rendered = {}


def _joined(parts: Parts, shared: SharedPage) -> str:
    return "".join(
        part if isinstance(part, str) else shared.marker(part[0], list(part[1])) for part in parts
    )


class AnswerBlockNode(template.Node):
    def __init__(self, answer: FilterExpression, answers: FilterExpression, nodelist: NodeList):
        self.answer = answer
        self.answers = answers
        self.nodelist = nodelist

    def render(self, context: template.Context) -> SafeString:
        shared = context.get("shared_page")
        if shared is None:
            return self.nodelist.render(context)
        blocks = shared.answer_blocks
        if blocks is None:
            answers = self.answers.resolve(context)
            blocks = AnswerBlocks(answers, context.get("brand"), context.get("request"))
            shared.answer_blocks = blocks
        key = blocks.keys.get(self.answer.resolve(context).pk)
        parts = blocks.found.get(key) if key is not None else None
        if parts is None:
            # Shown as it is kept, split at this rendering's slot markers and joined again,
            # so a block from the cache and one just rendered are the same text.
            parts = shared.split(self.nodelist.render(context))
            if key is not None and not any(
                mark in part for part in parts if isinstance(part, str) for mark in _NOT_KEPT
            ):
                blocks.rendered[key] = (blocks.site_version, parts)
        return SafeString(_joined(parts, shared))


@register.tag("answer_block")
def answer_block(parser: Parser, token: Token) -> AnswerBlockNode:
    """`{% answer_block answer answers %}…{% endanswer_block %}`: `answer`'s block, one of
    `answers` (the page's, whose blocks are read from the cache together)."""
    bits = token.split_contents()
    if len(bits) != 3:
        raise template.TemplateSyntaxError("answer_block takes an answer and the page's answers")
    nodelist = parser.parse(("endanswer_block",))
    parser.delete_first_token()
    return AnswerBlockNode(parser.compile_filter(bits[1]), parser.compile_filter(bits[2]), nodelist)
