"""The page cache's keys name the release, and a change to a person drops only the pages
that show them."""

import pytest

from community import page_cache
from community import services as community_services
from tests.brands.factories import BrandFactory
from tests.community.factories import UserFactory
from tests.qa.factories import AnswerFactory, ThreadFactory

pytestmark = pytest.mark.django_db


def _get(client, url):
    return client.get(url)


# --- The release ---------------------------------------------------------------------------


def test_a_page_cached_under_one_release_is_not_served_under_another(client, settings, thread):
    settings.SODAN_RELEASE = "2026.12.1"
    _get(client, thread.get_absolute_url())
    assert _get(client, thread.get_absolute_url())["X-Sodan-Cache"] == "hit"
    settings.SODAN_RELEASE = "2026.12.2"
    assert _get(client, thread.get_absolute_url())["X-Sodan-Cache"] == "miss"
    assert _get(client, thread.get_absolute_url())["X-Sodan-Cache"] == "hit"


def test_a_brand_list_cached_under_one_release_is_not_served_under_another(
    client, settings, brand, thread
):
    settings.SODAN_RELEASE = "2026.12.1"
    _get(client, brand.get_absolute_url())
    assert _get(client, brand.get_absolute_url())["X-Sodan-Cache"] == "hit"
    settings.SODAN_RELEASE = "2026.12.2"
    assert _get(client, brand.get_absolute_url())["X-Sodan-Cache"] == "miss"


def test_a_signed_in_readers_shared_rendering_is_not_served_under_another_release(
    client, settings, thread, other_customer
):
    settings.SODAN_RELEASE = "2026.12.1"
    client.force_login(other_customer)
    _get(client, thread.get_absolute_url())
    assert _get(client, thread.get_absolute_url())["X-Sodan-Cache"] == "hit"
    settings.SODAN_RELEASE = "2026.12.2"
    assert _get(client, thread.get_absolute_url())["X-Sodan-Cache"] == "miss"


def test_without_a_release_from_the_deploy_the_code_names_it(settings):
    settings.SODAN_RELEASE = ""
    assert page_cache.release() == page_cache.code_release()
    assert len(page_cache.release()) == 16
    settings.SODAN_RELEASE = "abc123"
    assert page_cache.release() == "abc123"


def _project(root, template="<p>{{ thread.title }}</p>"):
    (root / "qa" / "templates").mkdir(parents=True, exist_ok=True)
    (root / "qa" / "views.py").write_text("def view(request): ...\n")
    (root / "qa" / "templates" / "thread.html").write_text(template)
    (root / "qa" / "notes.txt").write_text("not part of a rendering")
    (root / "tests").mkdir(exist_ok=True)
    (root / "tests" / "test_x.py").write_text("def test(): ...\n")
    return root


def test_the_code_release_changes_with_a_template_and_with_nothing_else(tmp_path):
    first = page_cache.code_release.__wrapped__(_project(tmp_path / "a"))
    same = page_cache.code_release.__wrapped__(_project(tmp_path / "b"))
    assert first == same  # the same files elsewhere (another host) make the same release
    (tmp_path / "b" / "qa" / "notes.txt").write_text("edited")
    (tmp_path / "b" / "tests" / "test_x.py").write_text("def test_other(): ...\n")
    assert page_cache.code_release.__wrapped__(tmp_path / "b") == first
    edited = _project(tmp_path / "c", template="<p>{{ thread.title|upper }}</p>")
    assert page_cache.code_release.__wrapped__(edited) != first


def test_the_code_release_is_computed_once_per_process():
    assert page_cache.code_release() is page_cache.code_release()
    assert page_cache.code_release.cache_info().hits >= 1


# --- A person's name ---------------------------------------------------------------------


def _version(thread):
    from django.core.cache import cache

    return cache.get(f"sodan:page:v:thread:{thread.pk}")


def _versions(*threads):
    for thread in threads:
        page_cache.lookup(f"sodan:page:v:thread:{thread.pk}")  # creates a version if none
    return [_version(thread) for thread in threads]


def _update(user, **changes):
    fields = {
        "display_name": user.display_name,
        "bio": user.bio,
        "email_notifications": user.email_notifications,
        "language": user.language,
    }
    community_services.profile_update(user=user, **{**fields, **changes})


def test_a_display_name_change_drops_only_the_pages_that_show_the_person(
    client, brand, thread, answer, other_customer
):
    elsewhere = ThreadFactory(brand=BrandFactory(slug="kumo"))
    before = _versions(thread, elsewhere)
    site = page_cache.site_version()
    _update(other_customer, display_name="Ken the Helper")
    after = [_version(thread), _version(elsewhere)]
    assert after[0] != before[0]  # the thread they answered in
    assert after[1] == before[1]  # a thread they have nothing to do with
    assert page_cache.site_version() == site  # no site-wide flush


def test_a_name_change_shows_in_the_brand_list_of_a_thread_the_person_asked(
    client, brand, thread, customer
):
    assert customer.public_name in _get(client, brand.get_absolute_url()).content.decode()
    _update(customer, display_name="Yuki from Osaka")
    html = _get(client, brand.get_absolute_url()).content.decode()
    assert "Yuki from Osaka" in html


def test_a_bio_change_drops_the_persons_pages(thread, answer, other_customer):
    (before,) = _versions(thread)
    _update(other_customer, bio="I fix cameras.")
    assert _version(thread) != before


def test_the_email_toggle_and_the_language_drop_no_page(thread, answer, other_customer):
    (before,) = _versions(thread)
    site = page_cache.site_version()
    _update(other_customer, email_notifications=not other_customer.email_notifications)
    _update(other_customer, language="ja")
    assert _version(thread) == before
    assert page_cache.site_version() == site


def test_a_name_on_an_acceptance_drops_that_page(thread, customer):
    accepter = UserFactory()
    answer = AnswerFactory(thread=thread)
    type(answer).objects.filter(pk=answer.pk).update(accepted_by=accepter)
    (before,) = _versions(thread)
    _update(accepter, display_name="The accepter")
    assert _version(thread) != before


def test_a_very_active_person_drops_every_page_in_one_write(monkeypatch, brand, other_customer):
    for _ in range(3):
        ThreadFactory(brand=brand, author=other_customer)
    monkeypatch.setattr(page_cache, "MAX_THREADS_PER_PERSON", 2)
    site = page_cache.site_version()
    _update(other_customer, display_name="Prolific")
    assert page_cache.site_version() != site
