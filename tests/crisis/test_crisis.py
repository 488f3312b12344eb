"""Crisis detection: keywords found in any spelling of their words, with severities; a surge
of complaints about one release raises an alert without a keyword; alerts reach the team,
the brand's Slack (a real HTTP server here) and, when nobody acknowledges them in time,
the brand's admins; crisis threads come first in the rep inbox, marked in words."""

from __future__ import annotations

import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from brands.models import ProductVersion
from community.models import Notification
from moderation import crisis_match, services
from moderation import tasks as moderation_tasks
from moderation.models import AuditLogEntry, CrisisAlert, Flag
from moderation.services import crisis as crisis_services
from moderation.services.crisis_surge import surge_measure
from outbox.models import Message
from qa import services as qa_services
from qa.models import MeToo, Thread
from tests.community.factories import UserFactory
from tests.qa.factories import ThreadFactory

pytestmark = pytest.mark.django_db


def _found(phrase: str, text: str) -> bool:
    return crisis_match.matching([(phrase, crisis_match.literal_form(phrase))], text) == [phrase]


# --- Matching: each rule, in Japanese and in English --------------------------------------


@pytest.mark.parametrize(
    ("keyword", "post"),
    [
        ("できない", "充電出来ません"),  # kana and kanji, plain and polite
        ("出来ない", "急に充電できなかった"),  # the past tense of the negation
        ("出来ません", "電源が入らず、充電もできない"),
        ("発火", "バッテリーが発火した"),  # a noun inside a verb phrase, no spaces
        ("燃える", "本体が燃えた"),  # the dictionary form finds the past
    ],
)
def test_japanese_keywords_match_every_spelling_of_their_words(keyword, post):
    assert _found(keyword, post)


@pytest.mark.parametrize(
    ("keyword", "post"),
    [
        ("出来ない", "充電できる"),  # the negation is part of the keyword
        ("発火", "初めての発売日"),
        ("充電できない", "できない充電"),  # the words in their order, next to each other
    ],
)
def test_japanese_keywords_do_not_match_other_words(keyword, post):
    assert not _found(keyword, post)


@pytest.mark.parametrize(
    ("keyword", "post"),
    [
        ("battery fire", "Two BATTERIES fired up overnight"),  # lower-cased stems
        ("catch fire", "the charger is catching fire"),
        ("recall", "Is there a ＲＥＣＡＬＬ?"),  # width and case, literally
        ("sos", "ＳＯＳ"),
    ],
)
def test_english_keywords_match_on_lowercased_stems_and_literally(keyword, post):
    assert _found(keyword, post)


def test_english_keywords_do_not_match_other_words():
    assert not _found("battery fire", "the battery is fine, no fire alarm")
    assert not _found("recall", "I can't remember")


def test_a_keyword_written_one_way_finds_a_post_written_another(
    official, brand_admin, moderator, customer, committed
):
    services.crisis_keyword_add(actor=brand_admin, brand=official, phrase="出来ない")
    with committed():
        thread = qa_services.thread_create(
            author=customer, brand=official, title="充電出来ません", body="朝から全く"
        )
    assert Flag.objects.get(thread=thread, reason="crisis").note == "出来ない"
    alert = CrisisAlert.objects.get()
    assert (alert.cause, alert.severity, list(alert.threads.all())) == (
        "keyword",
        "high",
        [thread],
    )
    assert set(Notification.objects.values_list("recipient__username", flat=True)) == {
        "takeshi",
        "mod",
    }


# --- Severities -------------------------------------------------------------------------------


def test_the_highest_severity_among_the_keywords_found_is_the_alerts(
    official, brand_admin, customer, committed
):
    services.crisis_keyword_add(actor=brand_admin, brand=official, phrase="熱い", severity="low")
    services.crisis_keyword_add(
        actor=brand_admin, brand=official, phrase="発火", severity="critical"
    )
    with committed():
        qa_services.thread_create(
            author=customer, brand=official, title="熱いし発火しそう", body="怖いです"
        )
    assert CrisisAlert.objects.get().severity == "critical"


def test_a_low_alert_reaches_the_team_and_moderators_but_not_the_admins(
    official, brand_admin, rep, moderator, customer, committed
):
    services.crisis_keyword_add(actor=brand_admin, brand=official, phrase="熱い", severity="low")
    with committed():
        qa_services.thread_create(author=customer, brand=official, title="少し熱い", body="本体")
    assert set(Notification.objects.values_list("recipient__username", flat=True)) == {
        "yuki",
        "mod",
    }


