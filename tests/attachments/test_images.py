"""What is stored is never what was sent: re-encoded pixels only, within the limits."""

from __future__ import annotations

import io

import pytest
from PIL import ExifTags, Image, PngImagePlugin

from attachments.images import AttachmentRefused, image_prepare
from attachments.services import attachments_prepare

from .conftest import png_bytes, png_declaring, upload


def _jpeg_with_gps() -> bytes:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Hoshino"
    exif[ExifTags.Base.Orientation] = 1
    exif[ExifTags.IFD.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: (35.0, 39.0, 29.0),
        ExifTags.GPS.GPSLongitudeRef: "E",
        ExifTags.GPS.GPSLongitude: (139.0, 44.0, 28.0),
    }
    out = io.BytesIO()
    Image.new("RGB", (80, 60), "orange").save(out, "JPEG", exif=exif)
    return out.getvalue()


def test_a_photo_loses_its_location_and_camera():
    sent = _jpeg_with_gps()
    assert Image.open(io.BytesIO(sent)).getexif().get_ifd(ExifTags.IFD.GPSInfo)  # it had GPS
    prepared = image_prepare(upload(sent, "photo.jpg", "image/jpeg"))
    kept = Image.open(io.BytesIO(prepared.data))
    assert kept.format == "JPEG" and prepared.content_type == "image/jpeg"
    assert not kept.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    assert len(kept.getexif()) == 0
    assert b"Exif" not in prepared.data and b"Hoshino" not in prepared.data
    assert kept.size == (80, 60)


def test_a_polyglot_keeps_only_its_pixels():
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "<script>alert('png')</script>")
    sent = png_bytes(pnginfo=info) + b"<html><script>alert(document.cookie)</script></html>"
    prepared = image_prepare(upload(sent))
    assert b"<script" not in prepared.data and b"alert" not in prepared.data
    assert b"<script" not in prepared.thumbnail
    assert Image.open(io.BytesIO(prepared.data)).format == "PNG"
    assert prepared.data != sent


@pytest.mark.parametrize(
    ("data", "name", "content_type"),
    [
        (
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "logo.svg",
            "image/svg+xml",
        ),
        (b"<!doctype html><html><script>alert(1)</script></html>", "error.png", "image/png"),
        (b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 64, "clip.mp4", "video/mp4"),
    ],
    ids=["svg", "html-renamed-png", "video"],
)
def test_what_is_not_a_raster_image_is_refused_by_name(data, name, content_type):
    with pytest.raises(AttachmentRefused) as refused:
        image_prepare(upload(data, name, content_type))
    assert f"“{name}” is not an image we can show" in refused.value.message
    assert "PNG, JPEG, GIF or WebP" in refused.value.message


@pytest.mark.parametrize("side", [8_000, 60_000], ids=["over-our-limit", "pillows-own-limit"])
def test_a_decompression_bomb_is_refused_before_it_expands(settings, side):
    settings.SODAN_ATTACHMENT_MAX_PIXELS = 40_000_000
    with pytest.raises(AttachmentRefused) as refused:
        image_prepare(upload(png_declaring(side, side), "bomb.png"))
    assert "“bomb.png”" in refused.value.message
    assert "40 million pixels" in refused.value.message


def test_a_file_over_the_size_limit_names_the_limit(settings):
    settings.SODAN_ATTACHMENT_MAX_BYTES = 1024
    big = png_bytes((400, 400), "white") + b"\x00" * 2048
    with pytest.raises(AttachmentRefused) as refused:
        image_prepare(upload(big, "big.png"))
    assert "“big.png”" in refused.value.message
    assert "each image may be up to 1.0\xa0KB" in refused.value.message


def test_too_many_images_names_the_limit(settings):
    settings.SODAN_ATTACHMENT_MAX_COUNT = 2
    files = [upload(png_bytes()) for _ in range(3)]
    with pytest.raises(AttachmentRefused) as refused:
        attachments_prepare(files, ["a", "b", "c"])
    assert refused.value.message == "You chose 3 images; a post may have up to 2."


def test_each_image_needs_a_description():
    with pytest.raises(AttachmentRefused) as refused:
        attachments_prepare([upload(png_bytes()), upload(png_bytes())], ["The error dialog"])
    assert refused.value.field == "alt_texts"
    assert "Describe each image" in refused.value.message


def test_large_images_are_scaled_down_and_get_a_thumbnail(settings):
    settings.SODAN_ATTACHMENT_MAX_SIDE = 1000
    prepared = image_prepare(upload(png_bytes((3000, 1500))))
    assert (prepared.width, prepared.height) == (1000, 500)
    assert max(Image.open(io.BytesIO(prepared.thumbnail)).size) == 480


def test_transparency_stays_png_and_webp_stays_webp():
    out = io.BytesIO()
    Image.new("RGBA", (20, 20), (255, 0, 0, 0)).save(out, "WEBP")
    prepared = image_prepare(upload(out.getvalue(), "shot.webp", "image/webp"))
    assert prepared.content_type == "image/webp"
    assert Image.open(io.BytesIO(prepared.data)).mode == "RGBA"
