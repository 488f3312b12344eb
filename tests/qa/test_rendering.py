"""Markdown rendering of posts: what readers see, and that it always goes through the sanitizer."""

from __future__ import annotations

import pytest

from moderation.sanitize import SANITIZER_ENGINES
from qa.rendering import render_markdown, render_plain_excerpt
from tests.moderation.test_sanitize import PAYLOADS, assert_safe, attributes_of, html_events

REL = "nofollow ugc noopener"


@pytest.mark.parametrize("payload", PAYLOADS)
@pytest.mark.parametrize("engine", SANITIZER_ENGINES)
def test_payload_is_neutralised_through_markdown(settings, engine, payload):
    settings.SANITIZER_ENGINE = engine
    assert_safe(render_markdown(payload))


@pytest.mark.parametrize("engine", SANITIZER_ENGINES)
def test_markdown_output_always_goes_through_the_configured_sanitizer(settings, engine):
    settings.SANITIZER_ENGINE = engine
    assert "onerror" not in render_markdown("<img src=x onerror=alert(1)>")
    settings.SANITIZER_ENGINE = "no-such-engine"
    with pytest.raises(ValueError, match="no-such-engine"):
        render_markdown("plain text")


@pytest.mark.parametrize("engine", SANITIZER_ENGINES)
def test_bold_emphasis_and_strikethrough(settings, engine):
    settings.SANITIZER_ENGINE = engine
    html = render_markdown("**bold** *em* ~~gone~~")
    assert "<strong>bold</strong>" in html
    assert "<em>em</em>" in html
    assert "<s>gone</s>" in html


@pytest.mark.parametrize("engine", SANITIZER_ENGINES)
def test_links_render_with_rel(settings, engine):
    settings.SANITIZER_ENGINE = engine
    html = render_markdown('[the manual](https://example.com/manual "Manual") and [faq](/faq)')
    assert attributes_of(html, "a") == [
        {"href": "https://example.com/manual", "title": "Manual", "rel": REL},
        {"href": "/faq", "rel": REL},
    ]


@pytest.mark.parametrize("engine", SANITIZER_ENGINES)
@pytest.mark.parametrize(
    "source",
    [
        "[click](javascript:alert(1))",
        '<a href="javascript:alert(1)">click</a>',
        '<a href="jav&#x09;ascript:alert(1)">click</a>',
    ],
)
def test_javascript_link_loses_its_href(settings, engine, source):
    settings.SANITIZER_ENGINE = engine
    html = render_markdown(source)
    assert "click" in html
    assert "javascript" not in html.replace("[click](javascript:alert(1))", "")
    for link in attributes_of(html, "a"):
        assert "href" not in link
        assert link["rel"] == REL


@pytest.mark.parametrize("engine", SANITIZER_ENGINES)
def test_fenced_code_keeps_its_language_and_escapes_its_content(settings, engine):
    settings.SANITIZER_ENGINE = engine
    html = render_markdown('```python\nprint("<script>alert(1)</script>")\n```')
    assert html_events(html, ignore_whitespace=True) == [
        ("start", "pre", ""),
        ("start", "code", "class=language-python"),
        ("text", 'print("<script>alert(1)</script>")'),
        ("end", "code"),
        ("end", "pre"),
    ]
    assert "&lt;script&gt;" in html


@pytest.mark.parametrize("engine", SANITIZER_ENGINES)
def test_inline_code_and_indented_code(settings, engine):
    settings.SANITIZER_ENGINE = engine
    assert "<code>&lt;b&gt;</code>" in render_markdown("`<b>`")
    assert "<pre><code>x = 1\n</code></pre>" in render_markdown("    x = 1")


@pytest.mark.parametrize("engine", SANITIZER_ENGINES)
def test_tables_render_with_alignment(settings, engine):
    settings.SANITIZER_ENGINE = engine
    html = render_markdown("| 機種 | 価格 |\n|:--|--:|\n| Z5 | ¥98,000 |")
    starts = [event for event in html_events(html) if event[0] == "start"]
    assert [event[1] for event in starts] == [
        "table",
        "thead",
        "tr",
        "th",
        "th",
        "tbody",
        "tr",
        "td",
        "td",
    ]
    assert ("start", "th", "align=left") in starts
    assert ("start", "td", "align=right") in starts
    assert "style" not in html
    assert "¥98,000" in html


@pytest.mark.parametrize("engine", SANITIZER_ENGINES)
def test_lists_render(settings, engine):
    settings.SANITIZER_ENGINE = engine
    html = render_markdown("- 電源\n- 充電器\n\n3. 三\n4. 四")
    assert html_events(html, ignore_whitespace=True) == [
        ("start", "ul", ""),
        ("start", "li", ""),
        ("text", "電源"),
        ("end", "li"),
        ("start", "li", ""),
        ("text", "充電器"),
        ("end", "li"),
        ("end", "ul"),
        ("start", "ol", "start=3"),
        ("start", "li", ""),
        ("text", "三"),
        ("end", "li"),
        ("start", "li", ""),
        ("text", "四"),
        ("end", "li"),
        ("end", "ol"),
    ]


