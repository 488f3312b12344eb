"""Images in questions, answers and private cases: stored with the post, refused beside
the field with the text kept and nothing stored, served only to whoever may see the post,
and gone with their uploader's erasure."""

from __future__ import annotations

import datetime as dt
import os
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from attachments.models import Attachment
from attachments.services import attachments_erase, attachments_store, orphans_sweep
from cases import services as case_services
from privacy.services import account_erase
from qa.models import Answer, Thread, Visibility
from tests.community.factories import UserFactory
from tests.qa.factories import AnswerFactory, ThreadFactory

from .conftest import png_bytes, stored_files, upload

pytestmark = pytest.mark.django_db


def _ask(client, brand, **extra):
    data = {
        "type": "problem",
        "title": "Error E-41 after the update",
        "body": "The screen shows this after every start.",
        **extra,
    }
    return client.post(reverse("qa:ask", args=[brand.slug]), data)


def test_a_question_with_a_screenshot_shows_it(login, customer, brand, stored):
    client = login(customer)
    response = _ask(
        client,
        brand,
        attachments=[upload(png_bytes(), "e41.png")],
        attachment_alt="The E-41 error dialog",
    )
    assert response.status_code == 302
    thread = Thread.objects.get(title="Error E-41 after the update")
    attachment = Attachment.objects.get(thread=thread)
    assert attachment.alt_text == "The E-41 error dialog"
    assert len(stored_files(stored)) == 2  # the image and its thumbnail
    page = client.get(thread.get_absolute_url()).content.decode()
    assert f'src="/files/{attachment.pk}/thumb/"' in page
    assert 'alt="The E-41 error dialog"' in page
    client.logout()
    anonymous = client.get(thread.get_absolute_url()).content.decode()
    assert f'href="/files/{attachment.pk}/"' in anonymous


@pytest.mark.parametrize(
    ("files", "alt", "message"),
    [
        (
            lambda: [upload(b"<svg xmlns='http://www.w3.org/2000/svg'/>", "a.svg")],
            "x",
            "not an image",
        ),
        (lambda: [upload(b"<html><script>x</script>", "shot.png")], "x", "“shot.png” is not an"),
        (lambda: [upload(png_bytes()) for _ in range(5)], "a\nb\nc\nd\ne", "up to 4"),
        (lambda: [upload(png_bytes())], "", "Describe each image"),
    ],
    ids=["svg", "html-as-png", "too-many", "no-description"],
)
def test_a_refused_image_keeps_the_text_and_stores_nothing(
    login, customer, brand, stored, files, alt, message
):
    response = _ask(login(customer), brand, attachments=files(), attachment_alt=alt)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Error E-41 after the update" in html  # the title is kept
    assert "The screen shows this after every start." in html  # and the text
    form = response.context["form"]
    errors = form.errors.get("attachments") or form.errors.get("attachment_alt")
    assert any(message in error for error in errors)
    assert not Thread.objects.exists()
    assert not Attachment.objects.exists()
    assert stored_files(stored) == []


def test_an_answer_carries_images(login, other_customer, thread, stored):
    response = login(other_customer).post(
        reverse("qa:answer_create", args=[thread.pk]),
        {
            "body": "Mine showed this too; the fix is in the menu below.",
            "attachments": [upload(png_bytes(), "menu.png"), upload(png_bytes(), "after.png")],
            "attachment_alt": ["The settings menu", "The screen after the fix"],
        },
    )
    assert response.status_code == 302
    answer = Answer.objects.get(thread=thread)
    assert [a.alt_text for a in Attachment.objects.filter(answer=answer)] == [
        "The settings menu",
        "The screen after the fix",
    ]


def _attach(post, uploader):
    return attachments_store(
        uploader=uploader, files=[upload(png_bytes())], alt_texts=["A photo"], target=post
    )[0]


