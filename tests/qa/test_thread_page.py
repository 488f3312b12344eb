"""Thread pages assembled from the shared rendering are the pages each viewer would get
rendered for them, ask the database next to nothing, and show every change at once."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from brands import services as brand_services
from moderation import services as moderation_services
from moderation.models import ModeratorAppointment
from qa import services
from tests.brands.factories import BrandFactory, MembershipFactory
from tests.community.factories import UserFactory
from tests.qa.factories import AnswerFactory

pytestmark = pytest.mark.django_db

CACHE = "X-Sodan-Cache"


def _normalised(html: str) -> str:
    """The page without what differs on every response: the CSRF token, the CSP nonce and
    the answer form's submission token."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', 'name="csrfmiddlewaretoken"', html)
    html = re.sub(r'name="submission_token" value="[^"]+"', 'name="submission_token"', html)
    html = re.sub(r'"X-CSRFToken": "[^"]+"', '"X-CSRFToken": ""', html)
    return re.sub(r'nonce="[^"]+"', 'nonce=""', html)


def _assembled_and_rendered(client, settings, thread, user=None):
    """(the page from the shared rendering, the page rendered for this viewer alone)."""
    if user is not None:
        client.force_login(user)
    url = thread.get_absolute_url()
    client.get(url)  # stores the shared rendering
    assembled = client.get(url)
    assert assembled[CACHE] == "hit"
    settings.SODAN_PAGE_CACHE = False
    rendered = client.get(url)
    assert CACHE not in rendered
    settings.SODAN_PAGE_CACHE = True
    return _normalised(assembled.content.decode()), _normalised(rendered.content.decode())


@pytest.fixture
def busy_thread(thread, customer, other_customer, brand):
    """A thread with every kind of answer a reader sees: accepted, the asker's own
    follow-up, official (a rep's), verified by a moderator, endorsed by the brand, voted
    helpful, plain, and a hidden one only its author sees; and a me too."""
    helpful = AnswerFactory(thread=thread, author=other_customer, body="Hold the reset key.")
    AnswerFactory(thread=thread, author=customer, body="Update: it came back after a week.")
    services.answer_accept(actor=customer, answer=helpful)
    rep = MembershipFactory(brand=brand, role="rep", user__username="brand-rep").user
    AnswerFactory(thread=thread, author=rep, body="We are shipping a fix in 2.2.")
    moderator = UserFactory(username="neutral-moderator")
    ModeratorAppointment.objects.create(user=moderator)
    verified = AnswerFactory(thread=thread, author=UserFactory(), body="Re-seat the cap.")
    moderation_services.answer_verify(moderator=moderator, answer=verified, note="Tested.")
    endorsed = AnswerFactory(thread=thread, author=UserFactory(), body="Clean the contacts.")
    brand_services.answer_endorse(actor=rep, answer=endorsed)
    AnswerFactory(thread=thread, author=UserFactory(), body="Same here, no fix yet.")
    hidden = AnswerFactory(thread=thread, author=UserFactory(username="hidden-author"))
    moderation_services.post_hide(actor=moderator, post=hidden, reason="Spam")
    voter = UserFactory(username="voter", display_name="Voter")
    services.answer_vote_toggle(user=voter, answer=helpful)
    services.thread_me_too_toggle(user=voter, thread=thread)
    thread.refresh_from_db()
    return thread


READERS = [
    "anonymous",
    "asker",
    "answerer",
    "voter",
    "stranger",
    "unverified",
    "suspended",
    "rep of another brand",
    "moderator of another brand",
]


def _reader(who, customer, other_customer):
    """The signed-in person (None for anonymous) of each kind the shared page serves."""
    if who == "suspended":
        moderator = UserFactory()
        ModeratorAppointment.objects.create(user=moderator)
        user = UserFactory()
        moderation_services.member_suspend(moderator=moderator, member=user, days=3, reason="Rude")
        return user
    if who == "rep of another brand":
        return MembershipFactory(brand=BrandFactory(), role="rep").user
    if who == "moderator of another brand":
        user = UserFactory()
        ModeratorAppointment.objects.create(user=user, brand=BrandFactory())
        return user
    return {
        "anonymous": lambda: None,
        "asker": lambda: customer,
        "answerer": lambda: other_customer,
        "voter": lambda: type(customer).objects.get(username="voter"),
        "stranger": UserFactory,
        "unverified": lambda: UserFactory(verified=False),
    }[who]()


@pytest.mark.parametrize("who", READERS)
def test_the_assembled_page_is_the_page_rendered_for_that_viewer(
    client, settings, busy_thread, customer, other_customer, who
):
    user = _reader(who, customer, other_customer)
    assembled, rendered = _assembled_and_rendered(client, settings, busy_thread, user)
    assert assembled == rendered


