"""A customer on a phone pastes a screenshot into a question, describes it, posts, and the
thread shows the image."""

from __future__ import annotations

import base64
import io
import re

import pytest
from PIL import Image, ImageDraw

from attachments.models import Attachment
from qa.models import Thread
from tests.brands.factories import BrandFactory
from tests.community.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def _screenshot_png() -> str:
    image = Image.new("RGB", (360, 240), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((20, 60, 340, 180), outline="red", width=4)
    draw.text((40, 110), "Error E-41: lens not attached", fill="black")
    out = io.BytesIO()
    image.save(out, "PNG")
    return base64.b64encode(out.getvalue()).decode()


PASTE = """([data, name]) => {
  const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
  const file = new File([bytes], name, { type: "image/png" });
  const transfer = new DataTransfer();
  transfer.items.add(file);
  const event = new ClipboardEvent("paste", { clipboardData: transfer, bubbles: true,
                                              cancelable: true });
  document.querySelector("textarea[name=body]").dispatchEvent(event);
}"""


def test_a_customer_pastes_a_screenshot_into_a_question_on_a_phone(
    new_page, screenshot, settings, tmp_path
):
    settings.STORAGES = {
        **settings.STORAGES,
        "attachments": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "attachments")},
        },
    }
    brand = BrandFactory(name="Hoshino Camera", slug="hoshino")
    customer = UserFactory(username="aoi", display_name="Aoi")

    page = new_page()
    page.set_viewport_size(PHONE)
    page.goto(f"/accounts/login/?next=/b/{brand.slug}/ask/")
    page.fill("input[name=login]", customer.username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form[action^='/accounts/login/'] button[type=submit]").click()
    page.wait_for_url(re.compile(r"/b/hoshino/ask/"))

    page.get_by_label("Title").fill("Error E-41 after the firmware update")
    page.locator("textarea[name=body]").fill("The camera shows this every time it starts.")
    page.evaluate(PASTE, [_screenshot_png(), "screenshot.png"])

    describe = page.get_by_label(re.compile(r"Describe this image"))
    describe.wait_for()
    describe.fill("The E-41 error: lens not attached")
    screenshot(page, "attachments-pasted-on-a-phone")
    page.get_by_role("button", name="Post", exact=True).click()

    page.wait_for_url(re.compile(r"/t/\d+/"))
    thread = Thread.objects.get(title="Error E-41 after the firmware update")
    attachment = Attachment.objects.get(thread=thread)
    assert attachment.alt_text == "The E-41 error: lens not attached"
    image = page.get_by_role("img", name="The E-41 error: lens not attached")
    image.wait_for()
    image.scroll_into_view_if_needed()
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=image.element_handle()
    )
    screenshot(page, "attachments-thread-shows-the-screenshot")