def test_a_keyword_needs_a_known_severity(official, brand_admin):
    with pytest.raises(ValidationError):
        services.crisis_keyword_add(
            actor=brand_admin, brand=official, phrase="煙", severity="apocalyptic"
        )


# --- Surges -----------------------------------------------------------------------------------


@pytest.fixture
def release(z5):
    return ProductVersion.objects.create(product=z5, name="2.1", released_at=timezone.now())


@pytest.fixture
def older_release(z5):
    return ProductVersion.objects.create(
        product=z5, name="2.0", released_at=timezone.now() - timedelta(days=90)
    )


def _baseline(official, z5, version, *, per_day: int, now) -> None:
    """A normal fortnight: `per_day` problem threads a day about the product."""
    for day in range(1, 15):
        for n in range(per_day):
            thread = ThreadFactory(brand=official, product=z5, version=version, type="problem")
            Thread.objects.filter(pk=thread.pk).update(
                created_at=now - timedelta(days=day, hours=n * 3)
            )


def _wave(official, z5, release, *, people: int) -> list[Thread]:
    """Customers each post a problem about the release, as they would from the ask form."""
    return [
        qa_services.thread_create(
            author=UserFactory(),
            brand=official,
            product=z5,
            version=release,
            type=Thread.Type.PROBLEM,
            title=f"2.1にしてから電源が落ちる ({n})",
            body="アップデート後、すぐに電源が落ちます。",
        )
        for n in range(people)
    ]


def test_two_posts_about_a_quiet_product_are_no_surge(official, z5, release, committed):
    with committed():
        _wave(official, z5, release, people=2)
    assert not CrisisAlert.objects.exists()


def test_the_usual_number_of_complaints_is_no_surge(
    settings, official, z5, release, older_release, committed
):
    """A busy product: three to five complaints an hour is its normal."""
    settings.SODAN_CRISIS_SURGE_FLOOR = 3
    settings.SODAN_CRISIS_BASELINE_DAYS = 2
    now = timezone.now()
    for hour in range(1, 2 * 24):
        for n in range(3 + hour % 3):
            thread = ThreadFactory(brand=official, product=z5, version=release, type="problem")
            Thread.objects.filter(pk=thread.pk).update(
                created_at=now - timedelta(hours=hour, minutes=n)
            )
    with committed():
        _wave(official, z5, release, people=4)
    assert surge_measure(z5, release, now=timezone.now()) is None
    assert not CrisisAlert.objects.exists()


def test_a_wave_of_complaints_against_one_release_raises_an_alert_that_escalates(
    settings, login, official, z5, release, older_release, brand_admin, rep, moderator, committed
):
    settings.SODAN_CRISIS_SURGE_FLOOR = 10
    settings.SODAN_THREADS_PER_PAGE = 50
    now = timezone.now()
    _baseline(official, z5, older_release, per_day=2, now=now)
    quiet = ThreadFactory(brand=official, title="How do I change the strap?")
    with committed():
        wave = _wave(official, z5, release, people=12)

    # The alert: a surge about release 2.1, no keyword anywhere, raised by the posts.
    alert = CrisisAlert.objects.get()
    assert (alert.cause, alert.product, alert.version) == ("surge", z5, release)
    assert alert.severity == "high"
    # Raised by the tenth post: the floor, far above this release's usual none an hour.
    assert alert.summary.startswith("10 complaints in the last hour (problem threads 10")
    assert "usually 0.0 an hour" in alert.summary
    assert set(wave) <= set(alert.threads.all())
    people = set(Notification.objects.values_list("recipient__username", flat=True))
    assert people == {"takeshi", "yuki", "mod"}
    assert "takeshi@customers.example" in {m.to[0] for m in mail.outbox}
    assert "High crisis alert for Hoshino Camera" in mail.outbox[0].subject

    # More complaints of the same wave join the alert; nobody is told twice.
    with committed():
        more = _wave(official, z5, release, people=2)
    assert CrisisAlert.objects.count() == 1
    assert set(more) <= set(alert.threads.all())

    # The inbox: the wave's threads first, each marked in words.
    page = login(rep).get(reverse("brands:inbox", args=[official.slug]))
    rows = list(page.context["page"])
    assert set(rows[:14]) == set(wave + more)
    assert quiet in rows[14:]
    html = page.content.decode()
    assert html.index("Crisis: High") < html.index("How do I change the strap?")
    assert "not acknowledged" in html

    # Nobody acknowledges: after the deadline the admins are told, once.
    mail.outbox.clear()
    assert services.crisis_escalations_record(now=alert.created_at + timedelta(minutes=29)) == []
    with committed():
        escalated = services.crisis_escalations_record(now=alert.created_at + timedelta(minutes=31))
    assert escalated == [alert.pk]
    escalation = Notification.objects.get(dedupe_key=f"crisis-escalation:{alert.pk}")
    assert escalation.recipient == brand_admin
    assert "Nobody has acknowledged this alert in 30 minutes" in escalation.message
    assert [m.to[0] for m in mail.outbox] == [brand_admin.email]
    assert "Not acknowledged: High crisis alert for Hoshino Camera" in mail.outbox[0].subject
    with committed():
        again = services.crisis_escalations_record(now=alert.created_at + timedelta(hours=5))
    assert again == []
    assert Notification.objects.filter(dedupe_key__startswith="crisis-escalation").count() == 1


