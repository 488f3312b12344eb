"""Writes for the LINE channel: receive the webhook, answer from solved threads, turn a
message into a public question or a private request, link a LINE user to a member, push
notifications, relay to the brand's other LINE tool.

Every side effect is an outbox message (outbox.services.message_send) written in the
transaction that caused it; the tasks are idempotent (an event handled once, a push sent
once under LINE's retry key)."""

from __future__ import annotations

import json
import logging
import secrets
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from brands.models import Brand, Product
from outbox.services import message_send

from . import client, replies
from .models import (
    LineCaseRequest,
    LineChannel,
    LineEvent,
    LineLink,
    LinePush,
    LineRelay,
    LineRequest,
)
from .selectors import Credentials, channel_for, line_user_id, solved_threads

logger = logging.getLogger(__name__)


class LineSignatureRefused(Exception):
    """The request is not LINE's for this brand's channel."""


# --- The brand's channel ------------------------------------------------------------------


@transaction.atomic
def line_channel_save(
    *,
    actor: Any,
    brand: Brand,
    channel_secret: str = "",
    access_token: str = "",
    relay_url: str = "",
    relay_all: bool = False,
) -> LineChannel:
    """The admin's credentials and relay. An empty secret or token keeps the stored one
    (the page never shows them back)."""
    from feedback.webhooks import url_refusal
    from moderation.services import audit_log_record

    from .permissions import check_can_manage_line

    check_can_manage_line(actor, brand)
    if relay_url and (refusal := url_refusal(relay_url)):
        raise ValidationError({"relay_url": [refusal]})
    channel, _created = LineChannel.objects.select_for_update().get_or_create(brand=brand)
    if channel_secret.strip():
        channel.channel_secret = channel_secret.strip()
    if access_token.strip():
        channel.access_token = access_token.strip()
    channel.relay_url = relay_url.strip()
    channel.relay_all = relay_all
    channel.save()
    audit_log_record(
        actor=actor,
        action="line.channel_save",
        target=brand,
        data={"relay": bool(channel.relay_url), "relay_all": relay_all},
    )
    return channel


# --- The webhook ---------------------------------------------------------------------------


@transaction.atomic
def webhook_receive(*, brand: Brand, body: bytes, signature: str) -> int:
    """Store each event of a signed request once (LINE redelivers: the webhookEventId
    decides) and queue their processing. Returns how many events were new."""
    credentials = channel_for(brand)
    if not client.signature_valid(credentials.secret, body, signature):
        raise LineSignatureRefused
    try:
        payload = json.loads(body)
        events = payload["events"]
        if not isinstance(events, list):
            raise TypeError
    except (ValueError, KeyError, TypeError):
        raise ValidationError(_("The body is not a LINE webhook.")) from None
    fresh = []
    request = None
    for event in events:
        event_id = str(event.get("webhookEventId", ""))[:64] if isinstance(event, dict) else ""
        if not event_id:
            continue
        if LineEvent.objects.filter(brand=brand, webhook_event_id=event_id).exists():
            continue
        request = request or LineRequest.objects.create(brand=brand, body=body.decode())
        try:
            with transaction.atomic():
                fresh.append(
                    LineEvent.objects.create(
                        brand=brand,
                        request=request,
                        webhook_event_id=event_id,
                        type=str(event.get("type", ""))[:40],
                        line_user_id=str((event.get("source") or {}).get("userId", ""))[:64],
                        payload=event,
                    )
                )
        except IntegrityError:  # the same redelivery, received twice at once
            continue
    if fresh:
        message_send("line.tasks.request_process", request.pk)
    return len(fresh)


def request_process(request_id: int) -> int:
    """Answer the request's new events, then forward what the brand's other tool should
    have. LINE busy or down raises (the outbox retries); events already answered are not
    answered again."""
    request = LineRequest.objects.select_related("brand").filter(pk=request_id).first()
    if request is None:
        return 0
    credentials = channel_for(request.brand)
    settled: list[LineEvent] = []
    try:
        for event in request.events.filter(state=LineEvent.State.NEW).order_by("pk"):
            handled = _event_handle(event, credentials)
            event.state = LineEvent.State.HANDLED if handled else LineEvent.State.LEFT
            LineEvent.objects.filter(pk=event.pk).update(
                state=event.state, processed_at=timezone.now()
            )
            settled.append(event)
    finally:
        _relay_queue(request, credentials, settled)
    return len(settled)


