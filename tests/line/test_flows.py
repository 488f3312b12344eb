"""From the chat to the web: a message becomes a public question only once its writer
confirms it signed in; a private request reaches the team and their answer goes back to
LINE; a LINE account is linked by the chat's signed link."""

import re

import pytest
from django.core import signing

from community.models import Notification
from line.models import LineCaseRequest, LineEvent, LineLink
from line.replies import postback
from line.selectors import line_user_id
from line.tokens import SALT, flow_url
from qa.models import Thread

from .conftest import postback_event, text_event

pytestmark = pytest.mark.django_db

USER_ID = "U4af4980629aaaaaaaaaaaaaaaaaaaaaa"


def _link_from_chat(official, send_webhook, line_api, action: str, text: str) -> str:
    """Write on LINE, press a button; the address the chat answers with."""
    send_webhook(official, text_event(text))
    asked = LineEvent.objects.filter(type="message").latest("pk")
    send_webhook(official, postback_event(postback(action, asked.pk)))
    words = line_api.replies[-1]["messages"][0]["text"]
    return "/line/" + words.split("/line/", 1)[1].split()[0]


def test_a_message_becomes_a_public_question_after_confirmation(
    official, z5, channel, solved, send_webhook, line_api, client, customer
):
    address = _link_from_chat(
        official, send_webhook, line_api, "ask", "Z5 lens cap\nIt falls off when I walk."
    )
    # Not signed in: the sign-in page first, back here after.
    response = client.get(address)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(customer)
    page = client.get(address)
    assert page.status_code == 200
    form = page.context["form"]
    assert form.initial["title"] == "Z5 lens cap"
    assert form.initial["product"] == z5
    assert Thread.objects.filter(title="Z5 lens cap").count() == 0  # nothing yet
    # Without the explicit yes, nothing is published.
    data = {"title": "Z5 lens cap", "body": "It falls off when I walk.", "product": z5.pk}
    refused = client.post(address, data)
    assert refused.status_code == 200
    assert Thread.objects.filter(title="Z5 lens cap").count() == 0
    published = client.post(address, {**data, "consent": "on"})
    thread = Thread.objects.get(title="Z5 lens cap")
    assert published["Location"] == thread.get_absolute_url()
    assert (thread.author, thread.product, thread.channel) == (customer, z5, Thread.Channel.LINE)
    # The same link again opens the thread; it never publishes twice.
    assert client.post(address, {**data, "consent": "on"})["Location"] == thread.get_absolute_url()
    assert Thread.objects.filter(title="Z5 lens cap").count() == 1
    assert line_user_id(customer, official) == USER_ID


def test_a_tampered_or_other_actions_link_is_refused(
    official, channel, solved, send_webhook, line_api, client, customer
):
    address = _link_from_chat(official, send_webhook, line_api, "ask", "Z5 battery")
    client.force_login(customer)
    token = address.rstrip("/").rsplit("/", 1)[1]
    assert client.get(f"/line/ask/{token}x/").status_code == 404
    assert client.get(f"/line/case/{token}/").status_code == 404  # an ask link, not a case's
    forged = signing.dumps({"a": "ask", "e": 999, "b": official.pk}, salt=SALT + "x")
    assert client.get(f"/line/ask/{forged}/").status_code == 404


def test_a_private_request_reaches_the_team_and_the_answer_goes_to_line(
    official, channel, solved, send_webhook, line_api, client, customer, rep, committed
):
    address = _link_from_chat(official, send_webhook, line_api, "case", "Order 4411 never came")
    client.force_login(customer)
    assert b"Order 4411 never came" in client.get(address).content
    with committed():
        assert client.post(address).status_code == 200
    request = LineCaseRequest.objects.get()
    assert (request.requester, request.text) == (customer, "Order 4411 never came")
    told = Notification.objects.get(recipient=rep, kind=Notification.Kind.LINE_CASE_REQUEST)
    assert "4411" not in told.message  # the words stay on the team's page
    assert Thread.objects.filter(body__contains="4411").count() == 0  # nothing public

    client.force_login(rep)
    page = client.get(f"/b/{official.slug}/line/requests/")
    assert b"Order 4411 never came" in page.content
    with committed():
        client.post(
            f"/b/{official.slug}/line/requests/{request.pk}/reply/",
            {"body": "Sorry! It ships today."},
        )
    [push] = line_api.pushes
    assert push["to"] == USER_ID
    assert "Sorry! It ships today." in push["messages"][0]["text"]


