"""Drafts kept in the browser: the forms name their draft, and only a saved post tells the
browser to forget it, with a cookie that leaves the cached thread pages shared."""

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from qa import drafts
from qa.models import Answer, Thread

pytestmark = pytest.mark.django_db

COOKIE = drafts.SAVED_COOKIE


def _forgotten(response) -> list[str]:
    return response.cookies[COOKIE].value.split("|")


def test_a_saved_answer_tells_the_browser_to_forget_its_draft(login, other_customer, thread):
    client = login(other_customer)
    response = client.post(
        reverse("qa:answer_create", args=[thread.pk]), {"body": "Hold the shutter button."}
    )

    assert response.status_code == 302
    assert Answer.objects.filter(thread=thread).count() == 1
    cookie = response.cookies[COOKIE]
    assert cookie.value == f"answer:{thread.pk}"
    assert not cookie["httponly"]  # the page's script reads and deletes it
    assert cookie["path"] == "/"
    assert 0 < cookie["max-age"] <= 600
    assert cookie["samesite"] == "Lax"


def test_an_answer_sent_back_with_errors_keeps_the_draft_and_the_servers_values(
    login, other_customer, thread
):
    response = login(other_customer).post(
        reverse("qa:answer_create", args=[thread.pk]), {"body": ""}
    )

    assert response.status_code == 400
    assert COOKIE not in response.cookies
    html = response.content.decode()
    assert f'data-draft="answer:{thread.pk}" data-draft-bound' in html


def test_the_thread_pages_answer_form_names_its_draft_and_stays_shared(
    login, other_customer, thread
):
    client = login(other_customer)
    client.cookies[COOKIE] = f"answer:{thread.pk}"  # left by the post just saved
    client.get(thread.get_absolute_url())
    second = client.get(thread.get_absolute_url())

    assert second["X-Sodan-Cache"] == "hit"  # the cookie changes nothing on the server
    html = second.content.decode()
    assert f'data-draft="answer:{thread.pk}"' in html
    assert "data-draft-bound" not in html
    assert 'data-draft-notice="We restored text you had not sent."' in html
    assert 'data-draft-discard="Discard it"' in html
    assert COOKIE not in second.cookies  # only the browser's script deletes it


def test_the_notice_comes_in_the_readers_language(login, other_customer, thread, settings):
    client = login(other_customer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ja"
    html = client.get(thread.get_absolute_url()).content.decode()
    with translation.override("ja"):
        notice = gettext("We restored text you had not sent.")
    assert f'data-draft-notice="{notice}"' in html


def test_a_saved_question_forgets_the_brands_ask_draft(login, customer, brand):
    client = login(customer)
    page = client.get(reverse("qa:ask", args=[brand.slug]))
    assert f'data-draft="ask:{brand.slug}"' in page.content.decode()

    response = client.post(
        reverse("qa:ask", args=[brand.slug]),
        {"type": "question", "title": "Lens cap stuck after 2.1", "body": "It will not open."},
    )
    assert response.status_code == 302
    assert Thread.objects.filter(title="Lens cap stuck after 2.1").exists()
    assert _forgotten(response) == [f"ask:{brand.slug}"]


def test_saved_edits_forget_their_drafts(login, customer, thread, answer, other_customer):
    client = login(customer)
    edit_thread = reverse("qa:thread_edit", args=[thread.pk])
    assert f'data-draft="thread-edit:{thread.pk}"' in client.get(edit_thread).content.decode()
    response = client.post(edit_thread, {"title": thread.title, "body": "Now with a photo."})
    assert response.status_code == 302
    assert _forgotten(response) == [f"thread-edit:{thread.pk}"]

    del client.cookies[COOKIE]  # forgotten by the script on the thread's page
    client = login(other_customer)
    edit_answer = reverse("qa:answer_edit", args=[answer.pk])
    assert f'data-draft="answer-edit:{answer.pk}"' in client.get(edit_answer).content.decode()
    response = client.post(edit_answer, {"body": "Hold the shutter button for ten seconds."})
    assert response.status_code == 302
    assert _forgotten(response) == [f"answer-edit:{answer.pk}"]


def test_a_second_save_keeps_the_first_key_not_yet_forgotten(login, other_customer, thread):
    client = login(other_customer)
    client.cookies[COOKIE] = "ask:hoshino"  # saved in another tab a moment ago
    response = client.post(
        reverse("qa:answer_create", args=[thread.pk]), {"body": "Hold the shutter button."}
    )
    assert _forgotten(response) == ["ask:hoshino", f"answer:{thread.pk}"]


def test_an_edit_sent_back_with_errors_keeps_what_was_sent(login, customer, thread):
    response = login(customer).post(
        reverse("qa:thread_edit", args=[thread.pk]), {"title": "", "body": "Kept text"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert f'data-draft="thread-edit:{thread.pk}" data-draft-bound' in html
    assert "Kept text" in html
    assert COOKIE not in response.cookies


def test_every_page_loads_the_drafts_script(client, thread):
    html = client.get(thread.get_absolute_url()).content.decode()
    assert '<script src="/static/themes/drafts.js" defer></script>' in html