def _language_for(brand: Brand, line_id: str) -> str:
    link = LineLink.objects.filter(brand=brand, line_user_id=line_id).select_related("user").first()
    return (link.user.language if link and link.user.language else "") or (
        settings.SODAN_LINE_LANGUAGE
    )


def _event_handle(event: LineEvent, credentials: Credentials) -> bool:
    """Whether Sodan answered the event; one it leaves goes on to the relay."""
    payload = event.payload
    reply_token = payload.get("replyToken", "")
    messages: list[dict] = []
    with translation.override(_language_for(event.brand, event.line_user_id)):
        if event.type == "message" and event.text.strip():
            threads = solved_threads(brand=event.brand, text=event.text)
            messages = replies.answers(brand=event.brand, threads=threads, event_id=event.pk)
        elif event.type == "follow":
            messages = replies.greeting(brand=event.brand)
        elif event.type == "postback":
            chosen = replies.read_postback(str((payload.get("postback") or {}).get("data", "")))
            if chosen is None:
                return False
            action, asked_in = chosen
            origin = LineEvent.objects.filter(
                pk=asked_in, brand=event.brand, line_user_id=event.line_user_id
            ).first()
            if origin is None:
                return True  # an old or foreign button: nothing to offer
            from .tokens import flow_url

            messages = replies.flow_link(
                action=action, brand=event.brand, url=flow_url(action, origin)
            )
        else:
            return False
    if not (reply_token and credentials.token):
        logger.warning("LINE event %s of brand %s not answered: no token", event.pk, event.brand_id)
        return True
    try:
        client.reply(token=credentials.token, reply_token=reply_token, messages=messages)
    except client.LineRefused:
        # An expired reply token (a redelivery after minutes) or a blocked account: the
        # event is settled; there is no one to answer.
        logger.warning("LINE refused the reply to event %s", event.pk, exc_info=True)
    return True


def _relay_queue(request: LineRequest, credentials: Credentials, settled: list[LineEvent]) -> None:
    if not credentials.relay_url or not settled:
        return
    chosen = (
        settled
        if credentials.relay_all
        else [e for e in settled if e.state == LineEvent.State.LEFT]
    )
    if not chosen:
        return
    original = json.loads(request.body)
    if len(chosen) == len(original.get("events", [])):
        body = request.body  # everything: the original body, byte for byte
    else:
        body = json.dumps(
            {"destination": original.get("destination", ""), "events": [e.payload for e in chosen]},
            ensure_ascii=False,
            separators=(",", ":"),
        )
    with transaction.atomic():
        relay = LineRelay.objects.create(brand=request.brand, body=body)
        message_send("line.tasks.relay_deliver", relay.pk)


def relay_deliver(relay_id: int) -> str:
    """Forward the body with a freshly computed X-Line-Signature (the same channel secret,
    so the tool checks it as it checked LINE's). A tool that is down is retried by the
    outbox; one that refuses is recorded."""
    from feedback.webhooks import send

    relay = LineRelay.objects.select_related("brand").filter(pk=relay_id).first()
    if relay is None or relay.state != LineRelay.State.PENDING:
        return "done"
    credentials = channel_for(relay.brand)
    body = relay.body.encode()
    LineRelay.objects.filter(pk=relay.pk).update(attempts=F("attempts") + 1)
    result = send(
        url=credentials.relay_url,
        body=body,
        headers={client.SIGNATURE_HEADER: client.signature(credentials.secret, body)},
        timeout=settings.SODAN_LINE_TIMEOUT_SECONDS,
    )
    if result.delivered:
        LineRelay.objects.filter(pk=relay.pk).update(state=LineRelay.State.SENT, last_error="")
        return "sent"
    LineRelay.objects.filter(pk=relay.pk).update(last_error=result.error[:500])
    if result.retryable:
        raise client.LineTemporaryError(result.error)
    LineRelay.objects.filter(pk=relay.pk).update(state=LineRelay.State.FAILED)
    logger.warning("The LINE relay of brand %s refused: %s", relay.brand_id, result.error)
    return "failed"


