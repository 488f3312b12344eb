"""Attachments served through Django, never from a public media directory: each request
asks the post's visibility rule (permissions.access_attachment), and every response says
what it is and forbids the browser from treating it as anything else."""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest
from django.views.decorators.http import require_safe

from .models import attachments_storage
from .permissions import access_attachment

# Nothing in a served file may run or load anything: it is an image, shown on its own.
FILE_CSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"


@require_safe
def attachment_file(request: HttpRequest, pk: int, variant: str = "full") -> FileResponse:
    attachment = access_attachment(request.user, pk)
    name = attachment.thumbnail.name if variant == "thumb" else attachment.file.name
    storage = attachments_storage()
    try:
        handle = storage.open(name, "rb")
    except FileNotFoundError as missing:
        raise Http404 from missing
    response = FileResponse(
        handle, content_type=attachment.content_type, filename=name.rsplit("/", 1)[-1]
    )
    # Images only are stored, so they show inline; anything else would be a download.
    disposition = "inline" if attachment.content_type.startswith("image/") else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{name.rsplit("/", 1)[-1]}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = FILE_CSP
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    # Private: a hidden post's file must stop being served at once, so no shared cache.
    response["Cache-Control"] = "private, max-age=3600"
    return response
