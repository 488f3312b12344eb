"""Writes for removal requests: file one (anyone), respond to one (the poster), decide one
(a neutral moderator of the post's brand, within the law's seven days).

Every side effect is an outbox message written in the change's transaction: the receipt
and the decision e-mailed to the requester, the poster's notices. A decision to remove or
to remove part of a post goes through moderation's own actions (post_delete, or the Q&A
edit services with a reason), so the post gets its audit entry, its page and search entry
refreshed, its author's notice and, for a removal, the author's one appeal.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from moderation import services as moderation
from outbox.services import message_send
from qa.models import Answer, Thread, Visibility

from . import permissions
from .models import RemovalRequest

_THREAD_PATH = re.compile(r"/t/(\d+)(?:/|$)")
_ANSWER_PATH = re.compile(r"/a/(\d+)(?:/|$)")
_ANSWER_ANCHOR = re.compile(r"^answer-(\d+)$")


def removal_clock() -> dt.timedelta:
    """The law's time from filing to decision."""
    return dt.timedelta(days=settings.SODAN_REMOVAL_REQUEST_DAYS)


def post_from_url(url: str) -> Thread | Answer | None:
    """The post an address names: a thread (/t/<id>/…), an answer on it (#answer-<id>) or
    an answer's short address (/a/<id>/). Any host: brands' own domains serve the same paths.
    None for anything else, and for a post that is gone (deleted)."""
    parts = urlsplit((url or "").strip())
    answer_id = None
    match = _ANSWER_PATH.search(parts.path) or _ANSWER_ANCHOR.match(parts.fragment)
    if match:
        answer_id = int(match.group(1))
    thread_match = _THREAD_PATH.search(parts.path)
    if answer_id is not None:
        answers = Answer.objects.select_related("thread__brand", "author")
        if thread_match:
            answers = answers.filter(thread_id=int(thread_match.group(1)))
        post = answers.filter(pk=answer_id).exclude(visibility=Visibility.DELETED).first()
        return post
    if thread_match:
        return (
            Thread.objects.select_related("brand", "author")
            .filter(pk=int(thread_match.group(1)))
            .exclude(visibility=Visibility.DELETED)
            .first()
        )
    return None


def _brand_of(post: Thread | Answer):
    return post.brand if isinstance(post, Thread) else post.thread.brand


def _required(value: str, field: str, message: str, limit: int) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: [message]})
    if len(value) > limit:
        raise ValidationError(
            {field: [_("Keep it under %(limit)d characters.") % {"limit": limit}]}
        )
    return value


@transaction.atomic
def removal_request_file(
    *,
    requester: Any,
    name: str,
    email: str,
    post_url: str,
    right: str,
    explanation: str,
    language: str = "",
) -> RemovalRequest:
    """File a request. Anyone may (the page applies an address rate limit first); the
    clock starts now, the requester gets a receipt and the poster a notice."""
    name = _required(name, "name", _("Tell us your name."), 200)
    email = (email or "").strip()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError(
            {"email": [_("Give an e-mail address the decision can reach.")]}
        ) from None
    if right not in RemovalRequest.Right.values:
        raise ValidationError({"right": [_("Choose the right the post infringes.")]})
    explanation = _required(
        explanation, "explanation", _("Explain how the post infringes that right."), 5000
    )
    post = post_from_url(post_url)
    if post is None:
        raise ValidationError(
            {"post_url": [_("No post found at that address. Copy the post's link from Sodan.")]}
        )
    now = timezone.now()
    request = RemovalRequest.objects.create(
        **{"thread" if isinstance(post, Thread) else "answer": post},
        brand=_brand_of(post),
        requester=requester if getattr(requester, "is_authenticated", False) else None,
        requester_name=name,
        requester_email=email,
        language=language or get_language() or settings.LANGUAGE_CODE,
        post_url=post_url.strip()[:500],
        right=right,
        explanation=explanation,
        created_at=now,
        due_at=now + removal_clock(),
    )
    moderation.audit_log_record(
        actor=requester,
        action="removal_request.file",
        target=request,
        brand=request.brand,
        data={"post": [request.kind, post.pk], "right": right},
    )
    from . import tasks

    message_send(tasks.email_removal_request_received, request.pk)
    message_send(tasks.notify_poster_of_removal_request, request.pk)
    return request


@transaction.atomic
def removal_request_respond(
    *, author: Any, request: RemovalRequest, message: str
) -> RemovalRequest:
    """The poster's side, read by the moderator before deciding. Until the decision the
    poster may rewrite it; afterwards their way is the appeal (for a removal)."""
    permissions.check_can_respond(author, request)
    locked = RemovalRequest.objects.select_for_update(of=("self",)).get(pk=request.pk)
    if locked.decided_at is not None:
        raise ValidationError(
            {"message": [_("This request is decided; if your post was removed, appeal instead.")]}
        )
    message = _required(message, "message", _("Write your response."), 5000)
    locked.poster_response = message
    locked.poster_responded_at = timezone.now()
    locked.save(update_fields=["poster_response", "poster_responded_at"])
    request.poster_response, request.poster_responded_at = message, locked.poster_responded_at
    return locked


