import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from moderation import services
from moderation.models import CrisisKeyword, Flag, Verification
from qa import services as qa_services
from qa.models import Thread
from tests.brands.factories import BrandFactory
from tests.community.factories import UserFactory
from tests.qa.factories import AnswerFactory, ThreadFactory

pytestmark = pytest.mark.django_db


def test_flag_form_flags_and_thanks(login, other_customer, thread):
    client = login(other_customer)
    url = reverse("moderation:flag", args=["thread", thread.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"reason": "spam"})
    assert response.status_code == 302
    assert Flag.objects.get().flagger == other_customer


def test_flag_form_with_bad_input_keeps_the_note(login, other_customer, answer, customer):
    client = login(customer)
    response = client.post(
        reverse("moderation:flag", args=["answer", answer.pk]),
        {"reason": "duplicate", "note": "My careful note", "duplicate_of": "not a link"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "My careful note" in html
    assert 'id="id_duplicate_of_errors"' in html
    assert not Flag.objects.exists()


def test_flag_own_post_is_403_with_reason(login, customer, thread):
    response = login(customer).post(
        reverse("moderation:flag", args=["thread", thread.pk]), {"reason": "spam"}
    )
    assert response.status_code == 403
    assert b"your own post" in response.content


def test_flag_needs_login(client, thread):
    response = client.get(reverse("moderation:flag", args=["thread", thread.pk]))
    assert response.status_code == 302


def test_flag_unknown_post_is_404(login, customer):
    assert login(customer).get(reverse("moderation:flag", args=["answer", 999])).status_code == 404


def test_queue_is_for_moderators_only(login, customer):
    response = login(customer).get(reverse("moderation:queue"))
    assert response.status_code == 403
    assert b"Only moderators" in response.content


def test_queue_shows_flagged_posts_oldest_first_with_filters(login, moderator):
    first, second = ThreadFactory(title="First flagged"), ThreadFactory(title="Second flagged")
    services.flag_create(flagger=UserFactory(), thread=first, reason="spam")
    services.flag_create(flagger=UserFactory(), thread=second, reason="abusive")
    client = login(moderator)
    items = client.get(reverse("moderation:queue")).context["items"]
    assert [i["post"].title for i in items] == ["First flagged", "Second flagged"]
    items = client.get(reverse("moderation:queue"), {"reason": "abusive"}).context["items"]
    assert [i["post"].title for i in items] == ["Second flagged"]
    items = client.get(reverse("moderation:queue"), {"brand": second.brand_id}).context["items"]
    assert [i["post"].title for i in items] == ["Second flagged"]


def test_a_brand_moderator_sees_only_their_brand_in_the_queue(login, brand_moderator, thread):
    elsewhere = ThreadFactory()
    services.flag_create(flagger=UserFactory(), thread=thread, reason="spam")
    services.flag_create(flagger=UserFactory(), thread=elsewhere, reason="spam")
    items = login(brand_moderator).get(reverse("moderation:queue")).context["items"]
    assert [i["post"].pk for i in items] == [thread.pk]
    response = login(brand_moderator).get(
        reverse("moderation:moderate", args=["thread", elsewhere.pk])
    )
    assert response.status_code == 403


def test_queue_query_count_is_constant(login, moderator):
    def flagged(n):
        for _ in range(n):
            services.flag_create(flagger=UserFactory(), answer=AnswerFactory(), reason="spam")

    client = login(moderator)
    flagged(5)
    client.get(reverse("moderation:queue"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("moderation:queue"))
    flagged(20)
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("moderation:queue"))
    assert len(response.context["items"]) == 25
    assert len(few.captured_queries) == len(many.captured_queries)


def test_moderate_page_hides_with_a_reason(login, moderator, thread):
    client = login(moderator)
    url = reverse("moderation:moderate", args=["thread", thread.pk])
    response = client.post(url, {"action": "hide", "reason": "Spam link"})
    assert response.status_code == 302
    assert Thread.objects.get(pk=thread.pk).visibility == "hidden"


def test_moderate_without_reason_keeps_the_form(login, moderator, thread):
    response = login(moderator).post(
        reverse("moderation:moderate", args=["thread", thread.pk]), {"action": "delete"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["reason"]
    assert Thread.objects.get(pk=thread.pk).visibility == "published"


def test_close_as_duplicate_from_the_moderate_page_takes_a_link(login, moderator, brand):
    original, duplicate = ThreadFactory(brand=brand), ThreadFactory(brand=brand)
    response = login(moderator).post(
        reverse("moderation:moderate", args=["thread", duplicate.pk]),
        {
            "action": "close_duplicate",
            "reason": "Same",
            "original": f"http://testserver{original.get_absolute_url()}",
        },
    )
    assert response.status_code == 302
    assert Thread.objects.get(pk=duplicate.pk).duplicate_of == original


def test_a_rep_gets_a_403_that_explains_neutrality(login, brand_rep, thread):
    from moderation.models import ModeratorAppointment

    ModeratorAppointment.objects.create(user=brand_rep)
    response = login(brand_rep).get(reverse("moderation:moderate", args=["thread", thread.pk]))
    assert response.status_code == 403
    assert b"neutral moderators" in response.content


def test_verify_page_and_badge_on_the_thread(login, moderator, answer, thread):
    client = login(moderator)
    response = client.post(
        reverse("moderation:verify", args=[answer.pk]),
        {"note": "Matches the manual", "source_url": "https://manual.example/p12"},
    )
    assert response.status_code == 302
    html = client.get(thread.get_absolute_url()).content.decode()
    assert "Verified accurate by Mo Derator" in html
    assert "Has a verified answer" in html


def test_verify_with_a_bad_source_keeps_the_note(login, moderator, answer):
    response = login(moderator).post(
        reverse("moderation:verify", args=[answer.pk]),
        {"note": "My check", "source_url": "not a url at all"},
    )
    assert response.status_code == 200
    assert "My check" in response.content.decode()
    assert not Verification.objects.exists()


def test_recheck_queue_lists_withdrawn_and_declines(login, moderator, answer, other_customer):
    services.answer_verify(moderator=moderator, answer=answer)
    qa_services.answer_edit(actor=other_customer, answer=answer, body="Changed")
    client = login(moderator)
    page = client.get(reverse("moderation:rechecks"))
    assert len(page.context["page"]) == 1
    verification = Verification.objects.get()
    client.post(
        reverse("moderation:recheck_decline", args=[verification.pk]), {"reason": "Now wrong"}
    )
    assert Verification.objects.get().status == "declined"


def test_author_sees_why_their_answer_is_hidden_and_can_appeal(
    login, moderator, answer, thread, second_moderator
):
    services.post_hide(actor=moderator, post=answer, reason="Contains a phone number")
    author = login(answer.author)
    html = author.get(thread.get_absolute_url()).content.decode()
    assert "Contains a phone number" in html
    assert "Only you can see this answer" in html
    response = author.post(
        reverse("moderation:appeal", args=["answer", answer.pk]), {"message": "It was fake"}
    )
    assert response.status_code == 302
    page = login(second_moderator).get(reverse("moderation:appeals"))
    assert len(page.context["page"]) == 1


def test_others_do_not_see_a_hidden_answer(client, moderator, answer, thread):
    services.post_hide(actor=moderator, post=answer, reason="x")
    assert answer.body not in client.get(thread.get_absolute_url()).content.decode()


def test_sanction_page_is_for_global_moderators(login, brand_moderator, moderator, customer):
    url = reverse("moderation:member_sanction", args=[customer.username])
    assert login(brand_moderator).get(url).status_code == 403
    response = login(moderator).post(url, {"kind": "suspend", "days": 3, "reason": "Insults"})
    assert response.status_code == 302
    customer.refresh_from_db()
    assert customer.is_suspended


def test_sanction_form_errors(login, moderator, customer):
    response = login(moderator).post(
        reverse("moderation:member_sanction", args=[customer.username]),
        {"kind": "suspend", "reason": "Insults"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["days"]


def test_brand_admin_keeps_keywords_rep_cannot(login, brand, brand_admin, brand_rep):
    url = reverse("moderation:brand_keywords", args=[brand.slug])
    assert login(brand_rep).get(url).status_code == 403
    response = login(brand_admin).post(url, {"phrase": "発火"})
    assert response.status_code == 302
    assert CrisisKeyword.objects.get().brand == brand
    assert (
        login(brand_admin)
        .get(reverse("moderation:brand_keywords", args=[BrandFactory().slug]))
        .status_code
        == 403
    )


def test_over_the_posting_limit_is_429_and_keeps_the_text(login, customer, brand, settings):
    settings.SODAN_RATE_LIMITS_ENABLED = True
    settings.SODAN_NEW_MEMBER = {**settings.SODAN_NEW_MEMBER, "posts_per_hour": 1}
    client = login(customer)
    url = reverse("qa:ask", args=[brand.slug])
    client.post(url, {"type": "question", "title": "First", "body": "One"})
    response = client.post(url, {"type": "question", "title": "Second", "body": "Keep me"})
    assert response.status_code == 429
    html = response.content.decode()
    assert "Keep me" in html
    assert "try again in" in html
    assert Thread.objects.count() == 1


def test_over_the_vote_limit_is_429_with_retry_after(login, customer, settings):
    settings.SODAN_RATE_LIMITS_ENABLED = True
    settings.SODAN_RATE_LIMITS = {**settings.SODAN_RATE_LIMITS, "vote": (1, 3600)}
    answers = AnswerFactory.create_batch(2)
    client = login(customer)
    client.post(reverse("qa:vote", args=[answers[0].pk]))
    response = client.post(reverse("qa:vote", args=[answers[1].pk]))
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert b"try again in" in response.content


def test_suspended_member_sees_the_reason_on_the_answer_form(login, customer, thread, moderator):
    services.member_suspend(moderator=moderator, member=customer, days=2, reason="Insults")
    html = login(customer).get(thread.get_absolute_url()).content.decode()
    assert "suspended until" in html
    assert 'name="body"' not in html


def test_locked_thread_says_so_instead_of_the_answer_form(login, other_customer, thread, moderator):
    services.thread_lock(actor=moderator, thread=thread, reason="Heated")
    html = login(other_customer).get(thread.get_absolute_url()).content.decode()
    assert "locked this thread" in html
    assert 'name="body"' not in html
