"""The executive's part of a brand's reports: counts and waits per channel, type, product,
release and label; handling time from the first official response to the solution;
deflection with the brand's cost per contact; a cross-tab of any two dimensions with its
chart, in English and in Japanese; the channel a thread came from; the page's queries."""

import csv
import io
import time
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from brands import reports
from brands import services as brand_services
from brands.models import ProductVersion, ReportSettings
from feedback.models import FeedbackLabel, ThreadLabel
from qa import services as qa_services
from qa import view_counts
from qa.models import Answer, Thread
from tests.api.conftest import Api, token_for
from tests.qa.factories import ThreadFactory

pytestmark = pytest.mark.django_db


def _csv(response) -> list[list[str]]:
    assert response.content.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def _text(response) -> str:
    return response.content.decode().replace("&#x27;", "'").replace("&quot;", '"')


def _url(brand, **params) -> str:
    url = reverse("brands:reports", args=[brand.slug])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


def _thread(brand, author, *, hours_ago, **fields) -> Thread:
    thread = ThreadFactory(brand=brand, author=author, **fields)
    Thread.objects.filter(pk=thread.pk).update(
        created_at=timezone.now() - timedelta(hours=hours_ago)
    )
    thread.refresh_from_db()
    return thread


def _answer(thread, author, *, after_hours) -> Answer:
    answer = qa_services.answer_create(author=author, thread=thread, body="Here is what to do.")
    Answer.objects.filter(pk=answer.pk).update(
        created_at=thread.created_at + timedelta(hours=after_hours)
    )
    return answer


def _solve(thread, answer, *, after_hours) -> None:
    qa_services.answer_accept(actor=thread.author, answer=answer)
    Answer.objects.filter(pk=answer.pk).update(
        accepted_at=thread.created_at + timedelta(hours=after_hours)
    )


@pytest.fixture
def history(official, z5, rep, customer, other_customer):
    """Four threads of the last days.

    A (web, question, Z5 2.1, label 電池): official answer after 2 h, solved after 12 h;
      300 views.
    B (API, problem, Z5): official answer after 4 h, solved after 6 h; 100 views.
    C (web, problem): a customer's answer solves it after 5 h, no brand; 1,000 views.
    D (LINE, idea): nothing yet.
    """
    release = ProductVersion.objects.create(
        product=z5, name="2.1", released_at=timezone.now() - timedelta(days=40)
    )
    a = _thread(official, customer, hours_ago=70, type="question", product=z5, version=release)
    b = _thread(official, customer, hours_ago=60, type="problem", product=z5, channel="api")
    c = _thread(official, other_customer, hours_ago=50, type="problem")
    d = _thread(official, other_customer, hours_ago=2, type="idea", channel="line")
    _solve(a, _answer(a, rep, after_hours=2), after_hours=12)
    _solve(b, _answer(b, rep, after_hours=4), after_hours=6)
    _solve(c, _answer(c, customer, after_hours=1), after_hours=5)
    label = FeedbackLabel.objects.create(brand=official, name="電池")
    ThreadLabel.objects.create(thread=a, label=label)
    for thread, views in ((a, 300), (b, 100), (c, 1000)):
        Thread.objects.filter(pk=thread.pk).update(view_count=views)
    return a, b, c, d


# --- Where threads come from -----------------------------------------------------------------


def test_the_web_form_and_the_api_set_the_channel(login, customer, official):
    login(customer).post(
        reverse("qa:ask", args=[official.slug]),
        {"type": "question", "title": "Strap size?", "body": "Which strap fits?"},
    )
    api = Api()
    response = api(
        "POST",
        f"/api/v1/brands/{official.slug}/threads/",
        token=token_for(customer),
        data={"title": "Battery drains", "body": "From the helpdesk app."},
    )
    assert response.status_code == 201, response.content
    channels = dict(Thread.objects.values_list("title", "channel"))
    assert channels == {"Strap size?": "web", "Battery drains": "api"}


def test_an_unknown_channel_is_refused(customer, official):
    with pytest.raises(Exception, match="Unknown channel"):
        qa_services.thread_create(
            author=customer, brand=official, title="Hello", body="There", channel="fax"
        )


# --- Counts and waits per dimension ----------------------------------------------------------