@pytest.mark.parametrize("who", ["stranger", "answerer", "asker"])
def test_a_new_rule_about_one_kind_of_answer_holds_on_the_assembled_page(
    client, settings, monkeypatch, busy_thread, customer, other_customer, who
):
    """A rule that looks at more than "is it my own answer" (here: the asker's own
    follow-up cannot be voted helpful) is obeyed by the page from the cache as by the page
    rendered for the reader: both ask the one rule."""
    from django.core.exceptions import PermissionDenied

    from qa import permissions

    own_rule = permissions.check_can_vote

    def check_can_vote(user, answer):
        own_rule(user, answer)
        if answer.author_id == answer.thread.author_id:
            raise PermissionDenied("The asker's own follow-up is not voted on.")

    monkeypatch.setattr(permissions, "check_can_vote", check_can_vote)
    user = _reader(who, customer, other_customer)
    assembled, rendered = _assembled_and_rendered(client, settings, busy_thread, user)
    assert assembled == rendered
    follow_up = busy_thread.answers.get(author=customer)
    vote_box = assembled.split(f'id="vote-{follow_up.pk}"')[1].split("</div>")[0]
    assert "<button" not in vote_box


def test_the_hidden_answers_author_gets_a_page_of_their_own(client, busy_thread):
    client.force_login(type(busy_thread.author).objects.get(username="hidden-author"))
    client.get(busy_thread.get_absolute_url())
    page = client.get(busy_thread.get_absolute_url())
    assert CACHE not in page
    assert "Spam" in page.content.decode()


def test_the_assembled_page_shows_what_the_viewer_may_do(client, busy_thread, customer):
    client.force_login(customer)
    client.get(busy_thread.get_absolute_url())
    page = client.get(busy_thread.get_absolute_url())
    html = page.content.decode()
    assert page[CACHE] == "hit"
    assert "Undo accept" in html  # the asker's accept buttons
    assert customer.public_name in html
    assert 'name="body"' in html  # the answer form


def test_a_voter_sees_their_vote_pressed_and_others_do_not(client, busy_thread):
    voter = type(busy_thread.author).objects.get(username="voter")
    client.force_login(voter)
    client.get(busy_thread.get_absolute_url())
    assert 'aria-pressed="true"' in client.get(busy_thread.get_absolute_url()).content.decode()
    client.force_login(UserFactory())
    html = client.get(busy_thread.get_absolute_url()).content.decode()
    assert 'aria-pressed="true"' not in html
    assert "Voter" not in html.split('class="site-nav"')[1].split("</nav>")[0]


@pytest.mark.parametrize("two_factor_required", [False, True])
def test_a_signed_in_reader_costs_one_query_whatever_the_answers(
    client, thread, settings, two_factor_required
):
    # With two-factor required, its check loads the reader before the view: still one query.
    settings.SODAN_MFA_REQUIRED_FOR_POWERS = two_factor_required
    AnswerFactory.create_batch(40, thread=thread)
    client.force_login(UserFactory())
    client.get(thread.get_absolute_url())
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(thread.get_absolute_url())
    assert response[CACHE] == "hit"
    # Their user with everything about them on this thread; the session is in the cache.
    assert len(ctx.captured_queries) == 1


def test_an_anonymous_reader_costs_no_query(client, thread):
    reader = UserFactory(display_name="Ada Reader")
    client.force_login(reader)  # a signed-in reader stores the shared rendering first
    client.get(thread.get_absolute_url())
    client.logout()
    with CaptureQueriesContext(connection) as ctx:
        first = client.get(thread.get_absolute_url())
        second = client.get(thread.get_absolute_url())
    assert first[CACHE] == second[CACHE] == "hit"
    assert ctx.captured_queries == []
    assert "Ada Reader" not in first.content.decode()
    assert "Log in" in first.content.decode()


@pytest.mark.parametrize("role", ["rep", "admin", "product"])
def test_the_brands_people_get_their_own_page_with_their_tools(client, brand, thread, role):
    member = MembershipFactory(brand=brand, role=role).user
    client.get(thread.get_absolute_url())  # anonymous: the shared rendering is stored
    client.force_login(member)
    page = client.get(thread.get_absolute_url())
    assert CACHE not in page
    assert "Only Hoshino Camera's team sees these tools." in page.content.decode()


def test_a_moderator_of_the_brand_gets_their_own_page_with_moderation_links(
    client, brand, thread, answer
):
    moderator = UserFactory()
    ModeratorAppointment.objects.create(user=moderator, brand=brand)
    client.get(thread.get_absolute_url())
    client.force_login(moderator)
    page = client.get(thread.get_absolute_url())
    assert CACHE not in page
    assert "Moderate" in page.content.decode()


