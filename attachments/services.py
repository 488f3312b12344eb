"""Storing and removing attachments. Every write to attachments goes through here.

Files are written only once every upload of the post has been decoded and re-encoded
(attachments.images), inside the post's transaction; if that transaction rolls back, the
files written are removed when the rollback reaches this service, and anything left (a
process that died in between) by the hourly sweep (`orphans_sweep`).
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from community import page_cache

from .images import AttachmentRefused, PreparedImage, image_prepare
from .models import Attachment, attachments_storage

__all__ = [
    "AttachmentRefused",
    "attachments_erase",
    "attachments_prepare",
    "attachments_store",
    "orphans_sweep",
]


def attachments_prepare(
    files: Sequence[UploadedFile | PreparedImage], alt_texts: Sequence[str]
) -> list[PreparedImage]:
    """Check the count, the alt texts and every image; re-encode them. Raises
    AttachmentRefused (the first problem, in words for the form); stores nothing."""
    files = [upload for upload in files if upload]
    limit = settings.SODAN_ATTACHMENT_MAX_COUNT
    if len(files) > limit:
        raise AttachmentRefused(
            _("You chose %(count)d images; a post may have up to %(limit)d.")
            % {"count": len(files), "limit": limit}
        )
    alt_texts = [" ".join(text.split())[:500] for text in alt_texts]
    if len(alt_texts) < len(files) or not all(alt_texts[: len(files)]):
        raise AttachmentRefused(
            _(
                "Describe each image in a few words (what it shows, such as the error "
                "message on the screen), for people who cannot see it."
            ),
            field="alt_texts",
        )
    prepared = []
    for upload, alt_text in zip(files, alt_texts, strict=False):
        if isinstance(upload, PreparedImage):
            prepared.append(upload if upload.alt_text else _with_alt(upload, alt_text))
        else:
            prepared.append(image_prepare(upload, alt_text=alt_text))
    return prepared


def _with_alt(image: PreparedImage, alt_text: str) -> PreparedImage:
    return PreparedImage(**{**image.__dict__, "alt_text": alt_text})


def _target_field(target: Any) -> str:
    label = target._meta.label
    fields = {"qa.Thread": "thread", "qa.Answer": "answer", "cases.CaseMessage": "case_message"}
    if label not in fields:
        raise TypeError(f"Attachments belong to a thread, an answer or a case message: {label}")
    return fields[label]


@transaction.atomic
def attachments_store(
    *,
    uploader: Any,
    files: Sequence[UploadedFile | PreparedImage],
    alt_texts: Sequence[str] | None = None,
    target: Any,
) -> list[Attachment]:
    """Attach images to a post just written in this transaction (thread, answer or case
    message). `files` are uploads or images already prepared (the forms prepare them while
    validating, so a refusal comes back beside the field); `alt_texts` one per file, or
    taken from the prepared images. Raises AttachmentRefused before writing anything. A
    rollback after this leaves files no row names: orphans_sweep removes them."""
    if alt_texts is None:
        alt_texts = [getattr(upload, "alt_text", "") for upload in files]
    prepared = attachments_prepare(files, alt_texts)
    if not prepared:
        return []
    storage = attachments_storage()
    field = _target_field(target)
    written: list[str] = []
    attachments = []
    try:
        for position, image in enumerate(prepared):
            stem = secrets.token_urlsafe(18)
            name = storage.save(f"{stem}.{image.extension}", ContentFile(image.data))
            written.append(name)
            thumb = storage.save(f"{stem}.thumb.{image.extension}", ContentFile(image.thumbnail))
            written.append(thumb)
            attachments.append(
                Attachment(
                    uploader=uploader,
                    **{field: target},
                    file=name,
                    thumbnail=thumb,
                    content_type=image.content_type,
                    size=len(image.data),
                    width=image.width,
                    height=image.height,
                    alt_text=image.alt_text,
                    position=position,
                )
            )
        Attachment.objects.bulk_create(attachments)
    except BaseException:
        _delete_files(written)
        raise
    return attachments


def _delete_files(names: Sequence[str]) -> None:
    storage = attachments_storage()
    for name in names:
        storage.delete(name)


@transaction.atomic
def attachments_erase(*, user: Any) -> int:
    """Remove every attachment `user` uploaded, files included (account erasure): the rows
    now, the files once the erasure commits. Returns how many went."""
    rows = list(Attachment.objects.filter(uploader=user).select_related("answer"))
    names = [name for attachment in rows for name in attachment.file_names]
    thread_ids = {a.thread_id or (a.answer.thread_id if a.answer else None) for a in rows}
    Attachment.objects.filter(pk__in=[a.pk for a in rows]).delete()
    for thread_id in sorted(filter(None, thread_ids)):
        page_cache.thread_changed(thread_id)
    transaction.on_commit(lambda: _delete_files(names))
    return len(rows)


def orphans_sweep(*, older_than: dt.timedelta = dt.timedelta(hours=1)) -> int:
    """Delete stored files that no attachment names (a post rolled back after its files
    were written, or a post deleted with its rows), once they are older than `older_than`
    so a post still being saved keeps its files. Returns how many were deleted."""
    storage = attachments_storage()
    try:
        _dirs, names = storage.listdir("")
    except FileNotFoundError:
        return 0
    cutoff = timezone.now() - older_than
    known = set(Attachment.objects.values_list("file", flat=True)) | set(
        Attachment.objects.values_list("thumbnail", flat=True)
    )
    removed = 0
    for name in names:
        if name in known:
            continue
        try:
            modified = storage.get_modified_time(name)
        except (NotImplementedError, FileNotFoundError):
            continue
        if modified < cutoff:
            storage.delete(name)
            removed += 1
    return removed
