"""The removal request pages: the public form (no account, a rate limit), the moderators'
queue with its seven-day clock, the decision page, the poster's response page, and the
public transparency report with its figures and chart."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from legal import services
from legal.models import RemovalRequest
from legal.selectors import Period, transparency_figures
from tests.brands.factories import BrandFactory
from tests.qa.factories import ThreadFactory

pytestmark = pytest.mark.django_db

FILED = dt.datetime(2026, 4, 1, 9, 0, tzinfo=dt.UTC)


def _form(post, **overrides):
    return {
        "name": "Sato Ichiro",
        "email": "sato@example.jp",
        "post_url": f"http://testserver{post.get_absolute_url()}",
        "right": "defamation",
        "explanation": "It says I stole from the shop.",
    } | overrides


def _file(post, **overrides):
    data = _form(post, **overrides)
    return services.removal_request_file(requester=None, **data)


def test_a_visitor_without_an_account_files_a_request(client, thread, committed):
    page = client.get(reverse("legal:request"))
    assert page.status_code == 200
    with committed():
        response = client.post(reverse("legal:request"), _form(thread), follow=True)
    html = response.content.decode()
    request = RemovalRequest.objects.get()
    assert f"request number {request.pk}" in html
    assert request.thread == thread and request.requester is None
    assert any(m.to == ["sato@example.jp"] for m in mail.outbox)


def test_the_form_keeps_what_was_typed_when_the_address_names_no_post(client, thread):
    response = client.post(reverse("legal:request"), _form(thread, post_url="/t/999999/"))
    assert response.status_code == 200
    assert "No post found at that address" in response.content.decode()
    assert "It says I stole from the shop." in response.content.decode()
    assert not RemovalRequest.objects.exists()


def test_the_form_is_rate_limited_per_address(client, thread, settings):
    settings.SODAN_RATE_LIMITS_ENABLED = True
    settings.SODAN_RATE_LIMITS = {**settings.SODAN_RATE_LIMITS, "removal_request": (2, 86400)}
    for _n in range(2):
        assert client.post(reverse("legal:request"), _form(thread)).status_code == 302
    refused = client.post(reverse("legal:request"), _form(thread))
    assert refused.status_code == 429
    assert "try again" in refused.content.decode()
    assert RemovalRequest.objects.count() == 2


def test_the_queue_lists_the_request_due_first_first_and_marks_the_overdue(
    login, thread, brand, moderator, django_assert_num_queries
):
    other = ThreadFactory(brand=brand, title="Second thread")
    with time_machine.travel(FILED, tick=False):
        older = _file(thread)
    with time_machine.travel(FILED + dt.timedelta(days=3), tick=False):
        newer = _file(other)
    client = login(moderator)
    with time_machine.travel(FILED + dt.timedelta(days=7, hours=1), tick=False):
        client.get(reverse("legal:queue"))  # warm the session and the viewer's facts
        with django_assert_num_queries(6):
            html = client.get(reverse("legal:queue")).content.decode()
    assert html.index(reverse("legal:decide", args=[older.pk])) < html.index(
        reverse("legal:decide", args=[newer.pk])
    )
    assert html.count("queue-item-overdue") == 1
    assert "Overdue" in html


def test_the_brands_people_see_no_request_queue_and_cannot_decide(
    login, thread, brand_rep, brand_moderator
):
    request = _file(thread)
    assert login(brand_rep).get(reverse("legal:queue")).status_code == 403
    assert login(brand_rep).get(reverse("legal:decide", args=[request.pk])).status_code == 403
    # A moderator of another brand sees the queue, without this brand's requests.
    other_brand_mod = brand_moderator
    other_brand_mod.moderator_appointments.update(brand=BrandFactory(slug="elsewhere"))
    html = login(other_brand_mod).get(reverse("legal:queue")).content.decode()
    assert reverse("legal:decide", args=[request.pk]) not in html


def test_a_moderator_decides_on_the_page(login, thread, moderator, committed):
    request = _file(thread)
    client = login(moderator)
    page = client.get(reverse("legal:decide", args=[request.pk])).content.decode()
    assert "Sato Ichiro" in page and "It says I stole from the shop." in page
    with committed():
        response = client.post(
            reverse("legal:decide", args=[request.pk]),
            {"decision": "keep", "reason": "Opinion about service, not a fact."},
        )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.decision == "keep"
    [decided] = [m for m in mail.outbox if "Kept" in m.subject]
    assert "Opinion about service" in decided.body


def test_the_poster_reads_the_request_and_responds(login, thread, customer, other_customer):
    request = _file(thread)
    url = reverse("legal:respond", args=[request.pk])
    assert login(other_customer).get(url).status_code == 403
    client = login(customer)
    page = client.get(url).content.decode()
    assert "It says I stole from the shop." in page
    assert "Sato" not in page and "sato@example.jp" not in page
    client.post(url, {"message": "I only said the shop was slow."})
    request.refresh_from_db()
    assert request.poster_response == "I only said the shop was slow."


def test_the_transparency_figures_count_requests_decisions_and_times(thread, answer, moderator):
    with time_machine.travel(FILED, tick=False):
        in_time = _file(thread)
        late = _file(answer)
        pending = _file(answer, right="copyright")
    with time_machine.travel(FILED + dt.timedelta(days=2), tick=False):
        services.removal_request_decide(
            moderator=moderator, request=in_time, decision="keep", reason="Fair."
        )
    with time_machine.travel(FILED + dt.timedelta(days=9), tick=False):
        services.removal_request_decide(
            moderator=moderator, request=late, decision="remove", reason="Privacy."
        )
    with time_machine.travel(FILED + dt.timedelta(days=100), tick=False):
        _file(thread)  # another quarter
    figures = transparency_figures(Period(2026, 2))
    assert (figures.received, figures.decided, figures.pending) == (3, 2, 1)
    assert (figures.in_time, figures.late) == (1, 1)
    assert (figures.median_days, figures.mean_days, figures.longest_days) == (5.5, 5.5, 9.0)
    assert dict(figures.by_right)["Copyright (my work is used without permission)"] == 1
    assert dict(figures.by_decision) == {"Removed": 1, "Kept": 1, "Partly removed": 0}
    april = figures.months[0]
    assert (april["month"], april["keep"], april["remove"], april["pending"]) == (4, 1, 1, 1)
    assert transparency_figures(Period(2026)).received == 4
    assert pending.decided_at is None


def test_the_transparency_page_is_public_with_a_chart_and_its_query_count(
    client, thread, django_assert_num_queries
):
    with time_machine.travel(FILED, tick=False):
        _file(thread)
    with time_machine.travel(FILED + dt.timedelta(days=30), tick=False):
        client.get(reverse("legal:transparency"))
        with django_assert_num_queries(2):
            response = client.get(reverse("legal:transparency"), {"period": "2026-Q2"})
    html = response.content.decode()
    assert response.status_code == 200
    assert '<td data-figure="received">1</td>' in html
    assert "<svg" in html and "2026-04" in html
    assert 'value="2026-Q2" selected' in html


def test_a_period_is_a_year_or_a_quarter(settings):
    settings.TIME_ZONE = "Asia/Tokyo"
    tokyo = ZoneInfo("Asia/Tokyo")  # the site's time zone (settings.TIME_ZONE)
    assert Period.parse("2026-Q3").start == dt.datetime(2026, 7, 1, tzinfo=tokyo)
    assert Period.parse("2026-Q4").end == dt.datetime(2027, 1, 1, tzinfo=tokyo)
    assert Period.parse("2025").months()[-1] == (2025, 12)
    assert Period.parse("junk", now=FILED) == Period(2026)


def _criteria_page_from_the_migration():
    """The data migration's own function, run on the site as it is (an earlier
    transactional test may have flushed what the migration wrote)."""
    import importlib

    from django.apps import apps

    from legal.models import RemovalCriteriaPage
    from themes.services import site_pages_ensure

    site_pages_ensure()
    RemovalCriteriaPage.objects.all().delete()
    migration = importlib.import_module("legal.migrations.0002_removal_criteria_page")
    migration.create_page(apps, None)


def test_the_removal_criteria_page_is_published_in_both_languages(client):
    _criteria_page_from_the_migration()
    response = client.get("/removal-criteria/")
    assert response.status_code == 200
    assert "seven days" in response.content.decode()
    japanese = client.get("/removal-criteria/", HTTP_ACCEPT_LANGUAGE="ja")
    assert "7日以内" in japanese.content.decode()
    assert "/removal-criteria/" in client.get(reverse("legal:request")).content.decode()


def test_the_criteria_page_is_made_again_on_a_site_without_it(client):
    from legal.models import RemovalCriteriaPage
    from themes.services import site_pages_ensure

    site_pages_ensure()
    RemovalCriteriaPage.objects.all().delete()
    services.removal_criteria_page_ensure()
    services.removal_criteria_page_ensure()
    assert RemovalCriteriaPage.objects.count() == 1
    assert client.get("/removal-criteria/").status_code == 200
