"""What brands keep about me: the brands holding notes or private cases about the person,
each with its disclosure policy (written by the brand's admins); a disclosure request goes
to that brand's admins through the outbox, with a clock, and stays on their list until
answered."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from brands import services as brand_services
from brands.models import CustomerNote
from cases import services as case_services
from community.models import Notification
from outbox.models import Message
from privacy import services
from privacy.models import DisclosureRequest
from tests.brands.factories import BrandFactory
from tests.community.factories import UserFactory
from tests.qa.factories import ThreadFactory

pytestmark = pytest.mark.django_db

# The session, the member, the notes and the cases counted per brand, the brands, their
# policies, the person's requests: the same for one brand or many.
BRANDS_PAGE_QUERIES = 7
# The session, the member, the brand, the viewer's roles, the policy, the waiting and the
# answered requests, and the team menu: the same for one request or many.
DISCLOSURE_PAGE_QUERIES = 8


def test_the_page_lists_the_brands_that_keep_something_with_their_policy(
    login, customer, customer_thread, rep, brand_admin, rival
):
    official = customer_thread.brand
    brand_services.customer_note_add(actor=rep, brand=official, customer=customer, body="VIP")
    services.disclosure_policy_update(
        actor=brand_admin, brand=official, text="We keep hand-over notes for two years."
    )
    page = login(customer).get(reverse("privacy:brands_keep")).content.decode()
    assert official.name in page and "We keep hand-over notes for two years." in page
    assert "1 note" in page
    assert rival.name not in page  # keeps nothing about her
    assert "VIP" not in page  # the notes themselves are the brand's to disclose


def test_the_brands_page_costs_the_same_for_many_brands(login, customer, django_assert_num_queries):
    client = login(customer)
    url = reverse("privacy:brands_keep")
    for _ in range(3):
        brand = BrandFactory()
        thread = ThreadFactory(brand=brand, author=customer)
        CustomerNote.objects.create(brand=brand, customer=customer, body="n", thread=thread)
        services.disclosure_request_create(user=customer, brand=brand)
    client.get(url)
    with django_assert_num_queries(BRANDS_PAGE_QUERIES):
        response = client.get(url)
    assert response.content.decode().count('class="brand-keeping"') == 3


def test_a_request_tells_the_admins_with_a_clock_and_waits_until_answered(
    login, committed, customer, customer_thread, rep, brand_admin, settings
):
    settings.SODAN_DISCLOSURE_DUE_DAYS = 14
    official = customer_thread.brand
    case_services.case_open(actor=rep, thread=customer_thread, body="Your order?")
    with committed():
        response = login(customer).post(
            reverse("privacy:disclosure_request", args=[official.slug]),
            {"message": "What do you keep about me?"},
        )
    assert response.status_code == 302
    request = DisclosureRequest.objects.get()
    assert abs(request.due_at - (timezone.now() + dt.timedelta(days=14))) < dt.timedelta(minutes=1)
    assert Message.objects.filter(task="privacy.tasks.disclosure_request_notify").exists()
    (told,) = Notification.objects.filter(kind="disclosure_request")
    assert told.recipient == brand_admin  # the admins, not the reps
    # Asking again while it waits is refused.
    with pytest.raises(Exception, match="You asked Hoshino Camera already"):
        services.disclosure_request_create(user=customer, brand=official)

    url = reverse("privacy:disclosure_requests", args=[official.slug])
    page = login(brand_admin).get(url).content.decode()
    assert "What do you keep about me?" in page and "answer by" in page
    with committed():
        login(brand_admin).post(
            reverse("privacy:disclosure_answer", args=[official.slug, request.pk]),
            {"answer": "One private case about your order."},
        )
    request.refresh_from_db()
    assert request.answered_by == brand_admin
    assert "What do you keep about me?" not in login(brand_admin).get(url).content.decode()
    assert Notification.objects.filter(recipient=customer, kind="disclosure_answered").exists()
    page = login(customer).get(reverse("privacy:brands_keep")).content.decode()
    assert "One private case about your order." in page


def test_an_overdue_request_is_marked(login, customer, brand_admin, official):
    request = services.disclosure_request_create(user=customer, brand=official)
    DisclosureRequest.objects.filter(pk=request.pk).update(
        due_at=timezone.now() - dt.timedelta(days=1)
    )
    page = login(brand_admin).get(reverse("privacy:disclosure_requests", args=[official.slug]))
    assert "overdue since" in page.content.decode()


def test_only_the_brands_admins_manage_disclosure(login, official, rep, rival_admin, customer):
    url = reverse("privacy:disclosure_requests", args=[official.slug])
    for outsider in (rep, rival_admin, customer):
        response = login(outsider).get(url)
        assert response.status_code == 403
    with pytest.raises(PermissionDenied):
        services.disclosure_policy_update(actor=rep, brand=official, text="Nothing")
    request = services.disclosure_request_create(user=customer, brand=official)
    with pytest.raises(PermissionDenied):
        services.disclosure_request_answer(actor=rival_admin, request=request, answer="x")


def test_the_admins_page_costs_the_same_for_many_requests(
    login, official, brand_admin, django_assert_num_queries
):
    client = login(brand_admin)
    url = reverse("privacy:disclosure_requests", args=[official.slug])
    services.disclosure_request_create(user=UserFactory(), brand=official)
    client.get(url)
    for _ in range(4):
        services.disclosure_request_create(user=UserFactory(), brand=official)
    with django_assert_num_queries(DISCLOSURE_PAGE_QUERIES):
        client.get(url)
