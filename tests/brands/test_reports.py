"""A brand's reports page as its team reads it: waiting times (median and 90th percentile),
what each rep handled, the share answered within the target, threads over time, a chart
and a CSV per table, and the same number of queries for 5 threads or 50."""

import csv
import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from brands import services as brand_services
from brands.models import Brand, Membership
from feedback.services import items as feedback_services
from qa import services as qa_services
from qa.models import Answer, Thread
from tests.brands.factories import BrandFactory, ProductFactory
from tests.community.factories import UserFactory
from tests.qa.factories import ThreadFactory

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    return response.content.decode().replace("&#x27;", "'").replace("&quot;", '"')


def _csv(response) -> list[list[str]]:
    assert response["Content-Type"].startswith("text/csv")
    assert response.content.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def _answer(thread, author, *, after_hours: float) -> Answer:
    answer = qa_services.answer_create(author=author, thread=thread, body="Here is what to do.")
    Answer.objects.filter(pk=answer.pk).update(
        created_at=thread.created_at + timedelta(hours=after_hours)
    )
    return answer


def _thread(brand, author, *, type, product=None, hours_ago: float) -> Thread:
    thread = ThreadFactory(brand=brand, author=author, type=type, product=product)
    Thread.objects.filter(pk=thread.pk).update(
        created_at=timezone.now() - timedelta(hours=hours_ago)
    )
    thread.refresh_from_db()
    return thread


@pytest.fixture
def history(official, z5, rep, second_rep, brand_admin, customer, other_customer):
    """Four threads of the last few days, with answers at known moments.

    A: answered after 1 h, officially after 2 h, solved after 10 h.
    B: answered after 3 h, officially after 30 h (past the 24 h target), not solved.
    C: answered after 5 h by a customer only, 72 h old: past the target, unanswered officially.
    D: an hour old, nothing yet: still within its target, so not counted either way.
    """
    Brand.objects.filter(pk=official.pk).update(response_target_hours=24)
    official.refresh_from_db()
    a = _thread(official, customer, type="question", product=z5, hours_ago=72)
    b = _thread(official, customer, type="problem", product=z5, hours_ago=72)
    c = _thread(official, other_customer, type="problem", hours_ago=72)
    d = _thread(official, other_customer, type="idea", hours_ago=1)
    _answer(a, other_customer, after_hours=1)
    solution = _answer(a, rep, after_hours=2)
    qa_services.answer_accept(actor=customer, answer=solution)
    Answer.objects.filter(pk=solution.pk).update(accepted_at=a.created_at + timedelta(hours=10))
    _answer(b, other_customer, after_hours=3)
    _answer(b, rep, after_hours=30)
    _answer(c, customer, after_hours=5)
    brand_services.thread_take(actor=second_rep, thread=c)
    assert Answer.objects.filter(is_official=True).count() == 2
    return a, b, c, d


def _report_url(brand, **params) -> str:
    url = reverse("brands:reports", args=[brand.slug])
    if params:
        url += "?" + "&".join(f"{key}={value}" for key, value in params.items())
    return url


def test_waiting_times_show_the_median_and_90th_percentile(login, official, history, rep):
    client = login(rep)
    rows = _csv(client.get(_report_url(official, download="response_times")))
    assert rows[0] == [
        "Until",
        "Threads",
        "Median",
        "90th percentile",
        "Median (hours)",
        "90th percentile (hours)",
    ]
    # First answers after 1, 3 and 5 h; official ones after 2 and 30 h; one solution at 10 h.
    assert rows[1] == ["First answer", "3", "3.0 h", "4.6 h", "3.00", "4.60"]
    assert rows[2] == ["First official response", "2", "16.0 h", "27.2 h", "16.00", "27.20"]
    assert rows[3] == ["Solution (accepted answer)", "1", "10.0 h", "10.0 h", "10.00", "10.00"]
    page = _text(client.get(_report_url(official)))
    assert "<td>3.0 h</td><td>4.6 h</td>" in page


def test_an_endorsed_customer_answer_counts_as_the_official_response(
    login, official, rep, customer, other_customer
):
    thread = _thread(official, customer, type="question", hours_ago=50)
    helpful = _answer(thread, other_customer, after_hours=4)
    brand_services.answer_endorse(actor=rep, answer=helpful)
    Answer.objects.filter(pk=helpful.pk).update(endorsed_at=thread.created_at + timedelta(hours=6))
    rows = _csv(login(rep).get(_report_url(official, download="response_times")))
    assert rows[2][:3] == ["First official response", "1", "6.0 h"]


def test_the_share_answered_within_the_target(login, official, history, rep):
    client = login(rep)
    page = _text(client.get(_report_url(official)))
    # A within 24 h; B too late; C past 24 h with no official answer; D not yet due.
    assert "Answered officially within 24 h</dt><dd>33.3%</dd>" in page
    rows = _csv(client.get(_report_url(official, download="response_target")))
    assert rows[0] == ["Week of", "Within target", "Measured", "Share"]
    assert sum(int(row[1]) for row in rows[1:]) == 1
    assert sum(int(row[2]) for row in rows[1:]) == 3


def test_threads_before_the_brand_became_official_are_not_held_to_the_target(
    login, official, history, rep
):
    Brand.objects.filter(pk=official.pk).update(official_since=timezone.now())
    page = _text(login(rep).get(_report_url(official)))
    assert "Answered officially within 24 h</dt><dd>–</dd>" in page