# --- From the chat to the web --------------------------------------------------------------


@transaction.atomic
def line_link(*, user: Any, event: LineEvent) -> LineLink:
    """Link the LINE user who wrote `event` to `user` (signed in, holding the chat's link).
    A LINE user has one member per brand, a member one LINE user per brand: the newest
    link wins."""
    from community.permissions import require_participation

    require_participation(user)
    LineLink.objects.filter(brand=event.brand, line_user_id=event.line_user_id).exclude(
        user=user
    ).delete()
    LineLink.objects.filter(brand=event.brand, user=user).exclude(
        line_user_id=event.line_user_id
    ).delete()
    link, _created = LineLink.objects.get_or_create(
        brand=event.brand, user=user, line_user_id=event.line_user_id
    )
    return link


@transaction.atomic
def line_question_publish(
    *,
    actor: Any,
    event: LineEvent,
    title: str,
    body: str,
    product: Product | None,
    consent: bool,
) -> Any:
    """The person's confirmed question, published as their thread (channel LINE). Never
    without their explicit yes; once per message."""
    from qa.models import Thread
    from qa.services import thread_create

    event = (
        LineEvent.objects.select_for_update(of=("self",)).select_related("brand").get(pk=event.pk)
    )
    if event.thread_id is not None:
        return Thread.objects.get(pk=event.thread_id)
    if not consent:
        raise ValidationError(
            {"consent": [_("Tick the box to agree that your question is published.")]}
        )
    thread = thread_create(
        author=actor,
        brand=event.brand,
        title=title,
        body=body,
        product=product,
        channel=Thread.Channel.LINE,
    )
    LineEvent.objects.filter(pk=event.pk).update(thread=thread)
    line_link(user=actor, event=event)
    return thread


@transaction.atomic
def line_case_request(*, actor: Any, event: LineEvent) -> LineCaseRequest:
    """The person asks the brand's team privately; the reps and admins are told (without
    the words: a notification may be read where a private request must not)."""
    from community.permissions import require_participation
    from moderation.ratelimit import rate_limit_hit

    require_participation(actor)
    existing = LineCaseRequest.objects.filter(event=event).first()
    if existing is not None:
        return existing
    rate_limit_hit(user=actor, action="post")
    request = LineCaseRequest.objects.create(
        brand=event.brand, requester=actor, event=event, text=event.text[:5000]
    )
    line_link(user=actor, event=event)
    message_send("line.tasks.case_request_notify", request.pk)
    return request


def case_request_notify(request_id: int) -> int:
    from brands.models import Membership
    from community.models import Notification
    from community.services import notification_deliver

    request = (
        LineCaseRequest.objects.select_related("brand", "requester").filter(pk=request_id).first()
    )
    if request is None:
        return 0
    team = [
        m.user
        for m in Membership.objects.active()
        .for_brand(request.brand)
        .speaking()
        .select_related("user")
    ]
    return len(
        notification_deliver(
            recipients=team,
            kind=Notification.Kind.LINE_CASE_REQUEST,
            dedupe_key=f"line_case_request:{request.pk}",
            actor=request.requester,
            message=_("%(name)s asked %(brand)s privately on LINE.")
            % {"name": request.requester.public_name, "brand": request.brand.name},
            url=reverse("line:requests", kwargs={"brand_slug": request.brand.slug}),
            context={"brand": request.brand, "request": request},
            topic="work",
        )
    )


