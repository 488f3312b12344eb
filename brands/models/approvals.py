"""Approval before an official answer: the brand's rules, the drafts waiting for a yes,
the approval each published answer carries, and the team's canned replies (定型文).

A draft is not an answer: it lives here, seen only by the brand's team and staff, and
becomes an answer (qa.services.answer_create) only when an approver approves it. So no
public page, search index, cached rendering or API listing can ever hold one.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .core import Brand, Product


class ApprovalRuleQuerySet(models.QuerySet["ApprovalRule"]):
    def for_brand(self, brand: Brand) -> ApprovalRuleQuerySet:
        return self.filter(brand=brand)


class ApprovalRule(models.Model):
    """ "Official answers about this product / of this thread type need an approver's yes."
    An empty thread type or product means every one."""

    class Kind(models.TextChoices):
        ANSWER = "answer", _("Official answers")
        ENDORSEMENT = "endorsement", _("Endorsements of customers' answers")

    class Approvers(models.TextChoices):
        APPROVERS = "approvers", _("The brand's approvers")
        APPROVERS_AND_ADMINS = "approvers_and_admins", _("Approvers and brand admins")

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="approval_rules")
    kind = models.CharField(
        _("applies to"),
        max_length=20,
        choices=Kind.choices,
        default=Kind.ANSWER,
        help_text=_("What needs approval: official answers or endorsements."),
    )
    thread_type = models.CharField(
        _("thread type"),
        max_length=20,
        blank=True,
        help_text=_("Only threads of this type; empty for every type."),
    )
    product = models.ForeignKey(
        Product,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Only threads about this product; empty for every product."),
    )
    approvers = models.CharField(
        _("approved by"),
        max_length=30,
        choices=Approvers.choices,
        default=Approvers.APPROVERS,
        help_text=_("Who may approve what this rule holds."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ApprovalRuleQuerySet.as_manager()

    class Meta:
        ordering = ["brand", "kind", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["brand", "kind", "thread_type", "product"],
                name="approval_rule_unique",
                nulls_distinct=False,
            )
        ]
        verbose_name = _("approval rule")
        verbose_name_plural = _("approval rules")

    def __str__(self) -> str:
        return f"{self.brand}: {self.get_kind_display()}"


class OfficialDraftQuerySet(models.QuerySet["OfficialDraft"]):
    def for_brand(self, brand: Brand) -> OfficialDraftQuerySet:
        return self.filter(brand=brand)

    def open(self) -> OfficialDraftQuerySet:
        """Waiting for an approver, or back with the author for changes."""
        return self.filter(
            status__in=[OfficialDraft.Status.PENDING, OfficialDraft.Status.CHANGES_REQUESTED]
        )

    def pending(self) -> OfficialDraftQuerySet:
        return self.filter(status=OfficialDraft.Status.PENDING)


class OfficialDraft(models.Model):
    """An official answer (or a change to one, or an endorsement) waiting for approval."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        CHANGES_REQUESTED = "changes_requested", _("Changes requested")
        PUBLISHED = "published", _("Approved and published")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="official_drafts")
    thread = models.ForeignKey(
        "qa.Thread", on_delete=models.CASCADE, related_name="+", help_text=_("Where it answers.")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="official_drafts"
    )
    kind = models.CharField(max_length=20, choices=ApprovalRule.Kind.choices)
    body = models.TextField(_("answer"), blank=True, help_text=_("Markdown, as written."))
    answer = models.ForeignKey(
        "qa.Answer",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text=_(
            "The published answer: the one this draft changes (an edit after approval), "
            "the one it became, or the customer's answer it endorses."
        ),
    )
    version = models.ForeignKey(
        "brands.ProductVersion",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("For an endorsement: the release it is recommended for."),
    )
    rule = models.ForeignKey(
        ApprovalRule,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The rule that asked for approval; empty when the author is in training."),
    )
    by_trainee = models.BooleanField(
        default=False, help_text=_("Held because its author was in training.")
    )
    admins_approve = models.BooleanField(
        default=False, help_text=_("Brand admins may approve it as well as approvers.")
    )
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    comment = models.TextField(
        blank=True, help_text=_("The approver's request for changes, shown to the author.")
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Who last approved it or asked for changes."),
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    edited_by_approver = models.BooleanField(
        default=False, help_text=_("The approver changed the text before approving it.")
    )
    rejection_count = models.PositiveSmallIntegerField(
        default=0, help_text=_("How many times changes were asked for.")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(help_text=_("Last sent for approval."))

    objects = OfficialDraftQuerySet.as_manager()

    class Meta:
        ordering = ["submitted_at", "id"]
        indexes = [models.Index(fields=["brand", "status", "submitted_at"], name="draft_queue")]
        verbose_name = _("official answer draft")
        verbose_name_plural = _("official answer drafts")

    def __str__(self) -> str:
        return f"Draft {self.pk} for thread {self.thread_id}"

    def get_absolute_url(self) -> str:
        return reverse("brands:draft", kwargs={"brand_slug": self.brand.slug, "pk": self.pk})

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.PENDING, self.Status.CHANGES_REQUESTED)

    @property
    def is_revision(self) -> bool:
        """A change to an answer already published (kept as approved until this is)."""
        return self.kind == ApprovalRule.Kind.ANSWER and self.answer_id is not None


class AnswerApproval(models.Model):
    """Who approved a published official answer and when, shown beside its badge."""

    answer = models.OneToOneField("qa.Answer", on_delete=models.CASCADE, related_name="approval")
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    approved_at = models.DateTimeField()
    draft = models.ForeignKey(OfficialDraft, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        verbose_name = _("answer approval")
        verbose_name_plural = _("answer approvals")

    def __str__(self) -> str:
        return f"Approval of answer {self.answer_id}"


class CannedReplyQuerySet(models.QuerySet["CannedReply"]):
    def for_brand(self, brand: Brand) -> CannedReplyQuerySet:
        return self.filter(brand=brand)


class CannedReply(models.Model):
    """A brand's reusable text (定型文) with placeholders, inserted while writing an
    official answer and edited before it is posted (brands/canned.py fills it in)."""

    class Language(models.TextChoices):
        JA = "ja", _("Japanese")
        EN = "en", _("English")

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="canned_replies")
    title = models.CharField(_("title"), max_length=100, help_text=_("What the team picks."))
    language = models.CharField(
        _("language"), max_length=2, choices=Language.choices, default=Language.JA
    )
    body = models.TextField(
        _("text"),
        help_text=_("Markdown; {customer_name}, {product} and {release} are filled in."),
    )
    use_count = models.PositiveIntegerField(default=0, help_text=_("Times inserted."))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CannedReplyQuerySet.as_manager()

    class Meta:
        ordering = ["brand", "language", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["brand", "language", "title"], name="canned_reply_title_unique"
            )
        ]
        verbose_name = _("canned reply")
        verbose_name_plural = _("canned replies")

    def __str__(self) -> str:
        return self.title
