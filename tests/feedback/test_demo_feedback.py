"""The demo shows product feedback at work: an item in every status on the official
brand's board, with threads, labels, comments, a cohort, and its integrations."""

import pytest
from django.urls import reverse

from community.demo import loader
from community.models import Notification, User
from feedback import selectors
from feedback.models import (
    FeedbackItem,
    FeedbackLabel,
    InboundWebhook,
    ThreadLabel,
    WebhookDelivery,
    WebhookEndpoint,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings, committed):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with committed():
        loader.load_demo_content(report=lambda line: None)


def _item(status: str) -> FeedbackItem:
    return FeedbackItem.objects.get(brand__slug="hoshino-camera", status=status)


def test_the_official_brand_has_an_item_in_every_status_with_its_threads(demo):
    items = FeedbackItem.objects.filter(brand__slug="hoshino-camera")
    assert sorted(items.values_list("status", flat=True)) == sorted(FeedbackItem.Status.values)
    assert not FeedbackItem.objects.exclude(brand__slug="hoshino-camera").exists()
    for item in items:
        assert item.links.exists(), item
        assert item.created_at > max(link.thread.created_at for link in item.links.all())
    assert _item("shipped").links.count() == 2
    assert _item("shipped").shipped_in == "Link 3.6.0" and _item("shipped").resolution
    assert "service partner" in _item("declined").decline_reason
    walked = _item("shipped").status_changes.order_by("created_at")
    assert list(walked.values_list("to_status", flat=True)) == [
        "under_review",
        "planned",
        "in_progress",
        "shipped",
    ]


def test_the_team_reads_labels_comments_and_a_cohort(demo, client):
    labels = FeedbackLabel.objects.filter(brand__slug="hoshino-camera")
    assert "customer impression" in set(labels.values_list("name", flat=True))
    assert ThreadLabel.objects.filter(label__in=labels).count() >= 4
    rep = User.objects.get(username="rep")
    assert rep.notifications.filter(kind=Notification.Kind.FEEDBACK_MENTION).exists()
    cohort = selectors.cohort_breakdown(_item("in_progress"))
    assert any(row["version"] and row["platform"] for row in cohort)
    client.force_login(rep)
    board = client.get(reverse("feedback:board", args=["hoshino-camera"]))
    page = board.content.decode().replace("&#x27;", "'")
    for label in ("New", "Under review", "Let's do it", "In progress", "Shipped", "Declined"):
        assert label in page
    item_page = client.get(_item("under_review").get_absolute_url()).content.decode()
    assert "which lens was mounted" in item_page


def test_shipping_closed_the_loop_and_customers_see_public_statuses(demo, client):
    shipped = _item("shipped")
    askers = {link.thread.author for link in shipped.links.select_related("thread__author")}
    for asker in askers:
        notice = asker.notifications.get(kind=Notification.Kind.FEEDBACK_SHIPPED)
        assert "Fixed in version Link 3.6.0" in notice.message
    assert shipped.closures.filter(notified_at__isnull=True).count() == 0
    passed_on = _item("new").links.get().thread
    assert (
        "Passed on to the product team" in client.get(passed_on.get_absolute_url()).content.decode()
    )
    customer_thread = _item("in_progress").links.get().thread
    assert customer_thread.author.username == "customer"
    assert not customer_thread.is_solved
    page = client.get(customer_thread.get_absolute_url()).content.decode()
    assert "The team is working on this" in page


def test_the_integrations_page_has_a_tracker_log_and_deliveries(demo, client):
    inbound = InboundWebhook.objects.filter(brand__slug="hoshino-camera")
    accepted = inbound.get(outcome="accepted")
    assert accepted.item == _item("in_progress")
    assert _item("in_progress").status_changes.get(to_status="in_progress").source == "tracker"
    reasons = set(inbound.filter(outcome="refused").values_list("reason", flat=True))
    assert any("replays are refused" in reason for reason in reasons)
    assert any("does not match" in reason for reason in reasons)
    assert set(WebhookEndpoint.objects.values_list("format", flat=True)) == {"slack", "json"}
    assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {"delivered", "failed"}
    client.force_login(User.objects.get(username="brandadmin"))
    page = client.get(reverse("feedback:integrations", args=["hoshino-camera"])).content.decode()
    assert "#product-feedback" in page and "HTTP 503" in page and "Delivered" in page


def test_a_reset_removes_the_feedback_with_the_demo(demo):
    loader.delete_demo_content()
    assert not FeedbackItem.objects.exists()
    assert not WebhookEndpoint.objects.exists() and not InboundWebhook.objects.exists()
