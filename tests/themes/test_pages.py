import pytest

from tests.community.factories import UserFactory
from tests.qa.factories import AnswerFactory, ThreadFactory
from themes.models import GuidelinesPage, HomePage

pytestmark = pytest.mark.django_db


def test_wagtail_serves_home_and_guidelines(client):
    assert HomePage.objects.live().count() == 1
    assert GuidelinesPage.objects.live().count() == 1
    home = client.get("/")
    assert home.status_code == 200
    assert b"customers help customers" in home.content
    guidelines = client.get("/guidelines/")
    assert guidelines.status_code == 200
    assert b"Be kind, be useful" in guidelines.content


def test_pages_follow_the_browser_language(client):
    home = client.get("/", HTTP_ACCEPT_LANGUAGE="ja")
    assert "お客さま同士が助け合う".encode() in home.content
    assert b'lang="ja"' in home.content


def test_language_can_be_switched(client):
    response = client.get("/language/ja/", {"next": "/brands/"})
    assert response.status_code == 302
    assert response["Location"] == "/brands/"
    page = client.get("/brands/", HTTP_ACCEPT_LANGUAGE="en")
    assert b'lang="ja"' in page.content
    assert "ブランド".encode() in page.content
    assert b'<a href="/language/en/?next=/brands/"' in page.content


def test_switching_language_goes_back_only_to_this_site(client):
    response = client.get("/language/ja/", {"next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_an_unknown_language_is_404(client):
    assert client.get("/language/fr/", {"next": "/"}).status_code == 404


def test_switching_language_changes_nothing_on_a_post(client):
    assert client.post("/language/ja/", {"next": "/"}).status_code == 405


def test_home_lists_recently_solved_threads(client):
    thread = ThreadFactory(title="Flash won't fire")
    answer = AnswerFactory(thread=thread)
    from qa import services

    services.answer_accept(actor=thread.author, answer=answer)
    assert b"Flash won&#x27;t fire" in client.get("/").content


def test_guidelines_are_editable_by_staff_in_wagtail_admin(client):
    staff = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(staff)
    page = GuidelinesPage.objects.get()
    assert client.get("/admin/").status_code == 200
    assert client.get(f"/admin/pages/{page.pk}/edit/").status_code == 200
    assert client.get("/django-admin/").status_code == 200


def test_customers_are_kept_out_of_the_admins(client, customer):
    client.force_login(customer)
    assert client.get("/admin/").status_code == 302
    assert client.get("/django-admin/").status_code == 302


def test_ensuring_pages_twice_creates_no_duplicates():
    from themes.services import site_pages_ensure

    site_pages_ensure()
    site_pages_ensure()
    assert HomePage.objects.count() == 1
    assert GuidelinesPage.objects.count() == 1


def test_pages_are_rebuilt_on_an_emptied_database(client):
    from wagtail.models import Locale, Page, Site

    from themes.services import site_pages_ensure

    Site.objects.all().delete()
    Page.objects.all().delete()
    Locale.objects.all().delete()
    site_pages_ensure()
    assert client.get("/").status_code == 200
    assert client.get("/guidelines/").status_code == 200
