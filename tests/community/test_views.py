import pytest
from django.urls import reverse

from community.models import Notification
from qa import services
from tests.qa.factories import AnswerFactory

pytestmark = pytest.mark.django_db


def test_public_profile_shows_display_name_threads_and_answers(client, customer, thread):
    AnswerFactory(author=customer, body="I had this too")
    response = client.get(customer.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "Hana" in html
    assert thread.title in html


def test_unknown_profile_is_404(client):
    assert client.get("/u/nobody-here/").status_code == 404


def test_profile_edit_saves_display_name(login, customer):
    client = login(customer)
    response = client.post(
        reverse("community:profile_edit"),
        {"display_name": "Hana S.", "bio": "Photographer", "language": "ja"},
    )
    assert response.status_code == 302
    customer.refresh_from_db()
    assert (customer.display_name, customer.language, customer.email_notifications) == (
        "Hana S.",
        "ja",
        False,
    )


def test_profile_edit_with_bad_input_keeps_what_was_typed(login, customer):
    response = login(customer).post(
        reverse("community:profile_edit"),
        {"display_name": "x" * 81, "bio": "My careful bio", "language": "fr"},
    )
    assert response.status_code == 200
    assert "My careful bio" in response.content.decode()
    assert response.context["form"].errors.keys() >= {"display_name", "language"}


def test_profile_edit_needs_login(client):
    response = client.get(reverse("community:profile_edit"))
    assert response.status_code == 302


def test_notifications_list_open_and_mark_read(login, customer, thread, other_customer, committed):
    with committed():
        services.answer_create(author=other_customer, thread=thread, body="Try this")
    client = login(customer)
    page = client.get(reverse("community:notifications"))
    assert "Ken answered" in page.content.decode()
    home = client.get(reverse("brands:directory"))
    assert 'class="badge badge-count"' in home.content.decode()
    note = Notification.objects.get(recipient=customer)
    opened = client.get(reverse("community:notification_open", args=[note.pk]))
    assert opened["Location"].endswith(f"#answer-{note.answer_id}")
    note.refresh_from_db()
    assert note.read_at is not None


def test_someone_elses_notification_is_404(login, customer, other_customer, thread, committed):
    with committed():
        services.answer_create(author=other_customer, thread=thread, body="Try this")
    note = Notification.objects.get(recipient=customer)
    response = login(other_customer).get(reverse("community:notification_open", args=[note.pk]))
    assert response.status_code == 404