def test_an_acknowledged_alert_is_not_escalated(official, brand_admin, rep, customer, committed):
    services.crisis_keyword_add(actor=brand_admin, brand=official, phrase="発火")
    with committed():
        qa_services.thread_create(author=customer, brand=official, title="発火した", body="本当")
    alert = CrisisAlert.objects.get()
    services.crisis_alert_acknowledge(
        actor=rep, alert=alert, now=alert.created_at + timedelta(minutes=5)
    )
    alert.refresh_from_db()
    assert alert.acknowledged_by == rep
    assert AuditLogEntry.objects.filter(action="crisis_alert.acknowledge").count() == 1
    assert services.crisis_escalations_record(now=alert.created_at + timedelta(hours=1)) == []
    with pytest.raises(ValidationError, match="Yuki acknowledged this alert already"):
        services.crisis_alert_acknowledge(actor=brand_admin, alert=alert)


def test_me_toos_on_one_release_are_found_by_the_periodic_check(
    settings, official, z5, release, brand_admin, committed
):
    settings.SODAN_CRISIS_SURGE_FLOOR = 10
    thread = ThreadFactory(brand=official, product=z5, version=release, type="question")
    for _n in range(11):
        qa_services.thread_me_too_toggle(user=UserFactory(), thread=thread)
    assert not CrisisAlert.objects.exists()  # a me-too is not a post: the check finds it
    with committed():
        result = moderation_tasks.crisis_check.delay().get()
    assert result == {"raised": 1, "escalated": 0}
    alert = CrisisAlert.objects.get()
    assert (alert.version, list(alert.threads.all())) == (release, [thread])
    assert MeToo.objects.count() == 11


# --- Acknowledging: who may -----------------------------------------------------------------


@pytest.fixture
def alert(official, brand_admin, customer, committed):
    services.crisis_keyword_add(actor=brand_admin, brand=official, phrase="発火")
    with committed():
        qa_services.thread_create(author=customer, brand=official, title="発火した", body="本当")
    return CrisisAlert.objects.get()


@pytest.mark.parametrize("who", ["rep", "product_member", "brand_admin", "moderator", "staff"])
def test_the_team_moderators_and_staff_acknowledge_from_the_alerts_page(
    login, official, alert, request, who
):
    person = request.getfixturevalue(who)
    client = login(person)
    page = client.get(reverse("moderation:crisis_alerts", args=[official.slug]))
    assert page.status_code == 200 and "Not acknowledged yet" in page.content.decode()
    url = reverse("moderation:crisis_alert_acknowledge", args=[official.slug, alert.pk])
    response = client.post(url, follow=True)
    assert "Acknowledged by" in response.content.decode()
    alert.refresh_from_db()
    assert alert.acknowledged_by == person and alert.acknowledged_at is not None


@pytest.mark.parametrize("who", ["customer", "rival_rep"])
def test_others_are_refused_with_the_reason(login, official, alert, request, who):
    client = login(request.getfixturevalue(who))
    url = reverse("moderation:crisis_alert_acknowledge", args=[official.slug, alert.pk])
    response = client.post(url)
    assert response.status_code == 403
    assert "team and its moderators" in response.content.decode()
    alert.refresh_from_db()
    assert alert.acknowledged_at is None
    with pytest.raises(PermissionDenied):
        services.crisis_alert_acknowledge(actor=request.getfixturevalue(who), alert=alert)


