"""A form post that fails the CSRF check gets Sodan's own page: in the site's layout and the
reader's language, saying what happened and that the text is kept, with the way back."""

import logging

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from qa.models import Answer

pytestmark = pytest.mark.django_db


@pytest.fixture
def strict_client(customer):
    """A signed-in customer whose page was open too long: the form's token no longer holds."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(customer)
    return client


def _post_answer(client, thread, **headers):
    return client.post(
        reverse("qa:answer_create", kwargs={"pk": thread.pk}),
        {"body": "Hold the shutter button while switching on.", "csrfmiddlewaretoken": "stale"},
        **headers,
    )


def test_failed_check_shows_sodans_page_with_the_way_back(strict_client, thread, caplog):
    page = "http://testserver" + thread.get_absolute_url()
    with caplog.at_level(logging.WARNING, logger="django.security.csrf"):
        response = _post_answer(strict_client, thread, HTTP_REFERER=page)

    assert response.status_code == 403
    html = response.content.decode()
    assert 'class="site-header' in html  # the site's own layout, not Django's bare page
    assert "Your post was not sent" in html
    assert "The text you wrote is kept in this browser" in html
    assert "your browser blocks Sodan's cookies" in html
    assert f'href="{page}"' in html
    # Django's reason is for the log, not for the reader.
    assert "CSRF cookie not set" in caplog.text
    assert "CSRF cookie" not in html
    assert "Forbidden" not in html
    assert Answer.objects.filter(thread=thread).count() == 0


def test_failed_check_in_japanese(strict_client, thread):
    strict_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ja"
    response = _post_answer(
        strict_client, thread, HTTP_REFERER="http://testserver" + thread.get_absolute_url()
    )

    assert response.status_code == 403
    html = response.content.decode()
    assert '<html lang="ja">' in html
    with translation.override("ja"):
        headline = gettext("Your post was not sent")
        kept = gettext(
            "The text you wrote is kept in this browser: go back to the page and it will be "
            "in the form again."
        )
        guidelines = gettext("Guidelines")
    assert guidelines != "Guidelines"  # the page is rendered in Japanese
    assert f"<h1>{headline}</h1>" in html
    assert kept in html


def test_way_back_is_the_home_page_when_the_form_was_elsewhere(strict_client, thread):
    response = _post_answer(strict_client, thread, HTTP_REFERER="https://elsewhere.example/t/1/")
    assert response.status_code == 403
    html = response.content.decode()
    assert 'href="/">' in html
    assert "elsewhere.example" not in html

    without_referer = _post_answer(strict_client, thread)
    assert 'href="/">' in without_referer.content.decode()


def test_a_good_token_still_posts(customer, thread):
    client = Client(enforce_csrf_checks=True)
    client.force_login(customer)
    page = client.get(thread.get_absolute_url())
    token = page.cookies[settings.CSRF_COOKIE_NAME].value
    response = client.post(
        reverse("qa:answer_create", kwargs={"pk": thread.pk}),
        {"body": "Hold the shutter button while switching on.", "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302
    assert Answer.objects.filter(thread=thread).count() == 1
