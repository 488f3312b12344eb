"""A member deletes their account: confirmed with the password; their name disappears
everywhere (their posts stay under "a former member", or go too when they ask), their own
data is removed, and the search index and cached pages learn of it through their doors."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from brands import services as brand_services
from brands.models import CustomerNote
from cases import services as case_services
from cases.models import Case
from community import page_cache
from community.models import Notification, User
from privacy import services
from privacy.models import SocialAccount
from qa import services as qa_services
from qa.models import Answer, Thread
from search.models import IndexOutbox
from tests.community.factories import PASSWORD

pytestmark = pytest.mark.django_db


def _stamp(thread) -> str:
    return page_cache.lookup(page_cache._thread_version_key(thread.pk))[0]


def _erase(client, *, password=PASSWORD, remove_posts=False):
    form = {"password": password, "confirm": "on"}
    if remove_posts:
        form["remove_posts"] = "on"
    return client.post(reverse("privacy:erase"), form)


def test_a_wrong_password_erases_nothing(login, customer):
    response = _erase(login(customer), password="not my password")
    assert response.status_code == 400
    assert "That is not your password." in response.content.decode()
    customer.refresh_from_db()
    assert customer.is_active and customer.username == "hana"


def test_the_name_disappears_and_the_posts_stay_under_a_former_member(
    client, login, customer, customer_thread, other_customer, rep
):
    answer = qa_services.answer_create(
        author=customer, thread=customer_thread, body="Mine too; resetting helped."
    )
    mention = qa_services.answer_create(
        author=other_customer, thread=customer_thread, body="Thanks @hana, and Hana's tip works."
    )
    case = case_services.case_open(actor=rep, thread=customer_thread, body="Order number?")
    brand_services.customer_note_add(
        actor=rep, brand=customer_thread.brand, customer=customer, body="Called twice"
    )
    services.social_accounts_update(user=customer, accounts={"x": ("hana_cam", "public")})
    before = _stamp(customer_thread)
    pending = IndexOutbox.objects.filter(thread_id=customer_thread.pk).count()

    response = _erase(login(customer))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session  # signed out

    erased = User.objects.get(pk=customer.pk)
    assert not erased.is_active and not erased.has_usable_password()
    assert erased.email == "" and erased.display_name == "" and "hana" not in erased.username
    assert erased.public_name == "a former member"
    # The posts stay, under "a former member"; their name is gone from others' words too.
    page = client.get(customer_thread.get_absolute_url()).content.decode()
    assert customer_thread.title in page and "Mine too; resetting helped." in page
    assert "a former member" in page
    assert "Hana" not in page and "@hana" not in page
    mention.refresh_from_db()
    assert mention.body == "Thanks a former member, and a former member's tip works."
    assert Answer.objects.get(pk=answer.pk).visibility == "published"
    # Their own data is gone.
    assert not EmailAddress.objects.filter(user=erased).exists()
    assert not SocialAccount.objects.filter(user=erased).exists()
    assert not Notification.objects.filter(recipient=erased).exists()
    assert not Case.objects.filter(pk=case.pk).exists()
    assert not CustomerNote.objects.filter(customer=erased).exists()
    # The profile is gone and nobody can sign in as them.
    assert client.get(reverse("community:profile", args=["hana"])).status_code == 404
    assert not client.login(username="hana", password=PASSWORD)
    # Cached pages and the search index were told.
    assert _stamp(customer_thread) != before
    assert IndexOutbox.objects.filter(thread_id=customer_thread.pk).count() > pending


def test_asking_to_remove_the_posts_takes_them_down(
    client, login, customer, customer_thread, other_customer
):
    answered = qa_services.thread_create(
        author=other_customer,
        brand=customer_thread.brand,
        title="Battery drains overnight",
        body="Since the update, the battery is empty by morning.",
        type="problem",
    )
    mine = qa_services.answer_create(author=customer, thread=answered, body="Turn off Wi-Fi sync.")
    brand = customer_thread.brand
    brand.refresh_from_db()
    threads_before = brand.thread_count

    assert _erase(login(customer), remove_posts=True).status_code == 302

    customer_thread.refresh_from_db()
    assert customer_thread.visibility == "deleted" and customer_thread.body == ""
    mine.refresh_from_db()
    assert mine.visibility == "deleted" and mine.body == ""
    answered.refresh_from_db()
    assert answered.answer_count == 0 and answered.status == Thread.Status.OPEN
    brand.refresh_from_db()
    assert brand.thread_count == threads_before - 1
    assert client.get(customer_thread.get_absolute_url()).status_code == 404
    assert "Turn off Wi-Fi sync." not in client.get(answered.get_absolute_url()).content.decode()


def test_the_page_asks_for_the_password_and_states_the_policy(login, customer):
    page = login(customer).get(reverse("privacy:erase")).content.decode()
    assert 'name="password"' in page and 'name="remove_posts"' in page
    assert "a former member" in page


def test_the_guidelines_state_what_stays_when_a_member_leaves(client):
    from themes.models import GuidelinesPage
    from themes.services import site_pages_ensure

    # The data migration wrote it; a transactional test earlier on the worker may have
    # flushed the pages, and the site then makes them again from the same text.
    site_pages_ensure()
    page = GuidelinesPage.objects.get()
    assert "If you leave" in page.body and "a former member" in page.body
    assert "退会するとき" in page.body_ja


def test_a_name_others_share_stays_in_threads_the_person_never_joined(
    login, customer, other_customer, official
):
    elsewhere = qa_services.thread_create(
        author=other_customer,
        brand=official,
        title="Hana from support fixed my lens",
        body="Thanks to Hana at the service desk; mail hana@customers.example too.",
        type="praise",
    )
    _erase(login(customer))
    elsewhere.refresh_from_db()
    # Her username and e-mail address are hers alone and go everywhere; a first name that
    # other people share stays where she never wrote.
    assert elsewhere.title == "Hana from support fixed my lens"
    assert elsewhere.body == ("Thanks to Hana at the service desk; mail a former member too.")
