"""Images attached to a question, an answer or a private case message.

Only re-encoded pixels are stored (attachments/images.py): never the bytes a person sent.
The files live in the "attachments" storage (settings.STORAGES) and are served by
attachments.views, which asks the same visibility rule as the post they belong to.
"""

from __future__ import annotations

from django.conf import settings
from django.core.files.storage import Storage, storages
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


def attachments_storage() -> Storage:
    """The named storage (file system under MEDIA_ROOT by default, S3-compatible in
    production: attachments/README.md). A callable, so tests and deployments may swap it."""
    return storages["attachments"]


class Attachment(models.Model):
    uploader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("Who attached it; their erasure removes the file."),
    )
    thread = models.ForeignKey(
        "qa.Thread", on_delete=models.CASCADE, null=True, blank=True, related_name="attachments"
    )
    answer = models.ForeignKey(
        "qa.Answer", on_delete=models.CASCADE, null=True, blank=True, related_name="attachments"
    )
    case_message = models.ForeignKey(
        "cases.CaseMessage",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attachments",
    )
    file = models.FileField(
        storage=attachments_storage,
        max_length=200,
        help_text=_("The re-encoded image (PNG, JPEG or WebP), under a random name."),
    )
    thumbnail = models.FileField(
        storage=attachments_storage, max_length=200, help_text=_("A small copy for pages.")
    )
    content_type = models.CharField(max_length=40, help_text=_("Of the re-encoded file."))
    size = models.PositiveIntegerField(help_text=_("Bytes of the re-encoded file."))
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    alt_text = models.CharField(
        max_length=500, help_text=_("What the image shows, for people who cannot see it.")
    )
    position = models.PositiveSmallIntegerField(default=0, help_text=_("Order in the post."))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(thread__isnull=False, answer__isnull=True, case_message__isnull=True)
                    | Q(thread__isnull=True, answer__isnull=False, case_message__isnull=True)
                    | Q(thread__isnull=True, answer__isnull=True, case_message__isnull=False)
                ),
                name="attachment_of_one_post",
            )
        ]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return f"Attachment {self.pk}"

    @property
    def file_names(self) -> list[str]:
        return [name for name in (self.file.name, self.thumbnail.name) if name]
