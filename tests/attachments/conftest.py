"""Attachments are stored in a directory of the test's own (the "attachments" storage),
so each test sees exactly the files it made."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tests.brands.conftest import (  # noqa: F401 - pytest finds fixtures by name
    customer_thread,
    official,
    rep,
    z5,
)


@pytest.fixture(autouse=True)
def stored(settings, tmp_path) -> Path:
    """The attachments storage's directory; tests look in it for what was written."""
    folder = tmp_path / "attachments"
    settings.STORAGES = {
        **settings.STORAGES,
        "attachments": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(folder)},
        },
    }
    return folder


def stored_files(folder: Path) -> list[Path]:
    return sorted(path for path in folder.rglob("*") if path.is_file()) if folder.exists() else []


def png_bytes(size: tuple[int, int] = (64, 48), color: str = "navy", **save: object) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "PNG", **save)
    return out.getvalue()


def upload(data: bytes, name: str = "screenshot.png", content_type: str = "image/png"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def png_declaring(width: int, height: int) -> bytes:
    """A PNG whose header claims width × height pixels (a decompression bomb's header)."""
    real = png_bytes((1, 1))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + ihdr
    patched = struct.pack(">I", len(ihdr)) + chunk + struct.pack(">I", zlib.crc32(chunk))
    return real[:8] + patched + real[8 + len(patched) :]