def test_counts_and_waits_per_channel(login, official, history, rep):
    rows = _csv(login(rep).get(_url(official, download="by_channel")))
    assert rows[0][:6] == [
        "Channel",
        "Threads",
        "Answered officially",
        "Solved",
        "Median wait for an official response",
        "90th percentile",
    ]
    by_name = {row[0]: row for row in rows[1:]}
    assert by_name["Web"][1:4] == ["2", "1", "2"]
    assert by_name["API"][1:5] == ["1", "1", "1", "4.0 h"]
    assert by_name["LINE"][1:4] == ["1", "0", "0"]
    assert by_name["E-mail"][1:4] == ["0", "0", "0"]  # every channel, even an empty one


def test_counts_per_type_product_release_and_label(login, official, history, rep):
    client = login(rep)
    by_type = {r[0]: r[1] for r in _csv(client.get(_url(official, download="by_type")))[1:]}
    assert by_type == {"Problem": "2", "Question": "1", "Idea": "1"}
    by_product = {r[0]: r[1] for r in _csv(client.get(_url(official, download="by_product")))[1:]}
    assert by_product == {"Z5": "2", "No product": "2"}
    by_release = {r[0]: r[1] for r in _csv(client.get(_url(official, download="by_release")))[1:]}
    assert by_release == {"No release": "3", "Z5 2.1": "1"}
    by_label = {r[0]: r[1] for r in _csv(client.get(_url(official, download="by_label")))[1:]}
    assert by_label == {"No label": "3", "電池": "1"}


def test_handling_time_from_first_official_response_to_solution(login, official, history, rep):
    rows = _csv(login(rep).get(_url(official, download="handling_time")))
    # A: 2 h → 12 h = 10 h; B: 4 h → 6 h = 2 h. C had no official response.
    assert rows[1][:4] == ["All threads", "2", "6.0 h", "9.2 h"]
    assert rows[1][4:] == ["6.00", "9.20"]


def test_deflection_counts_views_of_solved_threads_at_the_brands_cost(
    login, official, history, rep, brand_admin
):
    brand_services.report_settings_set(
        actor=brand_admin, brand=official, cost_per_contact=Decimal(1200)
    )
    rows = _csv(login(rep).get(_url(official, download="deflection")))
    assert rows[0][-1] == "Saving at ¥1,200 a contact"
    assert rows[1] == ["Solved by customers alone", "1", "1000", "1000", "¥1,200,000"]
    assert rows[2] == ["Solved with the brand", "2", "400", "400", "¥480,000"]
    assert rows[3] == ["All solved threads", "3", "1400", "1400", "¥1,680,000"]


def test_only_admins_set_the_cost_per_contact(login, official, rep, brand_admin):
    url = reverse("brands:report_settings", args=[official.slug])
    assert login(rep).post(url, {"cost_per_contact": "900"}).status_code == 403
    assert login(brand_admin).post(url, {"cost_per_contact": "-5"}).status_code == 400
    assert not ReportSettings.objects.exists()
    assert login(brand_admin).post(url, {"cost_per_contact": "900"}).status_code == 302
    assert ReportSettings.objects.get(brand=official).cost_per_contact == 900


# --- The cross-tab ----------------------------------------------------------------------------


def test_a_crosstab_of_any_two_dimensions(login, official, history, rep):
    client = login(rep)
    rows = _csv(client.get(_url(official, row="channel", column="solved_by", download="crosstab")))
    assert rows[0][0] == "Channel \\ Solved by"
    header = rows[0]
    table = {row[0]: dict(zip(header[1:], row[1:], strict=True)) for row in rows[1:]}
    assert table["Web"]["With the brand"] == "1" and table["Web"]["Customers alone"] == "1"
    assert table["API"]["With the brand"] == "1"
    assert table["LINE"]["Not solved"] == "1"
    assert table["Total"]["Total"] == "4"
    # The same dimension twice, or an unknown one, falls back to type × channel.
    fallback = _csv(client.get(_url(official, row="type", column="type", download="crosstab")))
    assert fallback[0][0] == "Thread type \\ Channel"


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("en", ["Threads by status and channel", "Cross-tab rows", "Deflection"]),
        ("ja", ['lang="ja"']),
    ],
)
def test_the_reports_page_renders_the_new_tables_and_a_crosstab_chart(
    login, official, history, rep, language, words
):
    client = login(rep)
    with translation.override(language):
        response = client.get(
            _url(official, row="status", column="channel"), HTTP_ACCEPT_LANGUAGE=language
        )
    assert response.status_code == 200
    page = _text(response)
    for word in words:
        assert word in page, word
    for key in ("by_channel", "by_label", "handling_time", "deflection", "crosstab"):
        assert f'id="{key}"' in page, key
        assert f'aria-labelledby="chart-{key}-title"' in page, key
    assert "電池" in page
    # The cross-tab's chart stacks one colour per channel, with a legend.
    assert 'class="chart-legend"' in page.split('id="crosstab"')[1]
    with translation.override("ja"):
        expected = str(translation.gettext("Channel"))
    if language == "ja" and expected != "Channel":
        assert expected in page


