import re
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from brands.models import ProductVersion
from qa import services
from qa.models import Answer, HelpfulVote, MeToo, Thread
from tests.brands.factories import BrandFactory, ProductFactory
from tests.community.factories import UserFactory
from tests.qa.factories import AnswerFactory, ThreadFactory

pytestmark = pytest.mark.django_db


# --- Browsing -----------------------------------------------------------------------------


def test_brand_directory_finds_a_brand_by_name(client, brand):
    BrandFactory(name="Kumo Mobile", slug="kumo")
    response = client.get(reverse("brands:directory"), {"q": "hoshi"})
    assert response.status_code == 200
    names = [b.name for b in response.context["page"]]
    assert names == ["Hoshino Camera"]


def test_brand_directory_paginates(client):
    BrandFactory.create_batch(30)
    first = client.get(reverse("brands:directory"))
    second = client.get(reverse("brands:directory"), {"page": 2})
    assert len(first.context["page"]) == 24
    assert len(second.context["page"]) == 6


def test_unknown_brand_is_404(client):
    response = client.get("/b/no-such-brand/")
    assert response.status_code == 404
    assert b"couldn&#x27;t find" in response.content or b"couldn't find" in response.content


def test_unknown_thread_is_404(client):
    assert client.get("/t/999999/anything/").status_code == 404


def test_thread_url_with_a_stale_slug_redirects_to_the_canonical_one(client, thread):
    response = client.get(f"/t/{thread.pk}/old-title/")
    assert response.status_code == 301
    assert response["Location"] == thread.get_absolute_url()


def _titles(response):
    return [t.title for t in response.context["page"]]


def test_brand_page_filters_by_product_type_and_status(client, brand, customer):
    z5 = ProductFactory(brand=brand, slug="z5")
    other = ProductFactory(brand=brand, slug="x1")
    ThreadFactory(brand=brand, product=z5, title="Z5 question")
    ThreadFactory(brand=brand, product=other, title="X1 idea", type=Thread.Type.IDEA)
    solved = ThreadFactory(brand=brand, author=customer, title="Solved one")
    services.answer_accept(actor=customer, answer=AnswerFactory(thread=solved))
    ThreadFactory(title="Other brand's thread")

    url = brand.get_absolute_url()
    assert _titles(client.get(url, {"product": "z5"})) == ["Z5 question"]
    assert _titles(client.get(url, {"type": "idea"})) == ["X1 idea"]
    assert _titles(client.get(url, {"status": "solved"})) == ["Solved one"]
    assert sorted(_titles(client.get(url))) == ["Solved one", "X1 idea", "Z5 question"]


def test_brand_page_sorts(client, brand):
    old = ThreadFactory(brand=brand, title="Old")
    popular = ThreadFactory(brand=brand, title="Popular")
    new = ThreadFactory(brand=brand, title="New")
    for user in UserFactory.create_batch(2):
        services.thread_me_too_toggle(user=user, thread=popular)
    AnswerFactory(thread=new)
    Thread.objects.filter(pk=old.pk).update(created_at="2020-01-01T00:00:00Z")
    url = brand.get_absolute_url()
    assert _titles(client.get(url, {"sort": "newest"})) == ["New", "Popular", "Old"]
    assert _titles(client.get(url, {"sort": "me_too"}))[0] == "Popular"
    assert _titles(client.get(url, {"sort": "unanswered"})) == ["Popular", "Old"]


def test_brand_page_ignores_nonsense_filters(client, brand, thread):
    response = client.get(brand.get_absolute_url(), {"type": "<script>", "sort": "x", "page": "z"})
    assert response.status_code == 200
    assert _titles(response) == [thread.title]


def test_brand_page_paginates(client, brand, settings):
    settings.SODAN_THREADS_PER_PAGE = 5
    ThreadFactory.create_batch(12, brand=brand)
    response = client.get(brand.get_absolute_url(), {"page": 3})
    assert len(response.context["page"]) == 2
    assert b"Page 3 of 3" in response.content


