"""The demo's product feedback: the official brand's board holds an item in every status
(new, under review, let's do it, in progress, shipped, declined with a reason), each
gathering real demo threads, with labels for triage, internal comments with a mention,
a "me too" cohort by version and platform, and its integrations: the issue tracker moved
one item by a signed request (a replay of it was refused), and two webhooks with their
delivery log.

Items, links, statuses, comments, labels and the tracker's request go through the
services, like the team's clicks and a tracker's call would; shipping closes the loop
with everyone affected. Moments are moved into the past afterwards, as the rest of the
demo does.

The demo sends nothing over the network: the webhook endpoints are added after the
items' events, and their delivery log is written as Slack and the tracker would have
answered.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timedelta

from django.utils import timezone

from brands.models import Brand
from community.models import User
from feedback import webhooks
from feedback.models import (
    FeedbackComment,
    FeedbackItem,
    FeedbackLink,
    FeedbackStatusChange,
    InboundWebhook,
    WebhookDelivery,
    WebhookEndpoint,
)
from feedback.services import integrations
from feedback.services import items as services
from qa.models import Thread

from . import content

Status = FeedbackItem.Status
TRACKER_ISSUE = "https://github.com/hoshino-camera/z5-firmware/issues/412"
# A documentation address (RFC 5737): where the demo's tracker calls from.
TRACKER_ADDR = "192.0.2.41"


def _thread(brand: Brand, title_start: str) -> Thread:
    return Thread.objects.get(brand=brand, title__startswith=title_start)


def _walk(*, actor: User, item: FeedbackItem, to: str, **last: str) -> FeedbackItem:
    """Take the item along the pipeline one step at a time, as a team does over weeks."""
    for status in FeedbackItem.PIPELINE[1 : FeedbackItem.PIPELINE.index(to) + 1]:
        extra = last if status == to else {}
        item = services.feedback_status_set(actor=actor, item=item, status=status, **extra)
    return item


def _backdate(item: FeedbackItem, *, start: datetime, now: datetime) -> None:
    """Spread the item's history between `start` and a little before now."""
    changes = list(item.status_changes.order_by("pk"))
    comments = list(item.comments.order_by("pk"))
    span = (now - timedelta(hours=6)) - start
    steps = len(changes) + 1
    moments = [start + span * (index / steps) for index in range(1, steps)]
    FeedbackItem.objects.filter(pk=item.pk).update(created_at=start)
    FeedbackLink.objects.filter(item=item).update(linked_at=start)
    for change, moment in zip(changes, moments, strict=True):
        FeedbackStatusChange.objects.filter(pk=change.pk).update(created_at=moment)
    if changes:
        last = moments[-1]
        FeedbackItem.objects.filter(pk=item.pk).update(status_changed_at=last)
        if item.status == Status.SHIPPED:
            FeedbackItem.objects.filter(pk=item.pk).update(shipped_at=last)
    for index, comment in enumerate(comments):
        moment = start + span * ((index + 0.5) / (len(comments) + 1))
        FeedbackComment.objects.filter(pk=comment.pk).update(created_at=moment)


def _start(threads: list[Thread], now: datetime, *, days_before_now: float) -> datetime:
    """A day after the newest thread, or `days_before_now` ago if that is later."""
    newest = max(thread.created_at for thread in threads)
    return max(newest + timedelta(days=1), now - timedelta(days=days_before_now))


def _tracker_requests(brand: Brand, secret: str, item: FeedbackItem) -> None:
    """The tracker puts the updater item in progress; a replay of its request is refused,
    and so is a request signed with an old secret."""
    body = json.dumps({"issue_url": TRACKER_ISSUE, "status": "in_progress"}).encode()
    now = int(timezone.now().timestamp())
    signed = {webhooks.SIGNATURE_HEADER: webhooks.sign(secret=secret, body=body, timestamp=now)}
    for _attempt in range(2):
        integrations.inbound_webhook_receive(
            brand=brand, headers=signed, body=body, remote_addr=TRACKER_ADDR
        )
    not_the_secret = secret[::-1]  # a tool still configured with a replaced secret
    stale = {
        webhooks.SIGNATURE_HEADER: webhooks.sign(secret=not_the_secret, body=body, timestamp=now)
    }
    integrations.inbound_webhook_receive(
        brand=brand, headers=stale, body=body, remote_addr=TRACKER_ADDR
    )
    item.refresh_from_db()