def test_the_reports_page_costs_the_same_queries_for_more_threads(
    login, official, history, rep, customer
):
    client = login(rep)
    client.get(_url(official))
    with CaptureQueriesContext(connection) as first:
        assert client.get(_url(official)).status_code == 200
    for _n in range(5):
        _thread(official, customer, hours_ago=3, channel="email")
    with CaptureQueriesContext(connection) as second:
        assert client.get(_url(official)).status_code == 200
    assert len(first.captured_queries) == len(second.captured_queries)
    assert len(first.captured_queries) == REPORT_PAGE_QUERIES


# The page's own (session and user, the rep's roles, the brand, its products for the team's
# navigation) and the report's: one grouped query or row list per table source, whatever
# the number of threads (weekly counts, waits, the team's, approvals, thread rows, labels,
# cost per contact, department requests).
REPORT_PAGE_QUERIES = 20


# --- Views of threads --------------------------------------------------------------------------


def test_thread_page_views_are_tallied_and_added(client, thread):
    for _n in range(3):
        assert client.get(thread.get_absolute_url()).status_code == 200
    assert view_counts.pending().get(thread.pk) == 3
    assert view_counts.flush() == 3
    thread.refresh_from_db()
    assert thread.view_count == 3
    assert view_counts.pending() == {}


def test_a_view_recorded_when_the_flush_is_due_adds_the_tally(client, thread, settings):
    view_counts._last_flush = time.monotonic()
    settings.SODAN_VIEW_COUNT_FLUSH_SECONDS = 60
    assert client.get(thread.get_absolute_url()).status_code == 200
    thread.refresh_from_db()
    assert thread.view_count == 0  # not due yet: tallied in memory
    view_counts._last_flush -= 61
    assert client.get(thread.get_absolute_url()).status_code == 200
    thread.refresh_from_db()
    assert thread.view_count == 2
    assert view_counts.pending() == {}


def test_a_minute_of_views_over_many_threads_is_added_in_a_few_statements(thread, monkeypatch):
    """A popular site's minute touches thousands of threads: the flush writes them a batch
    per statement, not one UPDATE per thread (which held a busy worker for seconds)."""
    others = ThreadFactory.create_batch(4, brand=thread.brand)
    tally = {thread.pk: 5, **{other.pk: n + 1 for n, other in enumerate(others)}}
    for thread_id, views in tally.items():
        for _n in range(views):
            view_counts.record(thread_id)
    view_counts.record(10**9)  # a thread deleted since: nothing to add to, nothing fails
    monkeypatch.setattr(view_counts, "FLUSH_BATCH", 2)
    with CaptureQueriesContext(connection) as queries:
        assert view_counts.flush() == sum(tally.values()) + 1
    updates = [q["sql"] for q in queries.captured_queries if "UPDATE" in q["sql"]]
    assert len(updates) == 3  # six threads, two per statement
    counts = dict(Thread.objects.filter(pk__in=tally).values_list("pk", "view_count"))
    assert counts == tally
    assert view_counts.pending() == {}


def test_a_report_for_a_period_counts_from_its_start(official, history):
    start = timezone.now() - timedelta(hours=55)
    report = reports.brand_report(brand=official, start=start, now=timezone.now())
    by_type = report.table("by_type")
    assert {row[0]: row[1] for row in by_type.rows} == {"Problem": 1, "Idea": 1}
