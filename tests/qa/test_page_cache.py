"""Anonymous thread pages come from the cache, and every change shows at once."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from community import page_cache
from community import services as community_services
from moderation import services as moderation_services
from moderation.models import ModeratorAppointment
from qa import services
from qa.models import Thread
from tests.community.factories import UserFactory
from tests.qa.factories import AnswerFactory, ThreadFactory

pytestmark = pytest.mark.django_db


def _get(client, thread):
    return client.get(thread.get_absolute_url())


def test_second_anonymous_view_is_a_hit_with_no_query(client, thread):
    assert _get(client, thread)["X-Sodan-Cache"] == "miss"
    with CaptureQueriesContext(connection) as ctx:
        response = _get(client, thread)
    assert response["X-Sodan-Cache"] == "hit"
    assert len(ctx.captured_queries) == 0  # any change bumps the version the page is under


def test_a_miss_stores_the_shared_rendering_and_the_page_in_one_cache_write(
    client, thread, monkeypatch
):
    """Both entries a miss writes go in one round trip; the rendering then serves a
    signed-in reader and the page the next visitor."""
    from django.core.cache import cache

    writes = []
    inside_set_many = []  # the local memory cache's set_many calls its set per key
    cache_set, cache_set_many = cache.set, cache.set_many

    def pages(keys):
        return sorted(k.split(":")[4] for k in keys if k.startswith("sodan:page:m2:"))

    def set_one(key, *args, **kwargs):
        if not inside_set_many:
            writes.append(pages([key]))
        return cache_set(key, *args, **kwargs)

    def set_many(data, *args, **kwargs):
        writes.append(pages(data))
        inside_set_many.append(True)
        try:
            return cache_set_many(data, *args, **kwargs)
        finally:
            inside_set_many.pop()

    monkeypatch.setattr(cache, "set", set_one)
    monkeypatch.setattr(cache, "set_many", set_many)
    assert _get(client, thread)["X-Sodan-Cache"] == "miss"
    assert [keys for keys in writes if keys] == [["thread", "thread-anon"]]
    assert _get(client, thread)["X-Sodan-Cache"] == "hit"


def test_a_hit_carries_this_requests_nonce_and_no_csrf_token(client, brand, thread):
    _get(client, thread)
    response = _get(client, thread)
    html = response.content.decode()
    nonce = response["Content-Security-Policy"].split("'nonce-")[1].split("'")[0]
    assert f'<style nonce="{nonce}">' in html
    assert "__sodan" not in html
    # Nothing on an anonymous page posts, so it holds no token and sets no cookie.
    assert "csrfmiddlewaretoken" not in html and "X-CSRFToken" not in html
    assert "csrftoken" not in response.cookies


def test_a_signed_in_readers_page_holds_a_working_csrf_token(client, thread, other_customer):
    _get(client, thread)
    client.force_login(other_customer)
    html = _get(client, thread).content.decode()
    token = re.search(r'"X-CSRFToken": "([^"]+)"', html).group(1)
    client.handler.enforce_csrf_checks = True
    answered = client.post(
        f"/t/{thread.pk}/-/answer/",
        {"body": "Works with the token from the page", "csrfmiddlewaretoken": token},
    )
    assert answered.status_code == 302


def test_the_language_links_switch_an_anonymous_page(client, thread):
    english = _get(client, thread).content.decode()
    link = re.search(r'<a href="(/language/ja/\?next=[^"]+)"', english).group(1)
    switched = client.get(link.replace("&amp;", "&"))
    assert switched.status_code == 302
    assert switched["Location"] == thread.get_absolute_url()
    assert 'lang="ja"' in _get(client, thread).content.decode()


def test_new_answer_shows_at_once(client, thread, other_customer):
    _get(client, thread)
    services.answer_create(author=other_customer, thread=thread, body="Fresh advice here")
    assert "Fresh advice here" in _get(client, thread).content.decode()


def test_vote_me_too_and_accept_show_at_once(client, thread, answer, customer):
    _get(client, thread)
    services.answer_vote_toggle(user=UserFactory(), answer=answer)
    assert "1 found this helpful" in _get(client, thread).content.decode()
    services.thread_me_too_toggle(user=UserFactory(), thread=thread)
    assert "<strong>1</strong> person has this too" in _get(client, thread).content.decode()
    services.answer_accept(actor=customer, answer=answer)
    assert "Accepted answer" in _get(client, thread).content.decode()


def test_a_hidden_answer_vanishes_at_once(client, thread, answer):
    moderator = UserFactory()
    ModeratorAppointment.objects.create(user=moderator)
    _get(client, thread)
    moderation_services.post_hide(actor=moderator, post=answer, reason="Spam")
    assert answer.body not in _get(client, thread).content.decode()


def test_a_hidden_thread_is_404_at_once(client, thread):
    moderator = UserFactory()
    ModeratorAppointment.objects.create(user=moderator)
    _get(client, thread)
    moderation_services.post_hide(actor=moderator, post=thread, reason="Spam")
    assert _get(client, thread).status_code == 404


def test_a_display_name_change_shows_at_once(client, thread, answer, other_customer):
    _get(client, thread)
    community_services.profile_update(
        user=other_customer,
        display_name="Ken the Helper",
        bio="",
        email_notifications=True,
        language="",
    )
    assert "Ken the Helper" in _get(client, thread).content.decode()


def test_languages_are_cached_apart(client, thread):
    english = client.get(thread.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")
    japanese = client.get(thread.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="ja")
    assert b'lang="en"' in english.content
    assert b'lang="ja"' in japanese.content


def test_logged_in_readers_get_the_shared_page_with_their_own_header(client, thread, customer):
    _get(client, thread)
    client.force_login(customer)
    response = _get(client, thread)
    assert response["X-Sodan-Cache"] == "hit"
    header = response.content.decode().split("</header>")[0]
    assert customer.public_name in header
    assert "Log in" not in header


def test_visitors_with_a_session_get_a_page_filled_for_them(client, thread):
    _get(client, thread)
    client.cookies["sessionid"] = "anything"
    response = _get(client, thread)
    assert response["X-Sodan-Cache"] == "hit"
    assert "Log in" in response.content.decode()


def test_cache_can_be_switched_off(client, thread, settings):
    settings.SODAN_PAGE_CACHE = False
    _get(client, thread)
    assert "X-Sodan-Cache" not in _get(client, thread)


def test_many_answers_render_once_then_hit(client, thread):
    AnswerFactory.create_batch(30, thread=thread)
    assert _get(client, thread)["X-Sodan-Cache"] == "miss"
    assert _get(client, thread)["X-Sodan-Cache"] == "hit"


# --- Brand thread lists ------------------------------------------------------------------


def _list(client, brand, query=""):
    return client.get(brand.get_absolute_url() + query)


def test_a_brand_list_is_a_hit_the_second_time_and_keeps_filters_apart(client, brand, thread):
    assert _list(client, brand)["X-Sodan-Cache"] == "miss"
    assert _list(client, brand)["X-Sodan-Cache"] == "hit"
    assert _list(client, brand, "?sort=unanswered")["X-Sodan-Cache"] == "miss"


def test_a_new_thread_shows_in_the_brand_list_at_once(client, brand, customer):
    _list(client, brand)
    services.thread_create(
        author=customer, brand=brand, type="question", title="Shutter sticks in the cold",
        body="Below zero the shutter sticks.",
    )  # fmt: skip
    assert "Shutter sticks in the cold" in _list(client, brand).content.decode()


def test_a_hidden_thread_leaves_the_brand_list_at_once(client, brand, thread):
    moderator = UserFactory()
    ModeratorAppointment.objects.create(user=moderator)
    assert thread.title in _list(client, brand).content.decode()
    moderation_services.post_hide(actor=moderator, post=thread, reason="Spam")
    assert thread.title not in _list(client, brand).content.decode()


def test_a_new_answer_shows_in_the_brand_list_at_once(client, brand, thread, other_customer):
    _list(client, brand, "?status=open")
    services.answer_create(author=other_customer, thread=thread, body="Try a new battery")
    assert thread.title not in _list(client, brand, "?status=open").content.decode()


def test_a_helpful_vote_leaves_the_brand_list_cached_and_shows_on_the_thread_at_once(
    client, brand, thread, answer
):
    """A list's row shows no answer, so a vote drops the thread's page and not the lists;
    a me-too, which a row shows, drops both."""
    _list(client, brand)
    _get(client, thread)
    services.answer_vote_toggle(user=UserFactory(), answer=answer)
    assert _list(client, brand)["X-Sodan-Cache"] == "hit"
    page = _get(client, thread)
    assert page["X-Sodan-Cache"] == "miss"
    assert "1 found this helpful" in page.content.decode()
    services.thread_me_too_toggle(user=UserFactory(), thread=thread)
    listed = _list(client, brand)
    assert listed["X-Sodan-Cache"] == "miss"
    assert "<strong>1</strong> me too" in listed.content.decode()


@pytest.fixture
def two_pages(settings, brand):
    """A brand's plain list of two pages: the two newest threads, then the oldest."""
    settings.SODAN_THREADS_PER_PAGE = 2
    oldest, older, newest = (ThreadFactory(brand=brand) for _ in range(3))
    for step, thread in enumerate((oldest, older, newest)):  # created in this order
        Thread.objects.filter(pk=thread.pk).update(
            created_at=timezone.now() - timedelta(hours=3 - step)
        )
    return oldest, newest


