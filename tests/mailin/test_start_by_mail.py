"""A mail to a brand's address starts a thread only once its sender opens the link mailed
back, signed in with the account that holds that address."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from attachments.models import Attachment
from brands.models import Membership
from mailin.addresses import support_address
from mailin.models import BrandMailAlias, InboundMessage, MailThreadDraft
from qa.models import Thread
from tests.brands.factories import MembershipFactory
from tests.community.factories import UserFactory

pytestmark = pytest.mark.django_db

QUERIES_ADDRESSES_PAGE = 6  # as many for one address as for four
QUERIES_CONFIRM_PAGE = 4  # the draft and its brand, the reader, their address, the unread count


@pytest.fixture
def aoi(db):
    return UserFactory(username="aoi", email="aoi@example.jp")


def _link(message) -> str:
    return re.search(r"https://sodan\.example(/mail/confirm/\S+/)", message.body).group(1)


def _start(eml, receive, brand, sender="aoi@example.jp", **kwargs):
    mail.outbox.clear()
    return receive(eml("new_thread.eml", to=support_address(brand), sender=sender, **kwargs))


def test_a_mail_to_the_brand_is_held_until_confirmed(eml, receive, brand, aoi):
    inbound = _start(eml, receive, brand)

    assert inbound.status == InboundMessage.Status.HELD
    draft = MailThreadDraft.objects.get()
    assert (draft.brand, draft.sender, draft.title) == (brand, "aoi@example.jp", "充電できません")
    assert draft.body == "昨日からケーブルを挿しても充電が始まりません。"  # no signature
    assert not Thread.objects.filter(brand=brand).exists()  # nothing public
    [confirmation] = mail.outbox
    assert confirmation.to == ["aoi@example.jp"]
    assert "Nothing is public yet" in confirmation.body
    assert confirmation.extra_headers["Content-Language"] == "en"  # the member's language


def test_opening_the_link_signed_in_publishes_the_thread_with_its_image(
    client, eml, receive, brand, aoi
):
    _start(eml, receive, brand)
    link = _link(mail.outbox[0])
    client.force_login(aoi)

    assert client.get(link).status_code == 200
    response = client.post(link)

    thread = Thread.objects.get(brand=brand)
    assert response.status_code == 302
    assert response["Location"] == thread.get_absolute_url()
    assert (thread.author, thread.channel, thread.title) == (aoi, "email", "充電できません")
    assert Attachment.objects.get(thread=thread).alt_text == "The cable in the port, no light"
    assert InboundMessage.objects.get().status == InboundMessage.Status.POSTED
    # a second click goes to the thread, and publishes nothing more
    assert client.post(link)["Location"] == thread.get_absolute_url()
    assert Thread.objects.filter(brand=brand).count() == 1


def test_an_unknown_sender_is_sent_the_link_and_asked_to_sign_up(client, eml, receive, brand):
    _start(eml, receive, brand, sender="new.person@example.jp")
    link = _link(mail.outbox[0])

    # someone new is written to in the language of their mail
    assert mail.outbox[0].extra_headers["Content-Language"] == "ja"
    page = client.get(link)
    assert page.status_code == 200
    assert reverse("account_signup") in page.content.decode()
    assert client.post(link).status_code == 403
    assert not Thread.objects.filter(brand=brand).exists()


def test_another_account_cannot_publish_it(client, eml, receive, brand, aoi, other_customer):
    _start(eml, receive, brand)
    client.force_login(other_customer)

    response = client.post(_link(mail.outbox[0]))

    assert response.status_code == 403
    assert not Thread.objects.filter(brand=brand).exists()


def test_an_unconfirmed_address_cannot_publish_it(client, eml, receive, brand):
    member = UserFactory(email="aoi@example.jp", verified=False)
    _start(eml, receive, brand)
    client.force_login(member)

    assert client.post(_link(mail.outbox[0])).status_code == 403
    assert not Thread.objects.filter(brand=brand).exists()


def test_an_altered_link_does_not_work(client, eml, receive, brand, aoi):
    _start(eml, receive, brand)
    client.force_login(aoi)

    assert client.get(_link(mail.outbox[0])[:-3] + "xx/").status_code == 404


def test_an_unknown_brand_address_is_refused_without_a_word(eml, receive, brand, aoi):
    mail.outbox.clear()

    inbound = receive(
        eml("new_thread.eml", to="support+nobody@mail.sodan.example", sender=aoi.email)
    )

    assert inbound.reason == InboundMessage.Reason.UNKNOWN_BRAND
    assert mail.outbox == []


def test_new_threads_by_mail_are_limited_per_sender_address(eml, receive, brand, aoi, settings):
    settings.SODAN_RATE_LIMITS_ENABLED = True
    settings.SODAN_RATE_LIMITS = {**settings.SODAN_RATE_LIMITS, "mail_thread": (2, 3600)}

    results = [_start(eml, receive, brand, message_id=f"n{n}@example.jp") for n in range(3)]

    assert [r.status for r in results] == ["held", "held", "refused"]
    assert results[2].reason == InboundMessage.Reason.RATE_LIMITED
    assert MailThreadDraft.objects.count() == 2


def test_a_brand_admin_adds_an_address_that_starts_threads(client, eml, receive, brand, aoi):
    admin = UserFactory()
    MembershipFactory(user=admin, brand=brand, role=Membership.Role.ADMIN)
    client.force_login(admin)
    page = reverse("mailin:addresses", kwargs={"brand_slug": brand.slug})

    assert client.get(page).status_code == 200
    assert client.post(page, {"local_part": "Help-Desk"}).status_code == 302
    assert client.post(page, {"local_part": "postmaster"}).status_code == 400
    inbound = receive(eml("new_thread.eml", to="help-desk@mail.sodan.example", sender=aoi.email))

    assert BrandMailAlias.objects.get().local_part == "help-desk"
    assert inbound.status == InboundMessage.Status.HELD
    assert MailThreadDraft.objects.get().brand == brand


def test_only_the_brands_admins_manage_its_addresses(client, brand, customer):
    rep = UserFactory()
    MembershipFactory(user=rep, brand=brand, role=Membership.Role.REP)
    page = reverse("mailin:addresses", kwargs={"brand_slug": brand.slug})

    for person in (customer, rep):
        client.force_login(person)
        assert client.post(page, {"local_part": "help"}).status_code == 403
    assert not BrandMailAlias.objects.exists()


def test_the_addresses_page_costs_the_same_for_one_address_as_for_four(
    client, brand, django_assert_num_queries
):
    admin = UserFactory()
    MembershipFactory(user=admin, brand=brand, role=Membership.Role.ADMIN)
    client.force_login(admin)
    page = reverse("mailin:addresses", kwargs={"brand_slug": brand.slug})
    BrandMailAlias.objects.create(brand=brand, local_part="help")
    client.get(page)  # the session and the site's own rows are warm from here on

    with django_assert_num_queries(QUERIES_ADDRESSES_PAGE):
        assert client.get(page).status_code == 200
    for n in range(3):
        BrandMailAlias.objects.create(brand=brand, local_part=f"help{n}")
    with django_assert_num_queries(QUERIES_ADDRESSES_PAGE):
        assert client.get(page).status_code == 200


def test_the_confirmation_page_queries(client, eml, receive, brand, aoi, django_assert_num_queries):
    _start(eml, receive, brand)
    link = _link(mail.outbox[0])
    client.force_login(aoi)
    client.get(link)

    with django_assert_num_queries(QUERIES_CONFIRM_PAGE):
        assert client.get(link).status_code == 200
