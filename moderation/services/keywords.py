"""Crisis keywords: words or phrases whose appearance in a post raises a crisis alert
(services/crisis.py) with the keyword's severity. A keyword is found literally (NFKC,
case-folded substrings: no spaces needed, width and case ignored) or by its words
(moderation/crisis_match.py: できない = 出来ない = 出来ません, batteries = battery)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from brands.models import Brand
from integrations import events
from integrations.services import event_emit
from qa.models import Answer, Thread

from .. import crisis_match, permissions
from ..crisis_models import SEVERITY_RANK, CrisisAlert, Severity
from ..models import CrisisKeyword, Flag
from .audit import audit_log_record
from .crisis import crisis_alert_raise
from .crisis_surge import surge_check_thread


def normalize_for_matching(text: str) -> str:
    """ＳＯＳ → sos, ｶﾞ → ガ: the form keywords and posts are compared in literally."""
    return crisis_match.literal_form(text)


@transaction.atomic
def crisis_keyword_add(
    *, actor: Any, brand: Brand | None, phrase: str, severity: str = Severity.HIGH
) -> CrisisKeyword:
    permissions.check_can_manage_keywords(actor, brand)
    if severity not in Severity.values:
        raise ValidationError({"severity": [_("Choose low, high or critical.")]})
    phrase = (phrase or "").strip()
    normalized = normalize_for_matching(phrase).strip()
    if not normalized:
        raise ValidationError({"phrase": [_("Enter a word or phrase.")]})
    if len(phrase) > 100:
        raise ValidationError({"phrase": [_("Keep a keyword under 100 characters.")]})
    if CrisisKeyword.objects.filter(brand=brand, normalized=normalized).exists():
        raise ValidationError({"phrase": [_("That keyword is already on the list.")]})
    keyword = CrisisKeyword.objects.create(
        brand=brand, phrase=phrase, normalized=normalized, severity=severity, created_by=actor
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


def keywords_found(*, brand: Brand, text: str) -> dict[str, str]:
    """The brand's and the global keywords found in the text, with their severities (one
    query; the text is analysed only when a keyword is not found literally)."""
    keywords = CrisisKeyword.objects.filter(
        models.Q(brand=brand) | models.Q(brand__isnull=True)
    ).values_list("phrase", "normalized", "severity")
    if not keywords:
        return {}
    post = crisis_match.PostText(text)
    found: dict[str, str] = {}
    for phrase, normalized, severity in keywords:
        if post.matches(phrase, normalized) and SEVERITY_RANK.get(severity, 0) > SEVERITY_RANK.get(
            found.get(phrase, ""), 0
        ):
            found[phrase] = severity
    return dict(sorted(found.items()))


def keywords_matching(*, brand: Brand, text: str) -> list[str]:
    """The brand's and the global keywords found in the text."""
    return list(keywords_found(brand=brand, text=text))


def crisis_scan(*, post: Thread | Answer) -> Flag | None:
    """Put a post whose text matches a crisis keyword in the review queue and raise a
    crisis alert with the highest severity among the keywords found (delivered through the
    outbox); a new problem thread also counts towards a surge of its product. Called by the
    Q&A services when a post is created or edited; one open crisis flag per post."""
    thread = post if isinstance(post, Thread) else post.thread
    if isinstance(post, Thread):
        surge_check_thread(thread=post)
    text = f"{post.title}\n{post.body}" if isinstance(post, Thread) else post.body
    found = keywords_found(brand=thread.brand, text=text)
    if not found:
        return None
    matches = list(found)
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
    crisis_alert_raise(
        brand=thread.brand,
        cause=CrisisAlert.Cause.KEYWORD,
        severity=max(found.values(), key=lambda severity: SEVERITY_RANK.get(severity, 0)),
        key=f"keyword:{kind}:{post.pk}:{flag.pk}",
        summary=", ".join(matches),
        threads=[thread],
        product=thread.product_id,
        version=thread.version_id,
    )
    event_emit(
        brand=thread.brand,
        kind="crisis.matched",
        data=lambda: events.crisis_matched(
            thread, answer=None if kind == "thread" else post, keywords=matches
        ),
    )
    return flag