def test_brand_page_shows_the_accent_colour_with_a_csp_nonce(client, brand):
    brand.accent_colour = "#aa3300"
    brand.save()
    response = client.get(brand.get_absolute_url())
    csp = response["Content-Security-Policy"]
    nonce = csp.split("'nonce-")[1].split("'")[0]
    assert (
        f'<style nonce="{nonce}">:root {{ --accent: #aa3300; }}</style>'
        in response.content.decode()
    )
    assert "'unsafe-inline'" not in csp


def test_thread_page_shows_accepted_answer_first_then_by_votes(client, thread, customer):
    low = AnswerFactory(thread=thread, body="Low")
    high = AnswerFactory(thread=thread, body="High")
    accepted = AnswerFactory(thread=thread, body="Accepted")
    for voter in UserFactory.create_batch(2):
        services.answer_vote_toggle(user=voter, answer=high)
    services.answer_accept(actor=customer, answer=accepted)
    response = client.get(thread.get_absolute_url())
    assert [a.body for a in response.context["answers"]] == ["Accepted", "High", "Low"]
    assert low.pk in [a.pk for a in response.context["answers"]]
    assert b"Solved" in response.content
    assert b"Accepted answer" in response.content


def test_an_answers_byline_links_its_author_and_gives_the_local_time(client, thread):
    """Bylines are made for the whole page at once (qa.rendering.answer_bylines): still each
    author's own address, quoted as reverse quotes it, and the time in the site's zone."""
    from django.utils.formats import date_format
    from django.utils.timezone import localtime

    author = UserFactory(username="aya.k+mobile", display_name="Aya")
    answer = AnswerFactory(thread=thread, author=author)
    written = datetime(2026, 3, 1, 15, 30, tzinfo=UTC)
    Answer.objects.filter(pk=answer.pk).update(created_at=written)
    html = client.get(thread.get_absolute_url()).content.decode()
    local = localtime(written)  # Asia/Tokyo: 00:30 on 2 March
    assert (
        f'<p class="byline"><a href="{author.get_absolute_url()}">Aya</a> · '
        f'<time datetime="{local.isoformat()}" data-relative>'
        f"{date_format(local, 'DATETIME_FORMAT')}</time></p>"
    ) in html
    assert local.day == 2 and "/u/aya.k+mobile/" in html


def test_hidden_thread_is_404_for_others_but_visible_to_its_author(client, thread, customer):
    Thread.objects.filter(pk=thread.pk).update(visibility="hidden")
    assert client.get(thread.get_absolute_url()).status_code == 404
    client.force_login(customer)
    response = client.get(thread.get_absolute_url())
    assert response.status_code == 200
    assert b"Hidden pending review" in response.content


# --- Asking -------------------------------------------------------------------------------


