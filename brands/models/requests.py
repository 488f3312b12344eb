"""Departments of a brand's team and the reps' requests to them.

A department is a label on team members (engineering, quality, logistics): the brand names
its own. A rep asks one department something about a thread or a private case, with a due
date; the department works it in its own list (open → in progress → answered) and answers
inside the team. Nothing here is ever shown to customers.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .core import Brand


class DepartmentQuerySet(models.QuerySet["Department"]):
    def for_brand(self, brand: Brand) -> DepartmentQuerySet:
        return self.filter(brand=brand)


class Department(models.Model):
    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="departments")
    name = models.CharField(
        _("department"), max_length=60, help_text=_("The brand's own label: Engineering, 品質保証…")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = DepartmentQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["brand", "name"], name="one_department_per_name")
        ]
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self) -> str:
        return self.name


class DepartmentRequestQuerySet(models.QuerySet["DepartmentRequest"]):
    def for_brand(self, brand: Brand) -> DepartmentRequestQuerySet:
        return self.filter(brand=brand)

    def with_relations(self) -> DepartmentRequestQuerySet:
        return self.select_related(
            "department", "thread", "case", "requested_by", "answered_by", "brand"
        )


class DepartmentRequest(models.Model):
    """A rep's internal request to a department of the same brand."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        IN_PROGRESS = "in_progress", _("In progress")
        ANSWERED = "answered", _("Answered")

    brand = models.ForeignKey(
        Brand, on_delete=models.CASCADE, related_name="department_requests", help_text=_("Scope.")
    )
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="requests")
    thread = models.ForeignKey(
        "qa.Thread",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="department_requests",
        help_text=_("The thread the request is about, if any."),
    )
    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="department_requests",
        help_text=_("The private case the request is about, if any."),
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    body = models.TextField(_("request"), help_text=_("What the rep needs to know or have done."))
    due_on = models.DateField(_("due date"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    answer = models.TextField(_("answer"), blank=True, help_text=_("The department's reply."))
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    objects = DepartmentRequestQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [
            models.Index(fields=["brand", "department", "status"], name="dept_request_list"),
        ]
        verbose_name = _("department request")
        verbose_name_plural = _("department requests")

    def __str__(self) -> str:
        return f"{self.department}: {self.body[:40]}"