@pytest.mark.parametrize("engine", SANITIZER_ENGINES)
def test_kbd_survives(settings, engine):
    settings.SANITIZER_ENGINE = engine
    assert render_markdown("Press <kbd>Ctrl</kbd>+<kbd>C</kbd>") == (
        "<p>Press <kbd>Ctrl</kbd>+<kbd>C</kbd></p>\n"
    )


@pytest.mark.parametrize("engine", SANITIZER_ENGINES)
def test_other_raw_html_is_reduced_to_text(settings, engine):
    settings.SANITIZER_ENGINE = engine
    html = render_markdown('<div style="position:fixed">notice</div>\n\n<script>alert(1)</script>')
    assert html_events(html, ignore_whitespace=True) == [("text", "notice")]


@pytest.mark.parametrize("engine", SANITIZER_ENGINES)
def test_japanese_text_passes_through_unchanged(settings, engine):
    settings.SANITIZER_ENGINE = engine
    text = (
        "ファームウェア2.1に更新してから、レンズキャップが外れません。"
        "「設定」→『リセット』も試しました。"
    )
    assert render_markdown(text) == f"<p>{text}</p>\n"


@pytest.mark.parametrize("engine", SANITIZER_ENGINES)
def test_bare_url_is_linkified_with_rel(settings, engine):
    settings.SANITIZER_ENGINE = engine
    html = render_markdown("see https://example.com/help?q=1&lang=ja for details")
    assert attributes_of(html, "a") == [
        {"href": "https://example.com/help?q=1&lang=ja", "rel": REL}
    ]
    assert ("text", "https://example.com/help?q=1&lang=ja") in html_events(html)


@pytest.mark.parametrize("engine", SANITIZER_ENGINES)
def test_bare_url_stops_at_japanese_punctuation(settings, engine):
    settings.SANITIZER_ENGINE = engine
    html = render_markdown("公式の案内「https://example.jp/サポート」を見てください。")
    assert attributes_of(html, "a") == [
        {"href": "https://example.jp/%E3%82%B5%E3%83%9D%E3%83%BC%E3%83%88", "rel": REL}
    ]
    events = html_events(html)
    assert ("text", "https://example.jp/サポート") in events
    assert ("text", "」を見てください。") in events


@pytest.mark.parametrize("engine", SANITIZER_ENGINES)
def test_images_render_only_from_http_urls(settings, engine):
    settings.SANITIZER_ENGINE = engine
    html = render_markdown("![front](https://example.com/z5.png) ![x](data:image/png;base64,AAAA)")
    assert attributes_of(html, "img") == [
        {"src": "https://example.com/z5.png", "alt": "front"},
        {"alt": "x"},
    ]


@pytest.mark.parametrize("engine", SANITIZER_ENGINES)
def test_typographer_is_off(settings, engine):
    settings.SANITIZER_ENGINE = engine
    html = render_markdown('"quotes" -- dashes... (c)')
    assert html_events(html) == [
        ("start", "p", ""),
        ("text", '"quotes" -- dashes... (c)'),
        ("end", "p"),
        ("text", "\n"),
    ]


# --- plain excerpts --------------------------------------------------------------------------


@pytest.mark.parametrize("engine", SANITIZER_ENGINES)
def test_excerpt_strips_markup_and_collapses_whitespace(settings, engine):
    settings.SANITIZER_ENGINE = engine
    source = (
        "# 充電できない\n\n**急に**充電が止まりました。<kbd>Ctrl</kbd>\n\n"
        "- [説明書](https://example.com)\n- A &amp; B < C\n\n<script>alert(1)</script>"
    )
    expected = "充電できない 急に充電が止まりました。Ctrl 説明書 A & B < C"
    assert render_plain_excerpt(source) == expected


def test_excerpt_truncates_long_japanese_text_with_an_ellipsis():
    source = "レンズキャップが外れなくなりました。" * 30
    excerpt = render_plain_excerpt(source, length=50)
    assert len(excerpt) == 50
    assert excerpt.endswith("…")
    assert excerpt[:-1] == source[:49]


def test_excerpt_keeps_short_text_whole():
    assert render_plain_excerpt("短い質問です。") == "短い質問です。"
    assert render_plain_excerpt("あ" * 200) == "あ" * 200
    assert render_plain_excerpt("あ" * 201) == "あ" * 199 + "…"


def test_excerpt_default_length_fits_the_listing_field():
    excerpt = render_plain_excerpt("長い本文。" * 200)
    assert len(excerpt) == 200
    assert excerpt.endswith("…")


def test_excerpt_never_splits_a_character_from_its_combining_mark():
    # "か" + combining voiced sound mark renders as "が"; cutting between them would leave
    # a bare "か" or a stray mark.
    source = "か\u3099" * 10
    excerpt = render_plain_excerpt(source, length=6)
    assert excerpt == "か\u3099" * 2 + "…"


def test_excerpt_of_empty_source_is_empty():
    assert render_plain_excerpt("") == ""
    assert render_plain_excerpt("<script>alert(1)</script>") == ""
