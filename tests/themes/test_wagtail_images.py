"""Wagtail's image uploads without pillow-heif's HEIC opener (community/settings.py): the
formats staff can upload still open, and a HEIC file is refused with the list of formats
that are accepted, not half-read."""

import io
import sys

import pytest
import willow
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image as PILImage
from wagtail.images.fields import WagtailImageField
from wagtail.images.utils import get_allowed_image_extensions


def _image(format_: str) -> bytes:
    out = io.BytesIO()
    PILImage.new("RGB", (40, 30), (200, 40, 40)).save(out, format_)
    return out.getvalue()


def test_the_heic_opener_is_left_out_only_while_heic_is_not_accepted():
    assert sys.modules.get("pillow_heif", None) is None
    assert "heic" not in get_allowed_image_extensions()


@pytest.mark.parametrize(("name", "format_"), [("photo.avif", "AVIF"), ("photo.jpg", "JPEG")])
def test_an_uploaded_image_of_an_accepted_format_opens(name, format_):
    upload = SimpleUploadedFile(name, _image(format_))
    cleaned = WagtailImageField().clean(upload)
    cleaned.seek(0)
    assert willow.Image.open(cleaned).get_size() == (40, 30)


def test_a_heic_upload_is_refused_with_the_formats_accepted():
    upload = SimpleUploadedFile("photo.heic", b"\x00\x00\x00\x18ftypheic" + bytes(64))
    with pytest.raises(ValidationError) as refused:
        WagtailImageField().clean(upload)
    message = " ".join(refused.value.messages)
    assert "AVIF, GIF, JPG, JPEG, PNG, WEBP" in message