def _delivery_log(
    *, brand: Brand, endpoint: WebhookEndpoint, item: FeedbackItem, event: str, at: datetime, **how
) -> None:
    brand_data = {"slug": brand.slug, "name": brand.name}
    item_json = integrations.item_data(item)
    data = {"previous_status": Status.IN_PROGRESS} if event == "item.status_changed" else {}
    if endpoint.format == WebhookEndpoint.Format.SLACK:
        payload = webhooks.slack_payload(event=event, brand=brand_data, item=item_json, data=data)
    else:
        payload = webhooks.json_payload(
            event=event, brand=brand_data, item=item_json, data=data, occurred_at=at.isoformat()
        )
    delivery = WebhookDelivery.objects.create(
        brand=brand, endpoint=endpoint, event=event, payload=payload, **how
    )
    WebhookDelivery.objects.filter(pk=delivery.pk).update(created_at=at, last_attempt_at=at)


def load_feedback(
    *,
    users: dict[str, User],
    brands: dict[str, Brand],
    now: datetime,
    report: Callable[[str], None],
) -> None:
    official = brands[content.OFFICIAL_BRAND.slug]
    rep, admin = users[content.REP.username], users[content.BRAND_ADMIN.username]

    # Labels the admin defined for triage, on a few threads.
    impression = services.feedback_label_create(
        actor=admin,
        brand=official,
        name="customer impression",
        description="What customers feel about us, good or bad; read it in the weekly meeting.",
    )
    firmware_label = services.feedback_label_create(
        actor=admin, brand=official, name="firmware", description="Needs the firmware team."
    )
    repairs = services.feedback_label_create(actor=admin, brand=official, name="service centre")

    e203 = _thread(official, "Z5のファームウェア更新が")
    err41 = _thread(official, "Z7 Proで「Err 41」")
    fn_raw = _thread(official, "Let the Fn buttons toggle")
    repair_web = _thread(official, "修理の進み具合をWebで")
    battery = _thread(official, "Z5 battery drains overnight")
    heat_4k = _thread(official, "Z5で4K動画を撮ると")
    link_android = _thread(official, "Hoshino Link can't find my Z5")
    link_ios = _thread(official, "Hoshino Linkで写真の転送が")
    for thread, labels in (
        (e203, [firmware_label]),
        (err41, [firmware_label, impression]),
        (battery, [firmware_label, impression]),
        (repair_web, [repairs, impression]),
    ):
        services.thread_labels_set(actor=rep, thread=thread, labels=labels)

    # New: the rep passed the question about 4K recording stopping from heat on.
    new = services.feedback_item_create(
        actor=rep,
        brand=official,
        title="Z5 stops 4K recording from heat after about 50 minutes",
        summary="Parents film hour-long school events; an open screen and USB power help.",
        threads=[heat_4k],
    )

    # Under review: the firmware team is reproducing Err 41.
    review = services.feedback_item_create(
        actor=rep, brand=official, title="Z7 Pro stops shooting with Err 41", threads=[err41]
    )
    review = _walk(actor=admin, item=review, to=Status.UNDER_REVIEW)
    services.feedback_comment_add(
        actor=admin,
        item=review,
        body=f"@{rep.username} can you ask which lens was mounted? The lab suspects the HX 85mm.",
    )

    # Let's do it (やりましょう): an idea with many "me too"s.
    planned = services.feedback_item_create(
        actor=admin,
        brand=official,
        title="Fn button that switches JPEG and RAW+JPEG",
        kind=FeedbackItem.Kind.IDEA,
        threads=[fn_raw],
    )
    planned = _walk(actor=admin, item=planned, to=Status.PLANNED)
    services.feedback_comment_add(
        actor=admin,
        item=planned,
        body="Eight people asked for it in a month. やりましょう — planned for firmware 2.2.",
    )

    # In progress: linked to the firmware team's issue, which the tracker moved itself.
    # (Its thread is still open: the battery thread, solved by 2.1.2, links to no item.)
    in_progress = services.feedback_item_create(
        actor=rep,
        brand=official,
        title="Z5 updater stops with E-203 on files unzipped on a Mac",
        summary="The updater cannot read the file when it sits in a folder or beside macOS's "
        "hidden ._ copy.",
        issue_url=TRACKER_ISSUE,
        threads=[e203],
    )
    in_progress = _walk(actor=admin, item=in_progress, to=Status.PLANNED)
    services.feedback_comment_add(
        actor=rep,
        item=in_progress,
        body="Customers on 2.1.0 hit it; see the cohort table. The updater should skip ._ files.",
    )
    secret = integrations.signing_secret_rotate(actor=admin, brand=official)
    _tracker_requests(official, secret.secret, in_progress)

    # Shipped: two threads about the app losing the camera; everyone affected is told.
    shipped = services.feedback_item_create(
        actor=rep,
        brand=official,
        title="Hoshino Link loses the camera (Android 15, iOS 18)",
        threads=[link_android],
    )
    services.feedback_threads_link(actor=rep, item=shipped, threads=[link_ios])
    shipped = _walk(
        actor=admin,
        item=shipped,
        to=Status.SHIPPED,
        shipped_in="Link 3.6.0",
        message=(
            "Hoshino Link 3.6.0 keeps the Bluetooth connection after Android 15's battery "
            "optimisation and resumes stopped transfers on iOS 18. Thank you for reporting it."
        ),
    )

    # Declined, with the reason customers read on the thread.
    declined = services.feedback_item_create(
        actor=rep,
        brand=official,
        title="Track repairs on the web",
        kind=FeedbackItem.Kind.IDEA,
        threads=[repair_web],
    )
    declined = services.feedback_status_set(
        actor=admin,
        item=declined,
        status=Status.DECLINED,
        reason=(
            "Repairs are tracked by our service partner, whose page already shows each "
            "step; we now send its link by e-mail when a camera arrives."
        ),
    )

    for item, days in (
        (new, 3),
        (review, 20),
        (planned, 30),
        (in_progress, 25),
        (shipped, 40),
        (declined, 15),
    ):
        threads = [link.thread for link in item.links.select_related("thread")]
        _backdate(item, start=_start(threads, now, days_before_now=days), now=now)
    in_progress.refresh_from_db()
    InboundWebhook.objects.filter(brand=official).update(received_at=in_progress.status_changed_at)

    # Webhooks, with what they were sent lately.
    slack = integrations.webhook_endpoint_create(
        actor=admin,
        brand=official,
        url="https://hooks.slack.com/services/T0HOSHINO/B0FEEDBACK/demo",
        format=WebhookEndpoint.Format.SLACK,
        description="#product-feedback",
    )
    tracker = integrations.webhook_endpoint_create(
        actor=admin,
        brand=official,
        url="https://tracker.hoshino-camera.example/hooks/sodan",
        format=WebhookEndpoint.Format.JSON,
        description="Firmware team's tracker",
    )
    shipped.refresh_from_db()
    shipped_at = shipped.shipped_at or now
    _delivery_log(
        brand=official,
        endpoint=slack,
        item=shipped,
        event="item.status_changed",
        at=shipped_at,
        status=WebhookDelivery.Status.DELIVERED,
        attempts=1,
        response_code=200,
        delivered_at=shipped_at,
    )
    _delivery_log(
        brand=official,
        endpoint=tracker,
        item=shipped,
        event="item.status_changed",
        at=shipped_at,
        status=WebhookDelivery.Status.FAILED,
        attempts=integrations.WEBHOOK_MAX_ATTEMPTS,
        response_code=503,
        error="HTTP 503",
    )

    counts = FeedbackItem.objects.for_brand(official).count()
    report(
        f"  feedback: {counts} items, one in every status; 3 labels; the tracker moved 1 "
        "item (a replay and a bad signature refused); 2 webhooks with their delivery log"
    )