@transaction.atomic
def line_case_reply(
    *, actor: Any, request: LineCaseRequest, body: str, submission_token: str = ""
) -> LinePush:
    """A rep's private answer, pushed to the person's LINE. The same form sent twice (its
    submission token) pushes once: the second send returns the first push."""
    from .permissions import check_can_answer_line_requests

    check_can_answer_line_requests(actor, request.brand)
    body = body.strip()
    if not body:
        raise ValidationError({"body": [_("Write the answer.")]})
    once = submission_token or secrets.token_urlsafe(16)
    push, created = LinePush.objects.get_or_create(
        dedupe_key=f"line_case_reply:{request.pk}:{once}",
        defaults={
            "brand": request.brand,
            "user": request.requester,
            "line_user_id": request.event.line_user_id,
            "text": f"{request.brand.name}: {body}"[:5000],
        },
    )
    if created:
        message_send("line.tasks.push", push.pk)
    return push


# --- Notifications by push ------------------------------------------------------------------


def notification_push(
    *,
    notification: Any,
    recipient: Any,
    thread: Any = None,
    url: str = "",
    topic: Any = None,
    context: dict | None = None,
) -> LinePush | None:
    """Called by community.services.notification_deliver for each notification: push it to
    the recipient's LINE when they linked LINE and consent to the topic on LINE."""
    brand = thread.brand if thread is not None else (context or {}).get("brand")
    if not isinstance(brand, Brand):
        brand = None
    line_id = line_user_id(recipient, brand)
    if not line_id:
        return None
    from community.consent import LINE, consent_allows, topic_of

    if not consent_allows(recipient, topic or topic_of(notification.kind), LINE):
        return None
    if brand is None or not channel_for(brand).connected:
        link = LineLink.objects.filter(user=recipient).select_related("brand").first()
        brand = link.brand if link else None
    if brand is None or not channel_for(brand).connected:
        return None
    from community.models import Notification

    with translation.override(recipient.language or settings.LANGUAGE_CODE):
        kinds = dict(Notification.Kind.choices)
        heading = str(kinds.get(notification.kind, brand.name))
        text = "\n".join(part for part in (heading, notification.message, url) if part)
    with transaction.atomic():
        push, created = LinePush.objects.get_or_create(
            dedupe_key=f"notification:{notification.pk}",
            defaults={"brand": brand, "user": recipient, "line_user_id": line_id, "text": text},
        )
        if created:
            message_send("line.tasks.push", push.pk)
    return push


def push_deliver(push_id: int) -> str:
    """Send a push once. LINE busy (429) or down (5xx) raises, so the outbox tries again
    later; after SODAN_LINE_PUSH_MAX_ATTEMPTS it is given up, kept with its error."""
    push = LinePush.objects.select_related("brand").filter(pk=push_id).first()
    if push is None or push.state != LinePush.State.PENDING:
        return "done"
    credentials = channel_for(push.brand)
    LinePush.objects.filter(pk=push.pk).update(attempts=F("attempts") + 1)
    attempts = push.attempts + 1
    try:
        if not credentials.token:
            raise client.LineRefused(_("The brand's LINE account is not connected."))
        client.push(
            token=credentials.token,
            to=push.line_user_id,
            messages=[{"type": "text", "text": push.text[:5000]}],
            retry_key=str(push.retry_key),
        )
    except client.LineTemporaryError as error:
        if attempts >= settings.SODAN_LINE_PUSH_MAX_ATTEMPTS:
            _give_up(push, str(error))
            return "given_up"
        LinePush.objects.filter(pk=push.pk).update(last_error=str(error)[:500])
        raise
    except client.LineRefused as error:
        _give_up(push, str(error))
        return "given_up"
    LinePush.objects.filter(pk=push.pk).update(
        state=LinePush.State.SENT, finished_at=timezone.now(), last_error=""
    )
    return "sent"


def _give_up(push: LinePush, error: str) -> None:
    LinePush.objects.filter(pk=push.pk).update(
        state=LinePush.State.GIVEN_UP, finished_at=timezone.now(), last_error=error[:500]
    )
    logger.error("LINE push %s given up after %s attempts: %s", push.pk, push.attempts + 1, error)
