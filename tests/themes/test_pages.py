import pytest

from tests.community.factories import UserFactory
from tests.qa.factories import AnswerFactory, ThreadFactory
from themes.models import GuidelinesPage, HomePage

pytestmark = pytest.mark.django_db


def test_fresh_database_serves_home_and_guidelines_from_wagtail(client):
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
    response = client.post("/i18n/setlang/", {"language": "ja", "next": "/brands/"})
    assert response.status_code == 302
    page = client.get("/brands/", HTTP_ACCEPT_LANGUAGE="en")
    assert b'lang="ja"' in page.content
    assert "ブランド".encode() in page.content


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
