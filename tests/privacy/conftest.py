"""Privacy stands on the brands' teams and threads: an official brand with its admin, reps
and product team, a rival brand, a customer's thread. Exports are stored in a directory
of the test's own."""

from __future__ import annotations

import pytest

from tests.brands.conftest import (  # noqa: F401 - pytest finds fixtures by name
    brand_admin,
    customer_answer,
    customer_thread,
    official,
    product_member,
    rep,
    rival,
    rival_admin,
    rival_rep,
    second_rep,
    staff,
    z5,
)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    """Exports go to the default file storage: here, a directory of this test's own."""
    settings.MEDIA_ROOT = tmp_path / "media"
    storages = dict(settings.STORAGES)
    storages["default"] = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(tmp_path / "media")},
    }
    settings.STORAGES = storages
    return tmp_path / "media"
