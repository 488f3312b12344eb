"""Product feedback: customers' threads grouped into feedback items for the product team,
and the loop closed with everyone affected once an item ships.

An item is the company's inside view ("these 7 threads are one problem"); customers only
ever see its short public status on the threads, never the item, its comments or labels.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from brands.models import Brand


class FeedbackItemQuerySet(models.QuerySet["FeedbackItem"]):
    def for_brand(self, brand: Brand) -> FeedbackItemQuerySet:
        return self.filter(brand=brand)

    def active(self) -> FeedbackItemQuerySet:
        """Items on the board: not merged into another item."""
        return self.filter(merged_into__isnull=True)


class FeedbackItem(models.Model):
    """One problem, idea or complaint, gathering the threads that are about it."""

    class Kind(models.TextChoices):
        PROBLEM = "problem", _("Problem")
        IDEA = "idea", _("Idea")
        COMPLAINT = "complaint", _("Complaint")

    class Status(models.TextChoices):
        NEW = "new", _("New")
        UNDER_REVIEW = "under_review", _("Under review")
        PLANNED = "planned", _("Let's do it")
        IN_PROGRESS = "in_progress", _("In progress")
        SHIPPED = "shipped", _("Shipped")
        DECLINED = "declined", _("Declined")

    # The board's "by status" order: the pipeline from left to right.
    PIPELINE = (
        Status.NEW,
        Status.UNDER_REVIEW,
        Status.PLANNED,
        Status.IN_PROGRESS,
        Status.SHIPPED,
        Status.DECLINED,
    )

    brand = models.ForeignKey(
        Brand,
        on_delete=models.CASCADE,
        related_name="feedback_items",
        help_text=_("The brand whose product team owns the item."),
    )
    title = models.CharField(
        _("title"), max_length=200, help_text=_("What the threads are about, in a line.")
    )
    kind = models.CharField(
        _("type"),
        max_length=20,
        choices=Kind.choices,
        default=Kind.PROBLEM,
        help_text=_("A problem to fix, an idea to build, or a complaint to act on."),
    )
    summary = models.TextField(
        _("summary"),
        blank=True,
        max_length=4000,
        help_text=_("For the team only: what we know so far. Customers never see it."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.NEW, db_index=True
    )
    shipped_in = models.CharField(
        _("shipped in version"),
        max_length=50,
        blank=True,
        help_text=_("Shown on the threads as “Fixed in version …” once shipped."),
    )
    resolution = models.TextField(
        _("message to the people affected"),
        blank=True,
        max_length=1000,
        help_text=_(
            "The team's message when the item ships: sent to everyone affected and shown on "
            "each linked thread."
        ),
    )
    decline_reason = models.TextField(
        _("reason for declining"),
        blank=True,
        max_length=1000,
        help_text=_("Shown on the linked threads: customers see why the team will not do it."),
    )
    issue_url = models.URLField(
        _("issue-tracker link"),
        max_length=500,
        blank=True,
        help_text=_(
            "The issue in the team's tracker. Closing it there (through the signed inbound "
            "endpoint) ships the item."
        ),
    )
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="merged_items",
        help_text=_("Set when this item was merged into another; its threads moved there."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The team member who created the item."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    status_changed_at = models.DateTimeField(
        default=timezone.now, help_text=_("When the status last changed.")
    )
    shipped_at = models.DateTimeField(
        null=True, blank=True, help_text=_("When the item last became shipped.")
    )

    objects = FeedbackItemQuerySet.as_manager()

    class Meta:
        db_table = "brands_feedbackitem"  # kept from when it lived in brands
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                "brand",
                Lower("issue_url"),
                condition=~models.Q(issue_url=""),
                name="feedback_issue_url_unique_in_brand",
            )
        ]
        indexes = [models.Index(fields=["brand", "status"], name="feedback_item_brand_status")]
        verbose_name = _("feedback item")
        verbose_name_plural = _("feedback items")

    def __str__(self) -> str:
        return f"#{self.pk} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("feedback:item", kwargs={"brand_slug": self.brand.slug, "pk": self.pk})

    @property
    def is_shipped(self) -> bool:
        return self.status == self.Status.SHIPPED

    @property
    def is_closed(self) -> bool:
        return self.status in (self.Status.SHIPPED, self.Status.DECLINED)


class FeedbackLinkQuerySet(models.QuerySet["FeedbackLink"]):
    def for_brand(self, brand: Brand) -> FeedbackLinkQuerySet:
        return self.filter(item__brand=brand)


class FeedbackLink(models.Model):
    """A thread is about an item. One thread, one item: the thread is the primary key side.

    A one-to-one from the link to the thread lets the thread page load the item's public
    status in the same query as the thread (select_related("feedback_link__item")).
    """

    thread = models.OneToOneField(
        "qa.Thread",
        on_delete=models.CASCADE,
        related_name="feedback_link",
        help_text=_("The customer's thread; it stays exactly as it was."),
    )
    item = models.ForeignKey(FeedbackItem, on_delete=models.CASCADE, related_name="links")
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Who linked it; empty when a merge moved it."),
    )
    linked_at = models.DateTimeField(auto_now_add=True)

    objects = FeedbackLinkQuerySet.as_manager()

    class Meta:
        db_table = "brands_feedbacklink"  # kept from when it lived in brands
        ordering = ["linked_at", "id"]
        verbose_name = _("feedback link")
        verbose_name_plural = _("feedback links")

    def __str__(self) -> str:
        return f"Thread {self.thread_id} → item {self.item_id}"


class FeedbackStatusChange(models.Model):
    """The item's history, for the team's item page (the audit log has it too)."""

    class Source(models.TextChoices):
        BOARD = "board", _("Feedback board")
        TRACKER = "tracker", _("Issue tracker")

    item = models.ForeignKey(FeedbackItem, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=20, choices=FeedbackItem.Status.choices)
    to_status = models.CharField(max_length=20, choices=FeedbackItem.Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Who changed it; empty when the issue tracker did."),
    )
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.BOARD)
    note = models.TextField(blank=True, help_text=_("The message or reason given with it."))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "brands_feedbackstatuschange"  # kept from when it lived in brands
        ordering = ["-created_at", "-id"]
        verbose_name = _("feedback status change")
        verbose_name_plural = _("feedback status changes")

    def __str__(self) -> str:
        return f"Item {self.item_id}: {self.from_status} → {self.to_status}"


class FeedbackComment(models.Model):
    """The team talking about the customers' voice inside the company (never public)."""

    item = models.ForeignKey(FeedbackItem, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    body = models.TextField(
        _("comment"),
        max_length=4000,
        help_text=_("Plain text; @username tells a member of the team."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "brands_feedbackcomment"  # kept from when it lived in brands
        ordering = ["created_at", "id"]
        verbose_name = _("feedback comment")
        verbose_name_plural = _("feedback comments")

    def __str__(self) -> str:
        return f"Comment {self.pk} on item {self.item_id}"


class FeedbackLabelQuerySet(models.QuerySet["FeedbackLabel"]):
    def for_brand(self, brand: Brand) -> FeedbackLabelQuerySet:
        return self.filter(brand=brand)


class FeedbackLabel(models.Model):
    """A label the brand defines for triaging threads, e.g. "customer impression"."""

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="feedback_labels")
    name = models.CharField(_("name"), max_length=50)
    description = models.CharField(
        _("description"), max_length=200, blank=True, help_text=_("When to use it.")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = FeedbackLabelQuerySet.as_manager()

    class Meta:
        db_table = "brands_feedbacklabel"  # kept from when it lived in brands
        ordering = [Lower("name")]
        constraints = [
            models.UniqueConstraint("brand", Lower("name"), name="feedback_label_unique_in_brand")
        ]
        verbose_name = _("feedback label")
        verbose_name_plural = _("feedback labels")

    def __str__(self) -> str:
        return self.name


class ThreadLabel(models.Model):
    """A label on a thread, for the brand's internal triage. Customers never see it."""

    thread = models.ForeignKey("qa.Thread", on_delete=models.CASCADE, related_name="+")
    label = models.ForeignKey(FeedbackLabel, on_delete=models.CASCADE, related_name="uses")
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "brands_threadlabel"  # kept from when it lived in brands
        constraints = [
            models.UniqueConstraint(fields=["thread", "label"], name="one_label_per_thread")
        ]
        verbose_name = _("thread label")
        verbose_name_plural = _("thread labels")

    def __str__(self) -> str:
        return f"{self.label_id} on thread {self.thread_id}"


class FeedbackLoopClosure(models.Model):
    """A person affected by an item was told it shipped. Unique per item and person, so
    the loop closes once for each of them, however often the status toggles or the task
    is retried."""

    item = models.ForeignKey(FeedbackItem, on_delete=models.CASCADE, related_name="closures")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    thread = models.ForeignKey(
        "qa.Thread",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The thread the person took part in, which the notification links to."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    notified_at = models.DateTimeField(
        null=True, blank=True, help_text=_("When the in-app notification (and e-mail) went out.")
    )

    class Meta:
        db_table = "brands_feedbackloopclosure"  # kept from when it lived in brands
        constraints = [
            models.UniqueConstraint(fields=["item", "user"], name="loop_closed_once_per_person")
        ]
        verbose_name = _("closed loop")
        verbose_name_plural = _("closed loops")

    def __str__(self) -> str:
        return f"Item {self.item_id} closed with {self.user_id}"


class FeedbackEmailOptOut(models.Model):
    """This person wants no e-mail when an item they were affected by ships.

    The in-app notification still arrives. Kept here rather than on the member, so the
    product-feedback feature owns its own preference.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="feedback_email_opt_out"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "brands_feedbackemailoptout"  # kept from when it lived in brands
        verbose_name = _("feedback e-mail opt-out")
        verbose_name_plural = _("feedback e-mail opt-outs")

    def __str__(self) -> str:
        return f"{self.user_id} wants no feedback e-mails"


__all__ = [
    "FeedbackComment",
    "FeedbackEmailOptOut",
    "FeedbackItem",
    "FeedbackLabel",
    "FeedbackLink",
    "FeedbackLoopClosure",
    "FeedbackStatusChange",
    "ThreadLabel",
]