def test_another_brands_alert_is_404(login, official, rival, rival_rep, alert):
    url = reverse("moderation:crisis_alert_acknowledge", args=[rival.slug, alert.pk])
    assert login(rival_rep).post(url).status_code == 404


# --- Slack, through the outbox, to a real HTTP server -----------------------------------------


@pytest.fixture
def slack(settings):
    """An incoming-webhook endpoint on this machine: records each request, answers 200."""
    settings.SODAN_WEBHOOKS_ALLOW_LOCAL = True
    received: list[dict] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            received.append({"headers": dict(self.headers), "body": body})
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    worker = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    worker.start()
    yield f"http://127.0.0.1:{server.server_port}/services/T000/B000/XXX", received
    server.shutdown()
    server.server_close()


def test_the_alert_is_posted_to_the_brands_slack_once(
    official, brand_admin, customer, slack, committed
):
    url, received = slack
    services.crisis_channel_set(actor=brand_admin, brand=official, webhook_url=url)
    services.crisis_keyword_add(
        actor=brand_admin, brand=official, phrase="発火", severity="critical"
    )
    with committed():
        thread = qa_services.thread_create(
            author=customer, brand=official, title="充電中に発火しました", body="危険です"
        )
    [request] = received
    assert request["headers"]["Content-Type"] == "application/json"
    payload = json.loads(request["body"])
    assert "Critical crisis alert (Crisis keyword) for Hoshino Camera" in payload["text"]
    assert "発火" in payload["text"]
    section = payload["blocks"][0]
    assert section["type"] == "section" and section["text"]["type"] == "mrkdwn"
    assert f"{thread.get_absolute_url()}|充電中に発火しました>" in section["text"]["text"]
    alert = CrisisAlert.objects.get()
    assert alert.webhook_delivered_at is not None
    assert Message.objects.filter(task="moderation.tasks.crisis_alert_webhook").count() == 1
    # Delivered again (at least once): the channel hears it once.
    assert crisis_services.crisis_alert_webhook_send(alert_id=alert.pk) is False
    assert len(received) == 1


def test_an_unreachable_channel_is_retried_by_the_outbox(official, brand_admin, settings):
    settings.SODAN_WEBHOOKS_ALLOW_LOCAL = True
    services.crisis_channel_set(
        actor=brand_admin, brand=official, webhook_url="http://127.0.0.1:9/hook"
    )
    alert = services.crisis_alert_raise(
        brand=official, cause="keyword", severity="high", key="test", summary="発火"
    )
    with pytest.raises(OSError):
        crisis_services.crisis_alert_webhook_send(alert_id=alert.pk)
    alert.refresh_from_db()
    assert alert.webhook_delivered_at is None and alert.webhook_error


def test_only_admins_set_the_channel_and_private_addresses_are_refused(official, rep, brand_admin):
    with pytest.raises(PermissionDenied):
        services.crisis_channel_set(actor=rep, brand=official, webhook_url="https://hooks.example")
    with pytest.raises(ValidationError):
        services.crisis_channel_set(
            actor=brand_admin, brand=official, webhook_url="https://10.0.0.5/hook"
        )


def test_the_keywords_page_keeps_severities_and_the_channel(login, official, brand_admin):
    client = login(brand_admin)
    url = reverse("moderation:brand_keywords", args=[official.slug])
    client.post(url, {"phrase": "発火", "severity": "critical"})
    client.post(url, {"webhook_url": "https://hooks.slack.com/services/T/B/X"})
    page = client.get(url).content.decode()
    assert "Severity: Critical" in page and "https://hooks.slack.com/services/T/B/X" in page


def test_the_alerts_page_costs_the_same_for_one_alert_or_twelve(login, official, rep, customer):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def raise_alerts(n: int, start: int) -> None:
        for i in range(start, start + n):
            thread = ThreadFactory(brand=official, author=customer, title=f"発火 {i}")
            services.crisis_alert_raise(
                brand=official,
                cause="keyword",
                severity="high",
                key=f"test:{i}",
                summary="発火",
                threads=[thread],
            )

    client = login(rep)
    url = reverse("moderation:crisis_alerts", args=[official.slug])
    counts = []
    for n, start in ((1, 0), (11, 1)):
        raise_alerts(n, start)
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