def test_anonymous_visitor_asking_is_sent_to_log_in(client, brand):
    response = client.get(reverse("qa:ask", args=[brand.slug]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_unverified_member_is_told_why_they_cannot_ask(login, unverified, brand):
    response = login(unverified).get(reverse("qa:ask", args=[brand.slug]))
    assert response.status_code == 403
    assert b"Confirm your e-mail address" in response.content


def test_asking_creates_the_thread_and_redirects_to_it(login, customer, brand, product):
    response = login(customer).post(
        reverse("qa:ask", args=[brand.slug]),
        {"type": "problem", "product": product.pk, "title": "Won't charge", "body": "Help"},
    )
    thread = Thread.objects.get()
    assert response.status_code == 302
    assert response["Location"] == thread.get_absolute_url()
    assert (thread.type, thread.product, thread.author) == ("problem", product, customer)


def test_a_bad_question_comes_back_filled_in_with_the_error_beside_the_field(
    login, customer, brand
):
    body = "All my careful details " * 3
    response = login(customer).post(
        reverse("qa:ask", args=[brand.slug]), {"type": "question", "title": "", "body": body}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert body.strip() in html
    assert 'id="id_title_errors"' in html
    assert not Thread.objects.exists()


def test_an_oversized_question_names_the_limit_and_keeps_the_text(login, customer, brand):
    body = "長い説明" * 5001
    response = login(customer).post(
        reverse("qa:ask", args=[brand.slug]), {"type": "question", "title": "T", "body": body}
    )
    html = response.content.decode()
    assert "20000" in html
    assert body in html
    assert not Thread.objects.exists()


def test_a_product_of_another_brand_is_refused(login, customer, brand):
    foreign = ProductFactory()
    response = login(customer).post(
        reverse("qa:ask", args=[brand.slug]),
        {"type": "question", "product": foreign.pk, "title": "T", "body": "B"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["product"]
    assert not Thread.objects.exists()


@pytest.fixture
def releases(brand, product):
    """Two releases of Z5, one of another product, and one not published yet."""
    now = timezone.now()
    return {
        "2.0": ProductVersion.objects.create(
            product=product, name="2.0", released_at=now - timedelta(days=30)
        ),
        "2.1": ProductVersion.objects.create(product=product, name="2.1", released_at=now),
        "Z7 1.4": ProductVersion.objects.create(
            product=ProductFactory(brand=brand, name="Z7", slug="z7"), name="1.4", released_at=now
        ),
        "3.0 beta": ProductVersion.objects.create(product=product, name="3.0 beta"),
    }


def _version_options(html: str) -> list[str]:
    select = re.search(r'<select name="version".*?</select>', html, re.S)
    return (
        re.findall(r'<option value="\d+"[^>]*>([^<]*)</option>', select.group(0)) if select else []
    )


def test_the_asker_names_the_release_they_use(login, customer, brand, product, releases):
    client = login(customer)
    page = client.get(reverse("qa:ask", args=[brand.slug])).content.decode()
    assert _version_options(page) == ["Z5 2.1", "Z5 2.0", "Z7 1.4"]  # published ones only
    response = client.post(
        reverse("qa:ask", args=[brand.slug]),
        {
            "type": "problem",
            "product": product.pk,
            "version": releases["2.1"].pk,
            "title": "E-12 after the update",
            "body": "Since 2.1 the lens shows E-12.",
        },
    )
    thread = Thread.objects.get()
    assert response["Location"] == thread.get_absolute_url()
    assert thread.version == releases["2.1"]
    assert "Z5 2.1" in client.get(thread.get_absolute_url()).content.decode()


def test_picking_a_product_narrows_the_releases_offered(login, customer, brand, product, releases):
    client = login(customer)
    url = reverse("qa:ask_versions", args=[brand.slug])
    assert _version_options(client.get(url, {"product": product.pk}).content.decode()) == [
        "Z5 2.1",
        "Z5 2.0",
    ]
    assert len(_version_options(client.get(url, {"product": ""}).content.decode())) == 3
    without_releases = ProductFactory(brand=brand)
    assert "<select" not in client.get(url, {"product": without_releases.pk}).content.decode()
    foreign = ProductFactory()  # another brand's product narrows nothing
    assert len(_version_options(client.get(url, {"product": foreign.pk}).content.decode())) == 3
    page = client.get(reverse("qa:ask", args=[brand.slug]), {"product": product.pk})
    assert _version_options(page.content.decode()) == ["Z5 2.1", "Z5 2.0"]


def test_a_release_of_another_product_comes_back_with_the_error_beside_it(
    login, customer, brand, product, releases
):
    response = login(customer).post(
        reverse("qa:ask", args=[brand.slug]),
        {
            "type": "problem",
            "product": product.pk,
            "version": releases["Z7 1.4"].pk,
            "title": "E-12 after the update",
            "body": "Since 2.1 the lens shows E-12.",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_version_errors"' in html
    assert "1.4 is a release of Z7, not of Z5." in html
    assert "E-12 after the update" in html and "Since 2.1 the lens shows E-12." in html
    assert f'<option value="{releases["Z7 1.4"].pk}" selected>' in html
    assert not Thread.objects.exists()


def test_naming_only_the_release_also_names_its_product(login, customer, brand, releases):
    login(customer).post(
        reverse("qa:ask", args=[brand.slug]),
        {"type": "question", "version": releases["Z7 1.4"].pk, "title": "T", "body": "B"},
    )
    thread = Thread.objects.get()
    assert (thread.product.name, thread.version.name) == ("Z7", "1.4")


def test_an_unpublished_or_foreign_release_is_not_a_choice(login, customer, brand, releases):
    foreign = ProductVersion.objects.create(product=ProductFactory(), name="1.0")
    for version in (releases["3.0 beta"], foreign):
        response = login(customer).post(
            reverse("qa:ask", args=[brand.slug]),
            {"type": "question", "version": version.pk, "title": "T", "body": "B"},
        )
        assert response.context["form"].errors["version"]
    assert not Thread.objects.exists()


def test_a_brand_without_releases_asks_no_version(login, customer, brand, product):
    page = login(customer).get(reverse("qa:ask", args=[brand.slug])).content.decode()
    assert 'name="version"' not in page


def test_an_oversized_request_body_is_refused_with_the_limit_named(login, customer, brand):
    response = login(customer).post(
        reverse("qa:ask", args=[brand.slug]),
        {"type": "question", "title": "T", "body": "x" * 600_000},
    )
    assert response.status_code == 413
    assert b"512 KB" in response.content
    assert not Thread.objects.exists()


# --- Answering, voting, me too, accepting -------------------------------------------------


def test_answering_redirects_to_the_new_answer(login, other_customer, thread):
    response = login(other_customer).post(
        reverse("qa:answer_create", args=[thread.pk]), {"body": "Hold the shutter 10 s"}
    )
    answer = Answer.objects.get()
    assert response["Location"] == answer.get_absolute_url()


def test_an_empty_answer_comes_back_with_the_error(login, other_customer, thread):
    response = login(other_customer).post(
        reverse("qa:answer_create", args=[thread.pk]), {"body": ""}
    )
    assert response.status_code == 400
    assert 'id="id_body_errors"' in response.content.decode()
    assert not Answer.objects.exists()


def test_anonymous_answer_goes_to_login(client, thread):
    response = client.post(reverse("qa:answer_create", args=[thread.pk]), {"body": "Hi"})
    assert response.status_code == 302
    assert not Answer.objects.exists()


def test_vote_with_htmx_returns_the_updated_button(login, customer, answer):
    response = login(customer).post(reverse("qa:vote", args=[answer.pk]), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'aria-pressed="true"' in html
    assert "1 found this helpful" in html
    assert "<html" not in html


def test_vote_without_javascript_redirects_back_to_the_answer(login, customer, answer):
    response = login(customer).post(reverse("qa:vote", args=[answer.pk]))
    assert response.status_code == 302
    assert response["Location"].endswith(f"#answer-{answer.pk}")
    assert HelpfulVote.objects.filter(answer=answer, user=customer).exists()


def test_voting_own_answer_is_403_with_the_reason(login, other_customer, answer):
    response = login(other_customer).post(reverse("qa:vote", args=[answer.pk]))
    assert response.status_code == 403
    assert b"You can&#x27;t vote for your own answer." in response.content


def test_anonymous_vote_is_403_with_the_reason(client, answer):
    response = client.post(reverse("qa:vote", args=[answer.pk]))
    assert response.status_code == 403
    assert b"Log in or sign up" in response.content
    assert not HelpfulVote.objects.filter(answer=answer).exists()


def test_vote_address_opened_as_a_page_leads_to_the_answer(login, customer, answer):
    response = login(customer).get(reverse("qa:vote", args=[answer.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("qa:answer_short", args=[answer.pk])
    assert not HelpfulVote.objects.filter(answer=answer).exists()


def test_me_too_with_cohort_via_htmx(login, other_customer, thread):
    response = login(other_customer).post(
        reverse("qa:me_too", args=[thread.pk]),
        {"version": "2.1", "platform": "Android 16"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert "<strong>1</strong>" in response.content.decode()
    assert MeToo.objects.get().platform == "Android 16"


@pytest.mark.parametrize("htmx", [True, False])
def test_a_too_long_version_changes_nothing_and_comes_back_with_the_error(
    login, other_customer, thread, htmx
):
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    response = login(other_customer).post(
        reverse("qa:me_too", args=[thread.pk]),
        {"version": "9" * 51, "platform": "Android 16"},
        **headers,
    )
    page = response.content.decode()
    assert response.status_code == (200 if htmx else 400)
    assert not MeToo.objects.exists()
    assert "at most 50 characters" in page
    assert 'value="Android 16"' in page  # what they typed is kept
    assert '<details class="cohort" open>' in page


def test_accept_and_undo(login, customer, answer, thread):
    client = login(customer)
    client.post(reverse("qa:accept", args=[answer.pk]))
    assert Thread.objects.get(pk=thread.pk).status == "solved"
    client.post(reverse("qa:accept", args=[answer.pk]), {"undo": "1"})
    assert Thread.objects.get(pk=thread.pk).status == "answered"


def test_stranger_cannot_accept(login, answer):
    response = login(UserFactory()).post(reverse("qa:accept", args=[answer.pk]))
    assert response.status_code == 403
    assert b"Only the person who asked" in response.content


def test_accept_button_shows_only_to_the_asker(client, login, customer, answer, thread):
    assert b"Accept this answer" not in client.get(thread.get_absolute_url()).content
    assert b"Accept this answer" in login(customer).get(thread.get_absolute_url()).content


# --- Editing and revisions ----------------------------------------------------------------


def test_edit_own_question_and_see_revisions(login, customer, thread):
    client = login(customer)
    response = client.post(
        reverse("qa:thread_edit", args=[thread.pk]), {"title": "Clearer", "body": "More detail"}
    )
    assert response.status_code == 302
    revisions = client.get(reverse("qa:thread_revisions", args=[thread.pk]))
    html = revisions.content.decode()
    assert "Version 2" in html and "Version 1" in html
    assert "Lens cap stuck after firmware 2.1" in html


def test_editing_someone_elses_question_is_403(login, other_customer, thread):
    response = login(other_customer).get(reverse("qa:thread_edit", args=[thread.pk]))
    assert response.status_code == 403
    assert b"Only the person who asked can edit" in response.content


def test_edit_answer_with_bad_input_keeps_the_form(login, other_customer, answer):
    response = login(other_customer).post(reverse("qa:answer_edit", args=[answer.pk]), {"body": ""})
    assert response.status_code == 200
    assert response.context["form"].errors["body"]
    assert Answer.objects.get(pk=answer.pk).revision_count == 1


# --- Query counts: the same with 5 or 50 rows ------------------------------------------------


def _count_queries(client, url):
    client.get(url)  # steady state: per-person navigation facts are cached after one page
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("viewer", ["anonymous", "customer"])
def test_thread_page_query_count_does_not_grow_with_answers(client, settings, viewer):
    settings.SODAN_PAGE_CACHE = False  # measure the render, not the anonymous page cache
    if viewer == "customer":
        client.force_login(UserFactory())
    small = ThreadFactory()
    AnswerFactory.create_batch(5, thread=small)
    large = ThreadFactory()
    AnswerFactory.create_batch(50, thread=large)
    small_count = _count_queries(client, small.get_absolute_url())
    large_count = _count_queries(client, large.get_absolute_url())
    assert small_count == large_count
    assert large_count <= 10


@pytest.mark.parametrize("viewer", ["anonymous", "customer"])
def test_brand_page_query_count_does_not_grow_with_threads(client, settings, viewer):
    settings.SODAN_THREADS_PER_PAGE = 50
    settings.SODAN_PAGE_CACHE = False  # measure the render, not the anonymous page cache
    if viewer == "customer":
        client.force_login(UserFactory())
    small, large = BrandFactory(), BrandFactory()
    for brand, n in ((small, 5), (large, 50)):
        product = ProductFactory(brand=brand)
        for i in range(n):
            ThreadFactory(brand=brand, product=product if i % 2 else None)
    small_count = _count_queries(client, small.get_absolute_url())
    large_count = _count_queries(client, large.get_absolute_url())
    assert small_count == large_count
    assert large_count <= 8
    assert large_count <= 8


def test_brand_directory_query_count_is_constant(client):
    BrandFactory.create_batch(3)
    few = _count_queries(client, reverse("brands:directory"))
    BrandFactory.create_batch(20)
    many = _count_queries(client, reverse("brands:directory"))
    assert few == many