def test_only_the_brands_reps_read_the_private_requests(official, channel, client, customer):
    client.force_login(customer)
    assert client.get(f"/b/{official.slug}/line/requests/").status_code == 403


def _private_request(brand, requester, event_id: str) -> LineCaseRequest:
    """A private request from LINE, as the chat's "ask privately" files it."""
    from line.models import LineRequest

    event = LineEvent.objects.create(
        brand=brand,
        request=LineRequest.objects.create(brand=brand, body="{}"),
        webhook_event_id=event_id,
        type="message",
        line_user_id=USER_ID,
        payload={},
    )
    return LineCaseRequest.objects.create(
        brand=brand, requester=requester, event=event, text="Where is my order?"
    )


def test_only_the_brands_reps_answer_a_private_request(official, channel, customer):
    from django.core.exceptions import PermissionDenied

    from line.models import LinePush
    from line.services import line_case_reply

    asked = _private_request(official, customer, "e1")
    with pytest.raises(PermissionDenied):
        line_case_reply(actor=customer, request=asked, body="Pretending to be the brand.")
    assert not LinePush.objects.exists()


def test_linking_line_from_the_chat(
    official, channel, solved, send_webhook, line_api, client, customer
):
    address = _link_from_chat(official, send_webhook, line_api, "link", "hello")
    assert line_user_id(customer) is None
    client.force_login(customer)
    client.post(address)
    assert line_user_id(customer) == USER_ID
    assert LineLink.objects.get().brand == official


def test_the_line_sign_in_links_line_too(customer):
    from allauth.socialaccount.models import SocialAccount

    SocialAccount.objects.create(user=customer, provider="line", uid="Ufromlinelogin")
    assert line_user_id(customer) == "Ufromlinelogin"


def test_the_chats_link_comes_before_the_sign_in(official, rival, customer):
    from allauth.socialaccount.models import SocialAccount

    SocialAccount.objects.create(user=customer, provider="line", uid="Ufromlinelogin")
    LineLink.objects.create(brand=official, user=customer, line_user_id="Ufromchat")
    assert line_user_id(customer, official) == "Ufromchat"
    assert line_user_id(customer, rival) == "Ufromchat"


def test_flow_urls_name_the_event_not_the_line_user(official, channel, solved, send_webhook):
    send_webhook(official, text_event("Z5 battery"))
    event = LineEvent.objects.get()
    assert USER_ID not in flow_url("ask", event)


def test_the_same_answer_sent_twice_pushes_once_and_an_empty_one_comes_back_filled_in(
    official, channel, client, customer, rep, line_api, committed
):
    from line.models import LinePush

    asked = _private_request(official, customer, "e-twice")
    client.force_login(rep)
    url = f"/b/{official.slug}/line/requests/{asked.pk}/reply/"
    page = client.get(f"/b/{official.slug}/line/requests/").content.decode()
    token = re.search(r'name="submission_token" value="([^"]+)"', page).group(1)
    sent = {"body": "It ships today.", "submission_token": token}
    with committed():
        assert client.post(url, sent).status_code == 302
        assert client.post(url, sent).status_code == 302  # a double click, a retry
    assert LinePush.objects.count() == 1
    assert len(line_api.pushes) == 1

    too_long = "Sorry for the wait. " * 201  # over the form's 4,000 characters
    refused = client.post(url, {"body": too_long, "submission_token": token})
    assert refused.status_code == 400
    assert refused.context["refused_form"].errors["body"]
    assert too_long.strip() in refused.content.decode()  # the rep's text is kept
    assert LinePush.objects.count() == 1
