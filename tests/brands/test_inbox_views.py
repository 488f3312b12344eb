"""Each team member adjusts their own inbox: the columns it shows (a fixed set) and named
filter combinations (saved views), kept per person and per brand."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from brands import services
from brands.models import InboxView
from tests.qa.factories import ThreadFactory

pytestmark = pytest.mark.django_db


def _inbox(brand, query: str = "") -> str:
    return reverse("brands:inbox", args=[brand.slug]) + (f"?{query}" if query else "")


def _text(response) -> str:
    return response.content.decode().replace("&#x27;", "'").replace("&quot;", '"')


def test_a_member_hides_and_shows_columns(login, official, rep, customer, z5):
    ThreadFactory(brand=official, author=customer, product=z5, title="Shutter sticks")
    client = login(rep)
    assert "inbox-column-product" in _text(client.get(_inbox(official)))
    assert "inbox-column-channel" not in _text(client.get(_inbox(official)))
    response = client.post(
        reverse("brands:inbox_columns", args=[official.slug]),
        {"columns": ["type", "customer", "channel"]},
    )
    assert response.status_code == 302
    page = _text(client.get(_inbox(official)))
    assert "inbox-column-product" not in page
    assert '<span class="inbox-column-channel">Web</span>' in page


def test_columns_are_each_persons_own(login, official, rep, second_rep, customer, z5):
    ThreadFactory(brand=official, author=customer, product=z5)
    services.inbox_columns_set(actor=rep, brand=official, columns=["type"])
    assert "inbox-column-product" in _text(login(second_rep).get(_inbox(official)))


def test_unknown_columns_are_refused(official, rep):
    with pytest.raises(ValidationError):
        services.inbox_columns_set(actor=rep, brand=official, columns=["salary"])
    assert not InboxView.objects.exists()


def test_a_saved_view_keeps_a_filter_combination_under_a_name(login, official, rep, customer, z5):
    ThreadFactory(brand=official, author=customer, product=z5, type="problem", title="Z5 fault")
    ThreadFactory(brand=official, author=customer, type="idea", title="An idea")
    client = login(rep)
    response = client.post(
        reverse("brands:inbox_view_save", args=[official.slug]),
        {"name": "Z5 problems", "tab": "unowned", "product": "z5", "type": "problem"},
    )
    view = InboxView.objects.get(name="Z5 problems")
    assert view.filters == {"tab": "unowned", "product": "z5", "type": "problem"}
    # Choosing it is going to its filters' address.
    opened = client.get(_inbox(official, f"view={view.pk}"))
    assert opened.status_code == 302
    assert opened["Location"].endswith("?tab=unowned&product=z5&type=problem")
    page = _text(client.get(opened["Location"]))
    assert "Z5 fault" in page and "An idea" not in page
    assert f'href="?view={view.pk}" aria-current="page">Z5 problems</a>' in page
    assert response.status_code == 302


def test_saving_the_same_name_replaces_and_a_view_can_be_deleted(login, official, rep):
    services.inbox_view_save(actor=rep, brand=official, name="Mine", filters={"tab": "mine"})
    services.inbox_view_save(
        actor=rep, brand=official, name="Mine", filters={"tab": "mine", "type": "idea"}
    )
    view = InboxView.objects.get(name="Mine")
    assert view.filters == {"tab": "mine", "type": "idea"}
    client = login(rep)
    client.post(reverse("brands:inbox_view_delete", args=[official.slug, view.pk]))
    assert not InboxView.objects.filter(name="Mine").exists()


def test_nobody_deletes_someone_elses_view(login, official, rep, second_rep):
    view = services.inbox_view_save(actor=rep, brand=official, name="Mine", filters={})
    response = login(second_rep).post(
        reverse("brands:inbox_view_delete", args=[official.slug, view.pk])
    )
    assert response.status_code == 404
    assert InboxView.objects.filter(pk=view.pk).exists()


def test_a_view_needs_a_name_and_there_are_at_most_twenty(official, rep):
    with pytest.raises(ValidationError):
        services.inbox_view_save(actor=rep, brand=official, name="  ", filters={})
    for n in range(20):
        services.inbox_view_save(actor=rep, brand=official, name=f"View {n}", filters={})
    with pytest.raises(ValidationError, match="delete one first"):
        services.inbox_view_save(actor=rep, brand=official, name="One more", filters={})


def test_customers_and_other_brands_have_no_inbox_views(official, customer, rival_rep):
    for person in (customer, rival_rep):
        with pytest.raises(PermissionDenied):
            services.inbox_view_save(actor=person, brand=official, name="Spy", filters={})


def test_the_inbox_costs_one_query_more_for_views_however_many(login, official, rep, customer):
    for n in range(3):
        ThreadFactory(brand=official, author=customer, title=f"Thread {n}")
    client = login(rep)
    client.get(_inbox(official))
    with CaptureQueriesContext(connection) as without_views:
        client.get(_inbox(official))
    services.inbox_columns_set(actor=rep, brand=official, columns=["type", "owner"])
    for n in range(5):
        services.inbox_view_save(actor=rep, brand=official, name=f"View {n}", filters={})
    with CaptureQueriesContext(connection) as with_views:
        assert "View 4" in _text(client.get(_inbox(official)))
    assert len(with_views.captured_queries) == len(without_views.captured_queries)
    assert len(with_views.captured_queries) == INBOX_QUERIES


# Session and user, the rep's roles, the brand, the member's columns and saved views (one
# query), the threads and their count, the tab counts, products, types, open cases, crisis
# marks, and the header's.
INBOX_QUERIES = 12
