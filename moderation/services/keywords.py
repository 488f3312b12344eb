"""Crisis keywords: words or phrases whose appearance in a post alerts a brand's admins and
moderators at once. Matching is on NFKC-normalised, case-folded text, as substrings, so it
works for Japanese (no spaces between words) and ignores full-width/half-width and case."""

from __future__ import annotations

import unicodedata
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from brands.models import Brand
from integrations import events
from integrations.services import event_emit
from outbox.services import message_send
from qa.models import Answer, Thread

from .. import permissions
from ..models import CrisisKeyword, Flag
from .audit import audit_log_record


def normalize_for_matching(text: str) -> str:
    """ＳＯＳ → sos, ｶﾞ → ガ: the form both keywords and posts are compared in."""
    return unicodedata.normalize("NFKC", text or "").casefold()


@transaction.atomic
def crisis_keyword_add(*, actor: Any, brand: Brand | None, phrase: str) -> CrisisKeyword:
    permissions.check_can_manage_keywords(actor, brand)
    phrase = (phrase or "").strip()
    normalized = normalize_for_matching(phrase).strip()
    if not normalized:
        raise ValidationError({"phrase": [_("Enter a word or phrase.")]})
    if len(phrase) > 100:
        raise ValidationError({"phrase": [_("Keep a keyword under 100 characters.")]})
    if CrisisKeyword.objects.filter(brand=brand, normalized=normalized).exists():
        raise ValidationError({"phrase": [_("That keyword is already on the list.")]})
    keyword = CrisisKeyword.objects.create(
        brand=brand, phrase=phrase, normalized=normalized, created_by=actor
    )
    audit_log_record(actor=actor, action="crisis_keyword.add", target=keyword, brand=brand)
    return keyword


@transaction.atomic
def crisis_keyword_remove(*, actor: Any, keyword: CrisisKeyword) -> None:
    permissions.check_can_manage_keywords(actor, keyword.brand)
    audit_log_record(
        actor=actor, action="crisis_keyword.remove", target=keyword, brand=keyword.brand
    )
    keyword.delete()


def keywords_matching(*, brand: Brand, text: str) -> list[str]:
    """The brand's and the global keywords found in the text (one query)."""
    haystack = normalize_for_matching(text)
    phrases = CrisisKeyword.objects.filter(
        models.Q(brand=brand) | models.Q(brand__isnull=True)
    ).values_list("phrase", "normalized")
    return sorted({phrase for phrase, needle in phrases if needle in haystack})


def crisis_scan(*, post: Thread | Answer) -> Flag | None:
    """Put a post whose text matches a crisis keyword in the review queue and alert the
    brand's admins and moderators (Celery, after commit). Called by the Q&A services when
    a post is created or edited; one open crisis flag per post."""
    thread = post if isinstance(post, Thread) else post.thread
    text = f"{post.title}\n{post.body}" if isinstance(post, Thread) else post.body
    matches = keywords_matching(brand=thread.brand, text=text)
    if not matches:
        return None
    kind = "thread" if isinstance(post, Thread) else "answer"
    if Flag.objects.open().filter(**{kind: post}, reason=Flag.Reason.CRISIS).exists():
        return None
    flag = Flag.objects.create(
        **{kind: post},
        brand=thread.brand,
        flagger=None,
        reason=Flag.Reason.CRISIS,
        note=", ".join(matches),
    )
    from ..tasks import alert_crisis

    message_send(alert_crisis, flag.pk)
    event_emit(
        brand=thread.brand,
        kind="crisis.matched",
        data=lambda: events.crisis_matched(
            thread, answer=None if kind == "thread" else post, keywords=matches
        ),
    )
    return flag