def test_an_answer_drops_only_the_plain_list_page_that_shows_its_thread(
    client, brand, two_pages, other_customer
):
    """A new answer keeps its thread where it is in the plain lists (newest first, of one
    type or all): the page that shows it is rendered again with the new count; the other
    pages stay cached."""
    oldest, newest = two_pages
    for query in ("", "?page=2", "?type=question"):
        assert _list(client, brand, query)["X-Sodan-Cache"] == "miss"
        assert _list(client, brand, query)["X-Sodan-Cache"] == "hit"
    services.answer_create(author=other_customer, thread=oldest, body="Try a new battery")
    assert _list(client, brand)["X-Sodan-Cache"] == "hit"
    assert _list(client, brand, "?type=question")["X-Sodan-Cache"] == "hit"  # one type's
    second = _list(client, brand, "?page=2")
    assert second["X-Sodan-Cache"] == "miss"
    assert "<strong>1</strong> answer" in second.content.decode()
    services.answer_create(author=other_customer, thread=newest, body="Or reset it")
    first = _list(client, brand)
    assert first["X-Sodan-Cache"] == "miss"
    assert "<strong>1</strong> answer" in first.content.decode()
    assert _list(client, brand, "?page=2")["X-Sodan-Cache"] == "hit"


def test_lists_picked_or_ordered_by_their_rows_drop_on_any_answer_or_me_too(
    client, brand, two_pages, other_customer
):
    oldest, _newest = two_pages
    for query in ("?status=open", "?sort=me_too", "?sort=unanswered"):
        _list(client, brand, query)
        assert _list(client, brand, query)["X-Sodan-Cache"] == "hit"
    services.thread_me_too_toggle(user=other_customer, thread=oldest)
    by_me_too = _list(client, brand, "?sort=me_too")
    assert by_me_too["X-Sodan-Cache"] == "miss"
    assert by_me_too.content.decode().index(oldest.title) < by_me_too.content.decode().index(
        _newest.title
    )
    services.answer_create(author=other_customer, thread=oldest, body="Try a new battery")
    for query in ("?status=open", "?sort=unanswered"):
        listed = _list(client, brand, query)
        assert listed["X-Sodan-Cache"] == "miss"
        assert oldest.title not in listed.content.decode()