@transaction.atomic
def removal_request_decide(
    *,
    moderator: Any,
    request: RemovalRequest,
    decision: str,
    reason: str,
    revised_body: str = "",
) -> RemovalRequest:
    """Decide once: remove the post, keep it, or remove part of it (`revised_body`: the
    post's text with the infringing part taken out). The requester is e-mailed the decision
    and its reasons; the poster is told by the moderation notice (remove, partly) or by a
    notice of their own (keep)."""
    permissions.check_can_decide(moderator, request)
    locked = (
        RemovalRequest.objects.select_for_update(of=("self",))
        .select_related("brand", "decided_by")
        .get(pk=request.pk)
    )
    if locked.decided_at is not None:
        who = locked.decided_by.public_name if locked.decided_by else _("A moderator")
        when = formats.date_format(timezone.localtime(locked.decided_at), "DATETIME_FORMAT")
        raise ValidationError(
            _("Already decided: %(who)s decided this request on %(when)s.")
            % {"who": who, "when": when}
        )
    if decision not in RemovalRequest.Decision.values:
        raise ValidationError({"decision": [_("Choose remove, keep or remove in part.")]})
    reason = _required(
        reason, "reason", _("Give your reasons: the requester and the poster read them."), 2000
    )
    post = _fresh_post(locked)
    if decision == RemovalRequest.Decision.REMOVE and post is not None:
        if post.visibility != Visibility.DELETED:
            moderation.post_delete(actor=moderator, post=post, reason=reason)
    elif decision == RemovalRequest.Decision.PARTLY:
        if post is None:
            raise ValidationError({"decision": [_("The post is gone: nothing to edit.")]})
        _remove_part(moderator=moderator, post=post, body=revised_body, reason=reason)
    now = timezone.now()
    locked.decision, locked.decision_reason = decision, reason
    locked.decided_at, locked.decided_by = now, moderator
    locked.save(update_fields=["decision", "decision_reason", "decided_at", "decided_by"])
    moderation.audit_log_record(
        actor=moderator,
        action=f"removal_request.{decision}",
        target=locked,
        brand=locked.brand,
        reason=reason,
        data={
            "post": [locked.kind, post.pk if post else None],
            "hours": round((now - locked.created_at).total_seconds() / 3600, 1),
            "in_time": now <= locked.due_at,
        },
    )
    from . import tasks

    message_send(tasks.email_removal_decision, locked.pk)
    if decision == RemovalRequest.Decision.KEEP and post is not None:
        message_send(tasks.notify_poster_of_decision, locked.pk)
    request.decision, request.decision_reason = decision, reason
    request.decided_at, request.decided_by = now, moderator
    return locked


def _fresh_post(request: RemovalRequest) -> Thread | Answer | None:
    if request.thread_id:
        return Thread.objects.select_related("brand", "author").filter(pk=request.thread_id).first()
    if request.answer_id:
        return (
            Answer.objects.select_related("thread__brand", "author")
            .filter(pk=request.answer_id)
            .first()
        )
    return None


def _remove_part(*, moderator: Any, post: Thread | Answer, body: str, reason: str) -> None:
    """Through the Q&A edit services: a new revision, the author told why."""
    from qa import services as qa_services

    body = (body or "").strip()
    if not body or body == post.body.strip():
        raise ValidationError(
            {"revised_body": [_("Give the post's text with the infringing part taken out.")]}
        )
    if isinstance(post, Thread):
        qa_services.thread_edit(
            actor=moderator, thread=post, title=post.title, body=body, reason=reason
        )
    else:
        qa_services.answer_edit(actor=moderator, answer=post, body=body, reason=reason)
    # Earlier revisions are public too: the part removed must not stay readable there.
    from django.utils.html import escape

    from qa.models import Revision

    revisions = Revision.objects.filter(**{_kind(post): post}).order_by("-number")
    latest = revisions.values_list("number", flat=True).first()
    gone = _("(Text removed after a removal request.)")
    revisions.exclude(number=latest).update(body=gone, body_html=f"<p>{escape(gone)}</p>")


def _kind(post: Thread | Answer) -> str:
    return "thread" if isinstance(post, Thread) else "answer"


def removal_criteria_page_ensure():
    """Make sure the published removal criteria exist under the home page (a fresh site
    gets them from the data migration; this repairs a site whose pages were removed)."""
    from themes.models import HomePage

    from . import criteria
    from .models import RemovalCriteriaPage

    page = RemovalCriteriaPage.objects.first()
    home = HomePage.objects.first()
    if page is not None or home is None:
        return page
    return home.add_child(
        instance=RemovalCriteriaPage(
            title=criteria.TITLE,
            title_ja=criteria.TITLE_JA,
            slug="removal-criteria",
            body=criteria.BODY,
            body_ja=criteria.BODY_JA,
        )
    )
