"""The Preview of the post forms (server-rendered, sanitized, rate limited, and without
JavaScript) and the revisions page's highlighted diff (escaped, word by word, CJK by
character)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from qa import services
from qa.diffs import diff_html, diff_pieces, tokens
from qa.models import Thread

pytestmark = pytest.mark.django_db

XSS = (
    '**bold**\n\n<script>alert(1)</script>\n\n<img src=x onerror="alert(2)">'
    " [x](javascript:alert(3))"
)


def test_preview_renders_with_the_posts_sanitizer(login, customer):
    response = login(customer).post(reverse("qa:preview"), {"body": XSS})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<strong>bold</strong>" in html
    assert "<script" not in html and "alert(1)" not in html
    assert "onerror" not in html and 'href="javascript:' not in html


def test_preview_is_rate_limited(login, customer, settings):
    settings.SODAN_RATE_LIMITS_ENABLED = True
    settings.SODAN_RATE_LIMITS = {**settings.SODAN_RATE_LIMITS, "preview": (2, 60)}
    client = login(customer)
    statuses = [client.post(reverse("qa:preview"), {"body": "hi"}).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]


def test_preview_without_javascript_keeps_the_text_and_saves_nothing(login, customer, brand):
    response = login(customer).post(
        reverse("qa:ask", args=[brand.slug]),
        {
            "type": "question",
            "title": "Lens fog",
            "body": "Fog **inside** the lens",
            "preview": "1",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Fog <strong>inside</strong> the lens" in html  # the preview
    assert "Fog **inside** the lens</textarea>" in html  # the text, kept
    assert not Thread.objects.exists()


def test_answer_and_edit_forms_preview_too(login, customer, thread, answer):
    client = login(answer.author)
    answered = client.post(
        reverse("qa:answer_create", args=[thread.pk]), {"body": "_try_ this", "preview": "1"}
    )
    assert "<em>try</em> this" in answered.content.decode()
    assert thread.answers.count() == 1
    edited = client.post(
        reverse("qa:answer_edit", args=[answer.pk]), {"body": "`reset` it", "preview": "1"}
    )
    assert "<code>reset</code> it" in edited.content.decode()
    assert edited.status_code == 200
    answer.refresh_from_db()
    assert answer.revision_count == 1
    page = client.get(thread.get_absolute_url()).content.decode()
    assert 'name="preview"' in page and 'data-preview="/preview/"' in page


def test_tokens_give_the_text_back_and_split_japanese_by_character():
    text = "Firmware 2.1で電池が切れる。\n Again"
    assert "".join(tokens(text)) == text
    assert tokens("電池が切れる") == ["電", "池", "が", "切", "れ", "る"]
    assert tokens("update the lens") == ["update", " ", "the", " ", "lens"]


def test_a_japanese_change_marks_only_the_changed_characters():
    pieces = diff_pieces("電池がすぐ切れる", "電池がすぐ減る")
    assert [(p.kind, p.text) for p in pieces] == [
        ("same", "電池がすぐ"),
        ("del", "切れ"),
        ("ins", "減"),
        ("same", "る"),
    ]


def test_the_diff_is_escaped_and_marks_words_for_screen_readers():
    html = diff_html("Use <b>safe</b> mode", "Use <script>alert(1)</script> mode")
    assert "<script>" not in html and "<b>" not in html
    assert "&lt;" in html and "&gt;" in html
    assert '<del><span class="visually-hidden">[Removed: </span>' in html
    assert '<ins><span class="visually-hidden">[Added: </span>' in html
    assert html.startswith("Use ")


def test_revisions_page_shows_each_change_and_any_two_compared(client, thread):
    services.thread_edit(actor=thread.author, thread=thread, title=thread.title, body="Step one")
    services.thread_edit(
        actor=thread.author, thread=thread, title=thread.title, body="Step one <i>and</i> two"
    )
    url = reverse("qa:thread_revisions", args=[thread.pk])
    html = client.get(url).content.decode()
    assert html.count("<ins>") >= 2 and "<del>" in html
    assert "&lt;i&gt;" in html and "<i>and</i>" not in html.split("As it looked")[0]
    compared = client.get(url, {"from": "1", "to": "3"}).content.decode()
    assert "Changes from version 1 to version 3" in compared
    assert "Step one" in compared.split('id="comparison"')[1]