def test_a_plain_list_rendered_while_a_row_changed_is_not_served(
    client, brand, thread, monkeypatch
):
    """A write that commits between the list's rows and the read of their versions could
    leave old rows under new versions: such a rendering is kept as unknown and rendered
    again by the next reader."""
    from qa import views

    rendered = views._render_brand_threads

    def written_meanwhile(*args, **kwargs):
        response = rendered(*args, **kwargs)
        page_cache.thread_row_changed(thread.pk, brand.pk)  # another request's answer
        return response

    monkeypatch.setattr(views, "_render_brand_threads", written_meanwhile)
    assert _list(client, brand)["X-Sodan-Cache"] == "miss"
    monkeypatch.setattr(views, "_render_brand_threads", rendered)
    assert _list(client, brand)["X-Sodan-Cache"] == "miss"
    assert _list(client, brand)["X-Sodan-Cache"] == "hit"


def test_a_display_name_change_drops_the_lists_that_show_the_persons_threads(
    client, brand, two_pages, other_customer, settings
):
    """A list's row names its thread's author: the list page that shows a thread the
    person asked is rendered again with the new name; a page where they only answered
    stays cached, as does every page of another brand."""
    oldest, newest = two_pages
    services.answer_create(author=other_customer, thread=newest, body="Try a new battery")
    for query in ("", "?page=2"):
        _list(client, brand, query)
        assert _list(client, brand, query)["X-Sodan-Cache"] == "hit"
    community_services.profile_update(
        user=oldest.author, display_name="Aiko the Asker", bio="", email_notifications=True,
        language="",
    )  # fmt: skip
    second = _list(client, brand, "?page=2")
    assert second["X-Sodan-Cache"] == "miss"
    assert "Aiko the Asker" in second.content.decode()
    assert _list(client, brand)["X-Sodan-Cache"] == "hit"
    community_services.profile_update(
        user=other_customer, display_name="Ken the Helper", bio="", email_notifications=True,
        language="",
    )  # fmt: skip
    assert _list(client, brand)["X-Sodan-Cache"] == "hit"
    assert "Ken the Helper" in _get(client, newest).content.decode()