def test_what_each_rep_handled(login, official, history, product_member):
    rows = _csv(login(product_member).get(_report_url(official, download="team")))
    assert rows[0] == [
        "Rep",
        "Threads handled",
        "Official answers",
        "Threads answered officially",
        "Threads taken",
        "Answers endorsed",
    ]
    assert rows[1:] == [
        ["Yuki", "2", "2", "2", "0", "0"],
        ["Aoi", "1", "0", "0", "1", "0"],
        ["Takeshi", "0", "0", "0", "0", "0"],
    ]


def test_threads_by_product_type_and_status(login, official, history, rep):
    client = login(rep)
    by_type = _csv(client.get(_report_url(official, download="threads_by_type")))
    header = by_type[0]
    assert header == ["Week of", "Question", "Problem", "Idea", "Praise", "Total"]
    totals = [sum(int(row[i]) for row in by_type[1:]) for i in range(1, 6)]
    assert totals == [1, 2, 1, 0, 4]
    assert len(by_type) == 1 + 12  # the default period: twelve weeks
    by_status = _csv(client.get(_report_url(official, download="threads_by_status")))
    status_totals = dict(
        zip(
            by_status[0][1:],
            [sum(int(r[i]) for r in by_status[1:]) for i in range(1, 5)],
            strict=True,
        )
    )
    assert status_totals == {"Open": 1, "Answered": 2, "Solved": 1, "Total": 4}
    by_product = _csv(client.get(_report_url(official, download="threads_by_product")))
    assert [(row[0], row[-1]) for row in by_product[1:]] == [("No product", "2"), ("Z5", "2")]


def test_each_table_has_a_chart_and_a_csv_link(login, official, history, rep):
    page = _text(login(rep).get(_report_url(official)))
    keys = [
        "threads_by_type",
        "threads_by_status",
        "threads_by_product",
        "response_times",
        "team",
        "response_target",
    ]
    for key in keys:
        assert f'aria-labelledby="chart-{key}-title"' in page, key
        assert f"?weeks=12&amp;row=type&amp;column=channel&amp;download={key}" in page, key
    # Bars carry their numbers for whoever points at them or reads them aloud.
    assert "<title>First answer · median: 3.0 h</title>" in page
    assert "<title>Yuki: 2</title>" in page
    # The longest wait is the longest bar; the others are drawn to scale.
    assert 'width="360.0" height="18" fill="#a5b4fc"><title>First official response · 90th' in page
    assert 'width="39.7" height="18" fill="#4f46e5"><title>First answer · median' in page


def test_the_period_is_chosen_and_bad_values_fall_back(login, official, history, rep):
    client = login(rep)
    rows = _csv(client.get(_report_url(official, weeks=4, download="threads_by_type")))
    assert len(rows) == 1 + 4
    rows = _csv(client.get(_report_url(official, weeks="banana", download="threads_by_type")))
    assert len(rows) == 1 + 12
    response = client.get(_report_url(official, weeks=4, download="threads_by_type"))
    assert response["Content-Disposition"] == (
        'attachment; filename="hoshino-camera-threads_by_type-4w.csv"'
    )


def test_an_unknown_table_is_404(login, official, rep):
    assert login(rep).get(_report_url(official, download="salaries")).status_code == 404


def test_a_name_never_becomes_a_spreadsheet_formula(login, official, rep, customer):
    Membership.objects.create(
        brand=official, user=UserFactory(display_name="=HYPERLINK(1)"), role="rep"
    )
    rows = _csv(login(rep).get(_report_url(official, download="team")))
    assert ["'=HYPERLINK(1)", "0", "0", "0", "0", "0"] in rows


def test_other_brands_reports_are_refused(login, official, rival_admin, customer):
    for person in (rival_admin, customer):
        response = login(person).get(_report_url(official, download="team"))
        assert response.status_code == 403


def _brand_with_history(n: int) -> tuple[Brand, object]:
    brand = BrandFactory(status=Brand.Status.OFFICIAL, official_since=timezone.now())
    reader = UserFactory()
    Membership.objects.create(brand=brand, user=reader, role="product")
    reps = [UserFactory(), UserFactory()]
    for person in reps:
        Membership.objects.create(brand=brand, user=person, role="rep")
    products = [ProductFactory(brand=brand), ProductFactory(brand=brand)]
    for i in range(n):
        asker = UserFactory()
        thread = ThreadFactory(
            brand=brand, author=asker, product=products[i % 2], type=["question", "problem"][i % 2]
        )
        rep = reps[i % 2]
        official = qa_services.answer_create(author=rep, thread=thread, body="Try this.")
        if i % 3 == 0:
            qa_services.answer_accept(actor=asker, answer=official)
        if i % 2:
            brand_services.thread_take(actor=rep, thread=thread)
            helpful = qa_services.answer_create(author=UserFactory(), thread=thread, body="Me:")
            brand_services.answer_endorse(actor=rep, answer=helpful)
        feedback_services.feedback_item_create(
            actor=reader, brand=brand, title=f"Item {i}", threads=[thread]
        )
    return brand, reader


def test_reports_query_count_is_the_same_for_5_or_50_threads(client):
    counts = []
    for n in (5, 50):
        brand, reader = _brand_with_history(n)
        client.force_login(reader)
        url = _report_url(brand)
        client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200
        assert f"<dd>{n}</dd>" in _text(response)  # new threads in the period
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]
