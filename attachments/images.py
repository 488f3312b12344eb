"""Turning what a person uploads into an image we are willing to store.

Nothing a person sends is kept as sent: the file is decoded by Pillow (only the raster
formats listed below; SVG, HTML and anything else fails to decode), its pixels copied
into a fresh image (no EXIF, GPS, comments or trailing bytes survive, so a polyglot file
loses whatever else it was) and saved again: JPEG for photos, WebP for WebP, PNG for
everything else. The pixel count is checked from the header before any decoding, against
SODAN_ATTACHMENT_MAX_PIXELS, so a decompression bomb is refused before it expands.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

# What Pillow may decode. Everything else is not an image to us.
DECODED_FORMATS = ("JPEG", "PNG", "GIF", "WEBP")
THUMBNAIL_SIDE = 480
_SAVED_AS = {"JPEG": ("JPEG", "image/jpeg", "jpg"), "WEBP": ("WEBP", "image/webp", "webp")}
_PNG = ("PNG", "image/png", "png")


class AttachmentRefused(Exception):
    """An upload we will not store; `message` says why, naming the limit, for the form;
    `field` is "attachments" (the images) or "alt_texts" (their descriptions)."""

    def __init__(self, message: str, *, field: str = "attachments") -> None:
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass(frozen=True)
class PreparedImage:
    """A re-encoded image, ready to store: its bytes, a thumbnail, and its alt text."""

    data: bytes
    thumbnail: bytes
    content_type: str
    extension: str
    width: int
    height: int
    alt_text: str = ""


def _name(upload: UploadedFile) -> str:
    return (upload.name or _("the file")).rsplit("/", 1)[-1][:80]


def image_prepare(upload: UploadedFile, *, alt_text: str = "") -> PreparedImage:
    """Decode, check and re-encode one upload; raise AttachmentRefused with the reason."""
    name = _name(upload)
    limit = settings.SODAN_ATTACHMENT_MAX_BYTES
    if upload.size is not None and upload.size > limit:
        raise AttachmentRefused(
            _("“%(name)s” is %(size)s; each image may be up to %(limit)s.")
            % {"name": name, "size": filesizeformat(upload.size), "limit": filesizeformat(limit)}
        )
    not_an_image = _(
        "“%(name)s” is not an image we can show. Attach a PNG, JPEG, GIF or WebP picture "
        "(a screenshot or a photo); for a video, put a link to it in your text."
    ) % {"name": name}
    upload.seek(0)
    raw = upload.read(limit + 1)
    if len(raw) > limit:
        raise AttachmentRefused(
            _("“%(name)s” is larger than %(limit)s, the limit for each image.")
            % {"name": name, "limit": filesizeformat(limit)}
        )
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(raw), formats=DECODED_FORMATS)
            pixels = image.width * image.height
            if pixels > settings.SODAN_ATTACHMENT_MAX_PIXELS:
                raise AttachmentRefused(_too_many_pixels(name, image.width, image.height))
            source_format = image.format or ""
            image.load()
        except AttachmentRefused:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
            raise AttachmentRefused(_too_many_pixels(name, 0, 0)) from error
        except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as error:
            raise AttachmentRefused(not_an_image) from error
    return _reencode(image, source_format, alt_text=alt_text)


def _too_many_pixels(name: str, width: int, height: int) -> str:
    limit = settings.SODAN_ATTACHMENT_MAX_PIXELS
    if width and height:
        return _(
            "“%(name)s” is %(width)d × %(height)d pixels; images may have up to %(limit)s "
            "million pixels."
        ) % {"name": name, "width": width, "height": height, "limit": f"{limit / 1e6:g}"}
    return _("“%(name)s” would open to more than %(limit)s million pixels, the limit.") % {
        "name": name,
        "limit": f"{limit / 1e6:g}",
    }


def _reencode(image: Image.Image, source_format: str, *, alt_text: str) -> PreparedImage:
    image = ImageOps.exif_transpose(image)  # keep the photo upright once EXIF is gone
    has_alpha = image.mode in ("RGBA", "LA", "PA") or (
        image.mode == "P" and "transparency" in image.info
    )
    format_, content_type, extension = _SAVED_AS.get(source_format, _PNG)
    if format_ == "JPEG" and has_alpha:
        format_, content_type, extension = _PNG
    mode = "RGBA" if has_alpha else "RGB"
    if image.mode != mode:
        image = image.convert(mode)
    side = settings.SODAN_ATTACHMENT_MAX_SIDE
    if max(image.size) > side:
        image.thumbnail((side, side), Image.Resampling.LANCZOS)
    # Only the pixels go on: a fresh image carries no metadata from the upload.
    clean = Image.frombytes(mode, image.size, image.tobytes())
    thumb = clean.copy()
    thumb.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE), Image.Resampling.LANCZOS)
    return PreparedImage(
        data=_save(clean, format_),
        thumbnail=_save(thumb, format_),
        content_type=content_type,
        extension=extension,
        width=clean.width,
        height=clean.height,
        alt_text=alt_text,
    )


def _save(image: Image.Image, format_: str) -> bytes:
    out = io.BytesIO()
    if format_ == "JPEG":
        image.save(out, "JPEG", quality=85, optimize=True)
    elif format_ == "WEBP":
        image.save(out, "WEBP", quality=85)
    else:
        image.save(out, "PNG", optimize=True)
    return out.getvalue()