def test_the_file_is_served_with_headers_that_keep_it_an_image(client, thread, customer):
    attachment = _attach(thread, customer)
    response = client.get(reverse("attachments:file", args=[attachment.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("inline;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == (
        "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"
    )
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    thumb = client.get(reverse("attachments:thumb", args=[attachment.pk]))
    assert thumb.status_code == 200 and thumb["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("visibility", [Visibility.HIDDEN, Visibility.DELETED])
def test_a_hidden_or_deleted_post_hides_its_files(login, client, thread, answer, visibility):
    on_thread = _attach(thread, thread.author)
    on_answer = _attach(answer, answer.author)
    Answer.objects.filter(pk=answer.pk).update(visibility=visibility)
    assert client.get(reverse("attachments:file", args=[on_answer.pk])).status_code == 404
    assert client.get(reverse("attachments:file", args=[on_thread.pk])).status_code == 200
    # Its author still sees a post hidden pending review, with its files; a deleted one, not.
    author_sees = login(answer.author).get(reverse("attachments:file", args=[on_answer.pk]))
    assert author_sees.status_code == (200 if visibility == Visibility.HIDDEN else 404)
    client.logout()
    Thread.objects.filter(pk=thread.pk).update(visibility=visibility)
    assert client.get(reverse("attachments:file", args=[on_thread.pk])).status_code == 404
    assert client.get(reverse("attachments:thumb", args=[on_thread.pk])).status_code == 404


def test_a_private_case_file_is_for_the_case_only(login, client, rep, customer_thread, customer):
    case = case_services.case_open(actor=rep, thread=customer_thread, body="Your order number?")
    message = case_services.case_message_post(actor=customer, case=case, body="Here is the box.")
    attachment = _attach(message, customer)
    url = reverse("attachments:file", args=[attachment.pk])
    assert client.get(url).status_code == 404
    assert login(UserFactory()).get(url).status_code == 404
    assert login(customer).get(url).status_code == 200
    assert login(rep).get(url).status_code == 200
    page = login(customer).get(case.get_absolute_url()).content.decode()
    assert f'src="/files/{attachment.pk}/thumb/"' in page


def test_a_case_message_form_takes_images(login, rep, customer_thread, customer, stored):
    case = case_services.case_open(actor=rep, thread=customer_thread, body="Your order number?")
    response = login(customer).post(
        case.get_absolute_url(),
        {
            "body": "The label on the box.",
            "attachments": [upload(png_bytes(), "label.png")],
            "attachment_alt": "The box's label with the serial number",
        },
    )
    assert response.status_code == 302
    assert Attachment.objects.get().case_message.case_id == case.pk


def test_erasure_removes_the_files(customer, thread, stored, committed):
    _attach(thread, customer)
    assert len(stored_files(stored)) == 2
    with committed():
        account_erase(user=customer)
    assert not Attachment.objects.exists()
    assert stored_files(stored) == []


def test_attachments_erase_takes_only_that_persons_images(
    customer, thread, answer, stored, committed
):
    _attach(thread, customer)
    others = _attach(answer, answer.author)
    with committed():
        assert attachments_erase(user=customer) == 1
    assert list(Attachment.objects.all()) == [others]
    assert sorted(path.name for path in stored_files(stored)) == sorted(others.file_names)


def test_the_sweep_removes_files_no_row_names(customer, thread, stored):
    kept = _attach(thread, customer)
    stray = stored / "left-by-a-rollback.png"
    stray.write_bytes(png_bytes())
    recent = stored / "being-saved.png"
    recent.write_bytes(png_bytes())
    old = time.time() - 7200
    os.utime(stray, (old, old))
    assert orphans_sweep(older_than=dt.timedelta(hours=1)) == 1
    assert not stray.exists() and recent.exists()
    assert (stored / kept.file.name).exists()


def _count(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_thread_page_queries_stay_flat_with_images_on_every_answer(client, settings):
    settings.SODAN_PAGE_CACHE = False  # measure the rendering itself
    counts = []
    for size in (2, 8):
        thread = ThreadFactory()
        _attach(thread, thread.author)
        for answer in AnswerFactory.create_batch(size, thread=thread):
            _attach(answer, answer.author)
        counts.append(_count(client, thread.get_absolute_url()))
        page = client.get(thread.get_absolute_url()).content.decode()
        assert page.count('class="attachment"') == size + 1
    assert counts[0] == counts[1]


def test_a_thread_without_images_asks_nothing_about_them(client, settings):
    settings.SODAN_PAGE_CACHE = False
    thread = ThreadFactory()
    AnswerFactory.create_batch(3, thread=thread)
    client.get(thread.get_absolute_url())
    with CaptureQueriesContext(connection) as ctx:
        client.get(thread.get_absolute_url())
    asked = [q["sql"] for q in ctx.captured_queries]
    assert not [sql for sql in asked if sql.startswith('SELECT "attachments_attachment"')]
    assert any('FROM "attachments_attachment"' in sql for sql in asked)  # in the thread's own


def test_an_answer_held_for_approval_takes_no_images(official, customer_thread, stored):
    from attachments.services import attachments_prepare
    from brands.models import Membership, OfficialDraft
    from qa import services as qa_services
    from tests.brands.conftest import _member, fresh

    trainee = _member(official, "mio", Membership.Role.REP)
    Membership.objects.filter(user=trainee).update(in_training=True)
    images = attachments_prepare([upload(png_bytes())], ["The error on the screen"])
    with pytest.raises(ValidationError) as refused:
        qa_services.answer_create(
            author=fresh(trainee), thread=customer_thread, body="Update to 2.1.", attachments=images
        )
    assert "attachments" in refused.value.message_dict
    assert not OfficialDraft.objects.exists()
    assert not Attachment.objects.exists()
    assert stored_files(stored) == []
