"""A solved, verified thread becomes the brand's knowledge article in one step."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from brands import services as brand_services
from brands.models import Membership, ProductVersion
from knowledge import services
from knowledge.models import ThreadArticle
from moderation import services as moderation
from moderation.models import ModeratorAppointment
from qa import services as qa
from tests.community.factories import UserFactory
from tests.qa.factories import AnswerFactory, ThreadFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(brand):
    user = UserFactory(username="editor", display_name="Eri Editor")
    Membership.objects.create(brand=brand, user=user, role=Membership.Role.ADMIN)
    return user


@pytest.fixture
def rep(brand):
    user = UserFactory(username="rep")
    Membership.objects.create(brand=brand, user=user, role=Membership.Role.REP)
    return user


@pytest.fixture
def release(product):
    return ProductVersion.objects.create(
        product=product, name="2.1", released_at=timezone.now() - timedelta(days=30)
    )


@pytest.fixture
def solved(brand, product, release, customer, other_customer):
    """A thread about Z5 2.1 with an accepted answer by Ken and a verified one by Aiko."""
    thread = ThreadFactory(
        brand=brand,
        product=product,
        version=release,
        author=customer,
        title="Lens cap error E12 after firmware 2.1",
        body="The lens shows **E12** and will not extend.",
    )
    accepted = AnswerFactory(
        thread=thread, author=other_customer, body="Hold the power button for ten seconds."
    )
    aiko = UserFactory(username="aiko", display_name="Aiko")
    verified = AnswerFactory(thread=thread, author=aiko, body="Then reinstall firmware 2.1.1.")
    qa.answer_accept(actor=customer, answer=accepted)
    mod = UserFactory(username="mod")
    ModeratorAppointment.objects.create(user=mod)
    moderation.answer_verify(moderator=mod, answer=verified)
    thread.refresh_from_db()
    return thread


def test_an_editor_makes_a_draft_article_crediting_everyone(solved, editor, release):
    link = services.article_from_thread(actor=editor, thread=solved)
    article = link.article.specific
    assert article.live is False  # a draft to edit in Wagtail
    assert article.title == "Lens cap error E12 after firmware 2.1"
    assert "Hold the power button" in article.body and "firmware 2.1.1" in article.body
    assert "Written with the community: Hana, Ken, Aiko" in article.body
    assert solved.get_absolute_url() in article.body
    assert {p.username for p in link.contributors.all()} == {"hana", "ken", "aiko"}
    assert link.version == release
    assert article.get_parent().specific.brand == solved.brand


def test_the_article_body_is_sanitized(brand, customer, other_customer, editor):
    thread = ThreadFactory(brand=brand, author=customer, body="Fine <script>alert(1)</script>")
    answer = AnswerFactory(thread=thread, author=other_customer, body="ok")
    qa.answer_accept(actor=customer, answer=answer)
    mod = UserFactory(username="mod")
    ModeratorAppointment.objects.create(user=mod)
    moderation.answer_verify(moderator=mod, answer=answer)
    link = services.article_from_thread(actor=editor, thread=thread)
    assert "<script" not in link.article.specific.body


def test_only_the_brands_editors_may(solved, rep, customer):
    for person in (rep, customer):
        with pytest.raises(PermissionDenied, match="editors"):
            services.article_from_thread(actor=person, thread=solved)
    assert not ThreadArticle.objects.exists()


def test_an_editor_of_another_brand_may_not(solved):
    from tests.brands.factories import BrandFactory

    other = UserFactory()
    Membership.objects.create(brand=BrandFactory(), user=other, role=Membership.Role.ADMIN)
    with pytest.raises(PermissionDenied):
        services.article_from_thread(actor=other, thread=solved)


def test_a_thread_needs_acceptance_and_verification(brand, customer, other_customer, editor):
    thread = ThreadFactory(brand=brand, author=customer)
    answer = AnswerFactory(thread=thread, author=other_customer)
    with pytest.raises(ValidationError, match="accepted answer"):
        services.article_from_thread(actor=editor, thread=thread)
    qa.answer_accept(actor=customer, answer=answer)
    with pytest.raises(ValidationError, match="verified"):
        services.article_from_thread(actor=editor, thread=thread)
    assert not ThreadArticle.objects.exists()


def test_a_thread_becomes_one_article(solved, editor):
    services.article_from_thread(actor=editor, thread=solved)
    with pytest.raises(ValidationError, match="already"):
        services.article_from_thread(actor=editor, thread=solved)


def test_the_next_release_marks_the_article_may_be_outdated(solved, editor, rep, product):
    link = services.article_from_thread(actor=editor, thread=solved, publish=True)
    new = brand_services.version_publish(actor=rep, product=product, name="2.2")
    link.refresh_from_db()
    assert link.outdated_for == new


def test_the_next_release_drops_the_cached_page_of_the_articles_thread(
    solved, editor, rep, product
):
    """The thread page shows the article's "may be outdated" mark."""
    from community import page_cache

    services.article_from_thread(actor=editor, thread=solved, publish=True)
    key = page_cache._thread_version_key(solved.pk)
    before = page_cache.lookup(key)[0]
    brand_services.version_publish(actor=rep, product=product, name="2.2")
    assert page_cache.lookup(key)[0] != before


def test_thread_and_article_link_to_each_other(client, solved, editor):
    link = services.article_from_thread(actor=editor, thread=solved, publish=True)
    article_page = client.get(link.article.url)
    assert article_page.status_code == 200
    html = article_page.content.decode()
    assert solved.get_absolute_url() in html and "Aiko" in html
    assert "Z5 2.1" in html
    thread_page = client.get(solved.get_absolute_url())
    assert link.article.url in thread_page.content.decode()


def test_the_post_refuses_a_rep_with_a_403_that_says_why(client, solved, rep):
    client.force_login(rep)
    response = client.post(f"/t/{solved.pk}/-/article/")
    assert response.status_code == 403
    assert "Only Hoshino Camera&#x27;s editors" in response.content.decode()
    assert not ThreadArticle.objects.exists()


def test_the_button_shows_for_editors_only_and_makes_the_draft(client, solved, editor, rep):
    client.force_login(rep)
    assert "data-knowledge-make" not in client.get(solved.get_absolute_url()).content.decode()
    client.force_login(editor)
    assert "data-knowledge-make" in client.get(solved.get_absolute_url()).content.decode()
    response = client.post(f"/t/{solved.pk}/-/article/")
    assert response.status_code == 302
    link = ThreadArticle.objects.get()
    assert response["Location"] == f"/admin/pages/{link.article_id}/edit/"


def test_publishing_the_draft_in_wagtail_drops_the_threads_page(solved, editor):
    from community import page_cache

    link = services.article_from_thread(actor=editor, thread=solved)
    key = page_cache._thread_version_key(solved.pk)
    before = page_cache.lookup(key)[0]
    link.article.specific.get_latest_revision().publish(skip_permission_checks=True)
    assert page_cache.lookup(key)[0] != before