def test_a_moved_thread_leaves_the_old_brands_list_at_once(client, brand, thread):
    from tests.brands.factories import BrandFactory

    moderator = UserFactory()
    ModeratorAppointment.objects.create(user=moderator)
    other = BrandFactory()
    _list(client, brand)
    _list(client, other)
    moderation_services.thread_move(
        actor=moderator, thread=thread, brand=other, product=None, reason="Wrong brand"
    )
    assert thread.title not in _list(client, brand).content.decode()
    assert thread.title in _list(client, other).content.decode()


def test_logged_in_readers_get_the_brand_list_rendered(client, brand, thread, customer):
    _list(client, brand)
    client.force_login(customer)
    assert "X-Sodan-Cache" not in _list(client, brand)


def test_a_thread_hidden_in_the_django_admin_is_404_at_once(client, rf, thread):
    from django.contrib import admin

    from qa.admin import ThreadAdmin

    _get(client, thread)
    thread.visibility = "hidden"
    staff = UserFactory(is_staff=True, is_superuser=True)
    request = rf.post("/django-admin/")
    request.user = staff
    ThreadAdmin(type(thread), admin.site).save_model(request, thread, form=None, change=True)
    assert _get(client, thread).status_code == 404


def test_a_cached_brand_list_costs_no_query(client, brand, thread):
    assert _list(client, brand)["X-Sodan-Cache"] == "miss"
    with CaptureQueriesContext(connection) as ctx:
        response = _list(client, brand)
    assert response["X-Sodan-Cache"] == "hit"
    assert ctx.captured_queries == []
    assert thread.title in response.content.decode()


def test_an_unknown_brand_list_is_404_even_after_a_known_one(client, brand):
    _list(client, brand)
    assert client.get("/b/no-such-brand/").status_code == 404
