"""Product feedback's pages: who may see them (403 with the reason), wiring, forms that come
back with their errors, CSV without e-mail addresses, the thread page, query counts."""

import csv
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from brands.models import Membership
from feedback.models import FeedbackEmailOptOut, FeedbackItem, FeedbackLink
from feedback.services import items as services
from qa import services as qa_services
from tests.brands.factories import BrandFactory, ProductFactory
from tests.community.factories import UserFactory
from tests.qa.factories import AnswerFactory, ThreadFactory

pytestmark = pytest.mark.django_db

CROSS_BRAND = "You work for Kumo Mobile, not for Hoshino Camera"


def _text(response) -> str:
    return response.content.decode().replace("&#x27;", "'")


def _count_queries(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.fixture
def item(official, product_member, customer_thread):
    return services.feedback_item_create(
        actor=product_member, brand=official, title="E-12 cluster", threads=[customer_thread]
    )


def _team_urls(official, item):
    slug = official.slug
    return [
        reverse("feedback:board", args=[slug]),
        reverse("feedback:item", args=[slug, item.pk]),
        reverse("feedback:item_cohort", args=[slug, item.pk]),
        reverse("feedback:labels", args=[slug]),
        reverse("feedback:praise", args=[slug]),
        reverse("feedback:complaints", args=[slug]),
        reverse("brands:reports", args=[slug]),
    ]


# --- Who may see ----------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["rep", "brand_admin", "product_member", "staff"])
def test_the_team_and_staff_read_every_feedback_page(request, login, role, official, item):
    client = login(request.getfixturevalue(role))
    for url in _team_urls(official, item):
        assert client.get(url).status_code == 200, url


def test_customers_are_refused_with_the_reason(login, customer, official, item):
    client = login(customer)
    for url in _team_urls(official, item):
        response = client.get(url)
        assert response.status_code == 403, url
        assert "private to Hoshino Camera's team" in _text(response)


def test_other_brands_members_are_refused_and_told_why(login, rival_rep, official, item):
    client = login(rival_rep)
    for url in _team_urls(official, item):
        response = client.get(url)
        assert response.status_code == 403
        assert CROSS_BRAND in _text(response)
    response = client.post(
        reverse("feedback:item_status", args=[official.slug, item.pk]),
        {"status": "shipped"},
    )
    assert response.status_code == 403
    item.refresh_from_db()
    assert item.status == "new"


def test_anonymous_visitors_go_to_log_in(client, official, item):
    response = client.get(reverse("feedback:board", args=[official.slug]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_an_item_of_another_brand_is_404(login, rival_admin, rival, item):
    response = login(rival_admin).get(reverse("feedback:item", args=[rival.slug, item.pk]))
    assert response.status_code == 404


def test_only_admins_reach_the_integrations_page(login, official, brand_admin, rep, product_member):
    url = reverse("feedback:integrations", args=[official.slug])
    assert login(brand_admin).get(url).status_code == 200
    for member in (rep, product_member):
        response = login(member).get(url)
        assert response.status_code == 403
        assert "Only Hoshino Camera's admins manage its integrations" in _text(response)


# --- The board ------------------------------------------------------------------------------


def test_the_board_lists_items_with_people_and_links_to_them(login, product_member, official, item):
    page = _text(login(product_member).get(reverse("feedback:board", args=[official.slug])))
    assert f"#{item.pk} E-12 cluster" in page
    assert item.get_absolute_url() in page
    assert 'class="people-count">1<' in page


def test_the_team_nav_links_to_the_board_reports_praise_and_complaints(login, rep, official):
    page = _text(login(rep).get(reverse("brands:inbox", args=[official.slug])))
    for name in ("feedback:board", "brands:reports", "feedback:praise", "feedback:complaints"):
        assert reverse(name, args=[official.slug]) in page
    assert reverse("feedback:integrations", args=[official.slug]) not in page


def _board_with(brand, rep, n):
    product = ProductFactory(brand=brand)
    for i in range(n):
        thread = ThreadFactory(brand=brand, product=product)
        qa_services.thread_me_too_toggle(user=UserFactory(), thread=thread)
        item = services.feedback_item_create(
            actor=rep, brand=brand, title=f"Item {i}", threads=[thread]
        )
        if i % 2:
            services.feedback_status_set(actor=rep, item=item, status="under_review")


@pytest.mark.parametrize("sort", ["people", "growth", "status"])
def test_board_query_count_is_the_same_for_5_or_50_items(client, settings, sort):
    settings.SODAN_THREADS_PER_PAGE = 50
    counts = []
    for n in (5, 50):
        brand = BrandFactory()
        member = UserFactory()
        Membership.objects.create(brand=brand, user=member, role="product")
        _board_with(brand, member, n)
        client.force_login(member)
        url = reverse("feedback:board", args=[brand.slug]) + f"?sort={sort}"
        counts.append(_count_queries(client, url))
    assert counts[0] == counts[1]


def test_item_page_query_count_is_the_same_for_5_or_50_threads(client, settings):
    counts = []
    for n in (5, 50):
        brand = BrandFactory()
        member = UserFactory()
        Membership.objects.create(brand=brand, user=member, role="product")
        threads = [ThreadFactory(brand=brand, type="problem") for _ in range(n)]
        for thread in threads[:3]:
            qa_services.thread_me_too_toggle(user=UserFactory(), thread=thread, version="1.0")
        item = services.feedback_item_create(
            actor=member, brand=brand, title="Big", threads=threads
        )
        services.feedback_comment_add(actor=member, item=item, body="Looking at it")
        client.force_login(member)
        counts.append(_count_queries(client, item.get_absolute_url()))
    assert counts[0] == counts[1]


# --- Creating, linking, statuses ---------------------------------------------------------------


def test_a_new_item_form_comes_back_filled_in_with_the_error(login, rep, official):
    response = login(rep).post(
        reverse("feedback:item_create", args=[official.slug]),
        {"title": "Wi-Fi", "kind": "problem", "threads": "12, banana"},
    )
    assert response.status_code == 400
    page = _text(response)
    assert "“banana” is not a thread number" in page and 'value="Wi-Fi"' in page
    assert not FeedbackItem.objects.exists()


def test_linking_threads_by_number_and_address(login, rep, official, item, customer):
    first = ThreadFactory(brand=official, author=customer)
    second = ThreadFactory(brand=official, author=customer)
    response = login(rep).post(
        reverse("feedback:item_link", args=[official.slug, item.pk]),
        {"threads": f"#{first.pk}, http://testserver/t/{second.pk}/some-title/"},
    )
    assert response.status_code == 302
    assert set(item.links.values_list("thread_id", flat=True)) >= {first.pk, second.pk}


def test_linking_a_thread_of_another_item_shows_which_and_changes_nothing(
    login, rep, official, item, customer_thread
):
    other = services.feedback_item_create(actor=rep, brand=official, title="Other")
    response = login(rep).post(
        reverse("feedback:item_link", args=[official.slug, other.pk]),
        {"threads": str(customer_thread.pk)},
    )
    assert response.status_code == 400
    assert f"already linked to item #{item.pk}" in _text(response)
    assert FeedbackLink.objects.get(thread=customer_thread).item == item


def test_declining_without_a_reason_comes_back_with_the_error_beside_the_field(
    login, product_member, official, item
):
    response = login(product_member).post(
        reverse("feedback:item_status", args=[official.slug, item.pk]),
        {"status": "declined", "message": "kept"},
    )
    assert response.status_code == 400
    page = _text(response)
    assert re.search(r'id_reason_errors"><li>Say why', page)
    assert "kept" in page
    item.refresh_from_db()
    assert item.status == "new"


def test_shipping_from_the_item_page(login, product_member, official, item, committed):
    with committed():
        response = login(product_member).post(
            reverse("feedback:item_status", args=[official.slug, item.pk]),
            {"status": "shipped", "shipped_in": "2.3", "message": "Fixed, thanks!"},
        )
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.status, item.shipped_in, item.resolution) == ("shipped", "2.3", "Fixed, thanks!")


def test_a_merged_item_redirects_to_its_target(login, rep, official, item):
    target = services.feedback_item_create(actor=rep, brand=official, title="Target")
    response = login(rep).post(
        reverse("feedback:item_merge", args=[official.slug, item.pk]), {"target": target.pk}
    )
    assert response.status_code == 302
    response = login(rep).get(item.get_absolute_url())
    assert response.status_code == 302 and response["Location"] == target.get_absolute_url()


def test_comment_with_a_mention(login, product_member, rep, official, item, committed):
    with committed():
        response = login(product_member).post(
            reverse("feedback:item_comment", args=[official.slug, item.pk]),
            {"body": f"@{rep.username} this is the E-12 again"},
        )
    assert response.status_code == 302
    page = _text(login(rep).get(item.get_absolute_url()))
    assert "this is the E-12 again" in page
    notification = rep.notifications.get(kind="feedback_mention")
    response = login(rep).get(reverse("community:notification_open", args=[notification.pk]))
    assert response["Location"].startswith(item.get_absolute_url())


# --- The cohort CSV ---------------------------------------------------------------------------


def test_the_cohort_csv_has_versions_and_platforms_but_no_email(
    login, product_member, official, item, customer_thread, other_customer
):
    qa_services.thread_me_too_toggle(
        user=other_customer, thread=customer_thread, version="2.1.0", platform="=cmd|' /C calc'"
    )
    response = login(product_member).get(
        reverse("feedback:item_cohort", args=[official.slug, item.pk])
    )
    assert response["Content-Type"].startswith("text/csv")
    content = response.content.decode()
    assert "@" not in content.replace("'=cmd", "")
    assert other_customer.email not in content
    rows = list(csv.reader(io.StringIO(content)))
    assert rows[1][2] == other_customer.public_name
    assert rows[1][3] == "2.1.0"
    assert rows[1][4].startswith("'=")  # never a spreadsheet formula
    breakdown = login(product_member).get(
        reverse("feedback:item_cohort", args=[official.slug, item.pk]) + "?table=breakdown"
    )
    assert list(csv.reader(io.StringIO(breakdown.content.decode())))[1][0] == "2.1.0"


# --- The thread page --------------------------------------------------------------------------


def test_customers_see_the_public_status_never_the_internal_discussion(
    client, login, official, item, product_member, customer_thread, committed
):
    services.feedback_comment_add(
        actor=product_member, item=item, body="Internal: lens-motor-driver fault"
    )
    with committed():
        services.feedback_status_set(
            actor=product_member,
            item=item,
            status="shipped",
            shipped_in="2.3",
            message="Update to 2.3 and the error is gone.",
        )
    for reader in (client, login(UserFactory())):
        page = _text(reader.get(customer_thread.get_absolute_url()))
        assert "Fixed in version 2.3" in page
        assert "Update to 2.3 and the error is gone." in page
        assert "lens-motor-driver" not in page and "E-12 cluster" not in page
        assert "feedback-tools" not in page


def test_the_team_links_a_thread_from_its_page(login, rep, official, customer):
    thread = ThreadFactory(brand=official, author=customer, type="idea", title="Add RAW button")
    client = login(rep)
    page = _text(client.get(thread.get_absolute_url()))
    assert "feedback-tools" in page
    response = client.post(
        reverse("feedback:thread_item", args=[thread.pk]),
        {"new_title": "RAW toggle on Fn", "kind": "idea"},
    )
    assert response.status_code == 302
    item = FeedbackItem.objects.get(title="RAW toggle on Fn")
    assert item.links.get().thread == thread
    page = _text(client.get(thread.get_absolute_url()))
    assert "Passed on to the product team" in page and f"#{item.pk} RAW toggle on Fn" in page
    client.post(reverse("feedback:thread_unlink", args=[thread.pk]))
    assert not FeedbackLink.objects.filter(thread=thread).exists()


def test_customers_cannot_use_the_thread_tools(login, customer, customer_thread):
    response = login(customer).post(
        reverse("feedback:thread_item", args=[customer_thread.pk]), {"new_title": "Mine"}
    )
    assert response.status_code == 403
    assert not FeedbackItem.objects.exists()


def test_the_thread_page_adds_no_query_for_a_customer(client, settings, item, customer_thread):
    """The public status comes with the thread's own query."""
    settings.SODAN_PAGE_CACHE = False
    client.force_login(UserFactory())
    client.get(customer_thread.get_absolute_url())
    with CaptureQueriesContext(connection) as ctx:
        client.get(customer_thread.get_absolute_url())
    feedback_queries = [
        q["sql"]
        for q in ctx.captured_queries
        if "brands_feedback" in q["sql"] and 'FROM "qa_thread"' not in q["sql"]
    ]
    assert feedback_queries == []


@pytest.mark.parametrize("viewer", ["anonymous", "customer"])
def test_a_linked_thread_page_keeps_its_query_budget(client, settings, viewer, official, rep):
    settings.SODAN_PAGE_CACHE = False
    if viewer == "customer":
        client.force_login(UserFactory())
    counts = []
    for n in (5, 50):
        thread = ThreadFactory(brand=official)
        AnswerFactory.create_batch(n, thread=thread)
        services.feedback_item_create(actor=rep, brand=official, title="T", threads=[thread])
        counts.append(_count_queries(client, thread.get_absolute_url()))
    assert counts[0] == counts[1]
    assert counts[1] <= 10


# --- Praise and complaints ---------------------------------------------------------------------


def test_praise_gathers_praise_threads_and_thanked_team_answers(login, rep, official, customer):
    praise = ThreadFactory(brand=official, author=customer, type="praise", title="Eye-AF rocks")
    question = ThreadFactory(brand=official, author=customer, title="Sensor cleaning time?")
    answer = AnswerFactory(thread=question, author=rep, body="About three days.")
    qa_services.answer_accept(actor=customer, answer=answer)
    page = _text(login(rep).get(reverse("feedback:praise", args=[official.slug])))
    assert praise.get_absolute_url() in page
    assert answer.get_absolute_url() in page


def test_complaints_put_the_problem_with_most_people_first(login, rep, official, customer):
    small = ThreadFactory(brand=official, type="problem", title="Strap squeaks")
    big = ThreadFactory(brand=official, type="problem", title="Card errors")
    for _ in range(3):
        qa_services.thread_me_too_toggle(user=UserFactory(), thread=big)
    page = _text(login(rep).get(reverse("feedback:complaints", args=[official.slug])))
    assert page.index(big.title) < page.index(small.title)


# --- E-mail preference --------------------------------------------------------------------------


def test_a_person_turns_loop_closing_emails_off_and_on(login, customer):
    client = login(customer)
    url = reverse("feedback:email_settings")
    assert client.get(url).status_code == 200
    client.post(url, {})
    assert FeedbackEmailOptOut.objects.filter(user=customer).exists()
    client.post(url, {"emails": "on"})
    assert not FeedbackEmailOptOut.objects.filter(user=customer).exists()


def test_the_link_in_the_email_stops_them_without_logging_in(client, customer):
    url = reverse("feedback:email_stop", args=[services.opt_out_token(customer)])
    assert "Stop these e-mails" in _text(client.get(url))
    assert not FeedbackEmailOptOut.objects.exists()  # a GET (a link scanner) changes nothing
    client.post(url)
    assert FeedbackEmailOptOut.objects.filter(user=customer).exists()
    assert client.get(reverse("feedback:email_stop", args=["forged"])).status_code == 404


# --- "Me too" with a version and a platform ------------------------------------------------


def test_me_too_offers_version_and_platform_and_the_item_shows_the_cohort(
    login, official, item, customer_thread, other_customer, product_member
):
    client = login(other_customer)
    page = _text(client.get(customer_thread.get_absolute_url()))
    me_too_url = reverse("qa:me_too", args=[customer_thread.pk])
    assert f'hx-post="{me_too_url}"' in page
    assert "Add your version and platform" in page
    assert 'name="version"' in page and 'name="platform"' in page
    response = client.post(
        me_too_url, {"version": "2.1.0", "platform": "Android 16"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    fragment = _text(response)
    assert "Me too ✓" in fragment and 'name="version"' not in fragment
    # Pressing subscribes the person to the thread.
    assert customer_thread.subscriptions.filter(user=other_customer).exists()
    for _ in range(2):
        qa_services.thread_me_too_toggle(
            user=UserFactory(), thread=customer_thread, version="2.1.0", platform="Android 16"
        )
    qa_services.thread_me_too_toggle(user=UserFactory(), thread=customer_thread, version="2.2.0")
    page = _text(login(product_member).get(item.get_absolute_url()))
    assert "4 people said “me too”." in page
    assert "<td>2.1.0</td><td>Android 16</td><td>3</td>" in page
    assert "<td>2.2.0</td><td>not given</td><td>1</td>" in page
    assert page.index("<td>2.1.0</td>") < page.index("<td>2.2.0</td>")  # largest group first