def test_the_author_of_a_hidden_answer_still_sees_it(client, thread, answer, other_customer):
    moderator = UserFactory()
    ModeratorAppointment.objects.create(user=moderator)
    moderation_services.post_hide(actor=moderator, post=answer, reason="Off topic")
    client.get(thread.get_absolute_url())
    client.force_login(other_customer)
    html = client.get(thread.get_absolute_url()).content.decode()
    assert "Only you can see this answer" in html
    client.force_login(UserFactory())
    assert answer.body not in client.get(thread.get_absolute_url()).content.decode()


def test_a_hidden_thread_is_404_at_once_for_signed_in_readers(client, thread):
    reader = UserFactory()
    client.force_login(reader)
    client.get(thread.get_absolute_url())
    moderator = UserFactory()
    ModeratorAppointment.objects.create(user=moderator)
    moderation_services.post_hide(actor=moderator, post=thread, reason="Spam")
    assert client.get(thread.get_absolute_url()).status_code == 404


def test_a_locked_thread_tells_signed_in_readers_why_they_cannot_answer(client, thread):
    moderator = UserFactory()
    ModeratorAppointment.objects.create(user=moderator)
    moderation_services.thread_lock(actor=moderator, thread=thread, reason="Resolved")
    client.force_login(UserFactory())
    client.get(thread.get_absolute_url())
    page = client.get(thread.get_absolute_url())
    assert page[CACHE] == "hit"
    assert "locked this thread" in page.content.decode()


def test_messages_show_on_an_assembled_page(client, thread, customer):
    from qa.models import Thread

    duplicate = Thread.objects.create(
        brand=thread.brand, author=customer, type="question", title="Cap stuck", slug="cap-stuck"
    )
    moderator = UserFactory()
    ModeratorAppointment.objects.create(user=moderator)
    moderation_services.thread_close_as_duplicate(
        actor=moderator, thread=duplicate, original=thread, reason="Same question"
    )
    client.force_login(UserFactory())
    client.get(thread.get_absolute_url())  # the original's shared rendering is stored
    page = client.get(duplicate.get_absolute_url(), follow=True)
    assert "That thread was closed as a duplicate of this one." in page.content.decode()
    assert page[CACHE] == "hit"


def test_a_customer_who_is_suspended_meanwhile_is_told_at_once(client, thread):
    reader = UserFactory()
    client.force_login(reader)
    client.get(thread.get_absolute_url())
    moderator = UserFactory()
    ModeratorAppointment.objects.create(user=moderator)
    moderation_services.member_suspend(moderator=moderator, member=reader, days=2, reason="Spam")
    html = client.get(thread.get_absolute_url()).content.decode()
    assert "Your account is suspended until" in html
    assert 'name="body"' not in html


def test_dates_are_written_as_dates_for_the_browser_to_show_as_relative(client, thread):
    thread.created_at = timezone.now() - timedelta(days=3)
    thread.save(update_fields=["created_at"])
    html = client.get(thread.get_absolute_url()).content.decode()
    stamp = re.search(r'<time datetime="([^"]+)" data-relative>([^<]+)</time>', html)
    assert stamp is not None
    assert "ago" not in stamp.group(2)


def test_a_password_changed_elsewhere_signs_the_old_session_out(client, thread):
    reader = UserFactory(display_name="Ada Reader")
    client.force_login(reader)
    client.get(thread.get_absolute_url())
    assert "Ada Reader" in client.get(thread.get_absolute_url()).content.decode()
    reader.set_password("a-new-secret-passphrase")
    reader.save()
    page = client.get(thread.get_absolute_url())
    assert "Ada Reader" not in page.content.decode()
    assert "Log in" in page.content.decode()


def test_a_deactivated_member_reads_as_anonymous(client, thread):
    reader = UserFactory(display_name="Ada Reader")
    client.force_login(reader)
    client.get(thread.get_absolute_url())
    type(reader).objects.filter(pk=reader.pk).update(is_active=False)
    page = client.get(thread.get_absolute_url())
    assert "Ada Reader" not in page.content.decode()
    assert "Log in" in page.content.decode()


def test_a_session_from_a_backend_no_longer_listed_reads_as_anonymous(client, settings, thread):
    reader = UserFactory(display_name="Ada Reader")
    client.force_login(reader, backend="community.auth_backends.AuthenticationBackend")
    client.get(thread.get_absolute_url())
    settings.AUTHENTICATION_BACKENDS = ["community.auth_backends.ModelBackend"]
    assert "Ada Reader" not in client.get(thread.get_absolute_url()).content.decode()


def test_a_session_missing_from_the_cache_is_read_from_the_database(client, thread):
    from django.core.cache import cache

    reader = UserFactory(display_name="Ada Reader")
    client.force_login(reader)
    client.get(thread.get_absolute_url())
    cache.clear()  # a restarted cache: the session survives in the database
    client.get(thread.get_absolute_url())
    page = client.get(thread.get_absolute_url())
    assert page[CACHE] == "hit"
    assert "Ada Reader" in page.content.decode()
