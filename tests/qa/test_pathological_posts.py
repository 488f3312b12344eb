"""Posts that show nothing are empty, and no post makes the renderer work out of
proportion to its length."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from markdown_it.parser_inline import ParserInline

from moderation.sanitize import clean_html
from qa import rendering, services
from qa.models import Answer, Thread

INVISIBLE = [
    "\u200b",  # zero-width space
    "\u200c\u200d",  # zero-width non-joiner and joiner
    "\u2060\ufeff",  # word joiner, byte order mark
    "\u200b \u200e\u200f\u202a\u202c\u2066\u2069",  # with bidi controls and a space
    "\u00ad\u034f\u180e\u3164\u2800",  # soft hyphen, grapheme joiner, fillers, blank Braille
    "\U000e0041\U000e007f",  # tag characters
    "\ufe0f\u0301",  # a variation selector and an accent with nothing to sit on
]


@pytest.mark.django_db
@pytest.mark.parametrize("blank", INVISIBLE)
def test_a_title_of_invisible_characters_is_no_title(login, brand, customer, blank):
    response = login(customer).post(
        reverse("qa:ask", args=[brand.slug]),
        {"type": "question", "title": blank * 3, "body": "The lens cap sticks."},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["title"] == ["Give your thread a title."]
    assert not Thread.objects.exists()


@pytest.mark.django_db
def test_a_body_or_answer_of_invisible_characters_is_empty(login, brand, thread, other_customer):
    client = login(other_customer)
    asked = client.post(
        reverse("qa:ask", args=[brand.slug]),
        {"type": "question", "title": "Lens cap", "body": "\u200b\u2060\n\ufeff"},
    )
    assert asked.context["form"].errors["body"] == ["Write something here."]
    answered = client.post(reverse("qa:answer_create", args=[thread.pk]), {"body": "\u200d" * 9})
    assert answered.context["answer_form"].errors["body"] == ["Write something here."]
    assert not Answer.objects.exists()
    with pytest.raises(ValidationError) as refused:
        services.thread_edit(actor=thread.author, thread=thread, title="\u200b", body="x")
    assert "title" in refused.value.message_dict


@pytest.mark.django_db
def test_visible_text_with_joiners_is_kept(brand, customer):
    thread = services.thread_create(
        author=customer, brand=brand, type="question", title="\u200b👩‍👩‍👧 カメラ", body="ok"
    )
    assert thread.title == "\u200b👩‍👩‍👧 カメラ"


@pytest.fixture
def lookahead_steps(monkeypatch):
    """Counts the inline parser's look-ahead steps (skipToken), the work that grows with
    runs of brackets."""
    calls = {"n": 0}
    original = ParserInline.skipToken

    def counted(self, state):
        calls["n"] += 1
        return original(self, state)

    monkeypatch.setattr(ParserInline, "skipToken", counted)

    def steps(source: str) -> int:
        calls["n"] = 0
        rendering.render_markdown(source)
        return calls["n"]

    return steps


@pytest.mark.parametrize("unit", ["[", "![", "[a]["])
def test_bracket_runs_cost_work_in_proportion_to_their_length(lookahead_steps, unit):
    small = unit * (2_000 // len(unit))
    large = unit * (19_000 // len(unit))
    small_steps, large_steps = lookahead_steps(small), lookahead_steps(large)
    # At most a couple of steps per character, however the brackets are arranged…
    assert large_steps <= 2 * len(large) + 2_000
    # …and growing no faster than the text does.
    assert large_steps <= small_steps * len(large) / len(small) * 1.1 + 2_000


def test_a_bracket_run_is_still_shown_as_written():
    html = rendering.render_markdown("Look: " + "[" * 19_000 + "\n\n<b>x</b> & y")
    assert html.startswith("<p>Look: [[[")
    assert html.count("[") == 19_000
    assert "&lt;b&gt;x&lt;/b&gt; &amp; y" in html


def test_what_people_write_renders_as_before():
    post = (
        "See [the manual](https://example.com/a_(b)) and ![photo](https://example.com/p.png "
        '"Z5") or [ref][1], [x] [ ] **[bold link](https://example.com)** '
        "「[リンク](https://example.jp/)」 [[nested](https://example.com)] `[code]`\n\n"
        "- [x] done\n- [ ] todo\n\n| a | b |\n|:-|-:|\n| 1 | 2 |\n\n"
        "```python\nprint('[')\n```\n\n[1]: https://example.com/ref\n"
    ) * 40
    unbounded = clean_html(rendering._MARKDOWN.render(post))  # no budget in its env
    assert rendering.render_markdown(post) == unbounded
    assert unbounded.count("<a ") >= 200
