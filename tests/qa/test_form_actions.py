"""A session that ends while someone writes: posting sends them to sign in and back to the
page the form was on, never to a 405; an action's address opened as a page leads to it."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from community.models import Notification
from qa.models import Answer, HelpfulVote, MeToo
from tests.brands.factories import MembershipFactory
from tests.community.factories import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = reverse("account_login")


def _next(response) -> str:
    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith(f"{LOGIN}?next=")
    return parse_qs(urlsplit(location).query)["next"][0]


def test_answer_after_the_session_ended_signs_in_back_to_the_thread(client, customer, thread):
    page = thread.get_absolute_url()
    url = reverse("qa:answer_create", args=[thread.pk])
    response = client.post(
        url, {"body": "Hold the shutter button."}, HTTP_REFERER=f"http://testserver{page}"
    )

    assert _next(response) == page
    assert not Answer.objects.exists()
    # Signing in leads back to the thread, whose answer form the draft fills again.
    signed_in = client.post(
        LOGIN, {"login": customer.username, "password": PASSWORD, "next": page}, follow=True
    )
    assert signed_in.status_code == 200
    assert signed_in.redirect_chain[-1][0] == page
    assert f'data-draft="answer:{thread.pk}"' in signed_in.content.decode()


def test_without_a_referer_next_is_the_threads_answer_form(client, thread):
    response = client.post(reverse("qa:answer_create", args=[thread.pk]), {"body": "Hi"})
    assert _next(response) == f"/t/{thread.pk}/#answer-form"


def test_a_referer_from_another_site_is_not_followed(client, thread):
    response = client.post(
        reverse("qa:answer_create", args=[thread.pk]),
        {"body": "Hi"},
        HTTP_REFERER="https://elsewhere.example/phish/",
    )
    assert _next(response) == f"/t/{thread.pk}/#answer-form"


def test_a_referer_that_is_the_action_itself_gives_the_threads_page(client, thread):
    # The answer form sent back with errors lives at the action's address.
    url = reverse("qa:answer_create", args=[thread.pk])
    response = client.post(url, {"body": "Hi"}, HTTP_REFERER=f"http://testserver{url}")
    assert _next(response) == f"/t/{thread.pk}/#answer-form"


def test_endorsing_after_the_session_ended_signs_in_back_to_the_answer(client, answer):
    response = client.post(reverse("brands:endorse", args=[answer.pk]))
    assert _next(response) == f"/a/{answer.pk}/"
    answer.refresh_from_db()
    assert answer.endorsed_at is None


@pytest.mark.parametrize("name", ["qa:vote", "qa:accept"])
def test_a_button_pressed_by_nobody_is_refused_with_the_reason(client, answer, name):
    # shared/DOMAIN.md: anonymous votes and acceptances are refused with 403 and a reason.
    response = client.post(reverse(name, args=[answer.pk]))
    assert response.status_code == 403
    assert not HelpfulVote.objects.exists()
    answer.refresh_from_db()
    assert not answer.is_accepted


def test_me_too_pressed_by_nobody_is_refused_with_the_reason(client, thread):
    page = f"http://testserver{thread.get_absolute_url()}"
    response = client.post(reverse("qa:me_too", args=[thread.pk]), HTTP_REFERER=page)
    assert response.status_code == 403
    assert b"Log in or sign up" in response.content
    assert not MeToo.objects.exists()


def test_an_answers_address_leads_to_its_place_on_the_thread(client, answer):
    response = client.get(reverse("qa:answer_short", args=[answer.pk]))
    assert response.status_code == 302
    assert response["Location"] == f"{answer.thread.get_absolute_url()}#answer-{answer.pk}"


# --- An action's address opened as a page (after signing in, or a bookmark) -----------------


def test_answer_address_opened_after_signing_in_leads_to_the_form(login, customer, thread):
    client = login(customer)
    response = client.get(reverse("qa:answer_create", args=[thread.pk]), follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[0] == (f"/t/{thread.pk}/#answer-form", 302)
    assert response.redirect_chain[-1][0] == thread.get_absolute_url()
    assert not Answer.objects.exists()


@pytest.mark.parametrize("name", ["qa:vote", "qa:accept", "brands:endorse"])
def test_answer_action_addresses_lead_to_the_answer(login, customer, answer, name):
    response = login(customer).get(reverse(name, args=[answer.pk]), follow=True)
    assert response.status_code == 200
    assert (
        response.redirect_chain[-1][0] == f"{answer.thread.get_absolute_url()}#answer-{answer.pk}"
    )
    assert not HelpfulVote.objects.exists()


@pytest.mark.parametrize(
    "name", ["qa:me_too", "brands:thread_take", "brands:thread_release", "brands:thread_version"]
)
def test_thread_action_addresses_lead_to_the_thread(client, thread, name):
    response = client.get(reverse(name, args=[thread.pk]), follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == thread.get_absolute_url()
    assert not MeToo.objects.exists()


def test_a_brand_rep_signing_in_again_to_take_a_thread_comes_back_to_it(client, thread, brand):
    rep = MembershipFactory(brand=brand).user
    page = thread.get_absolute_url()
    response = client.post(
        reverse("brands:thread_take", args=[thread.pk]), HTTP_REFERER=f"http://testserver{page}"
    )
    assert _next(response) == page
    client.force_login(rep)
    assert client.get(reverse("brands:thread_take", args=[thread.pk]))["Location"] == (
        f"/t/{thread.pk}/"
    )


def test_moderation_and_notification_action_addresses_lead_to_their_lists(login, customer):
    client = login(customer)
    assert client.get(reverse("moderation:appeal_decide", args=[1]))["Location"] == reverse(
        "moderation:appeals"
    )
    assert client.get(reverse("moderation:recheck_decline", args=[1]))["Location"] == reverse(
        "moderation:rechecks"
    )
    assert client.get(reverse("community:notifications_read"))["Location"] == reverse(
        "community:notifications"
    )
    assert Notification.objects.count() == 0


def test_other_methods_are_still_refused(login, customer, answer):
    response = login(customer).put(reverse("qa:vote", args=[answer.pk]))
    assert response.status_code == 405
    assert response["Allow"] == "POST"
