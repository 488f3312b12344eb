import threading

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from brands.models import Brand, ProductVersion
from community.models import Notification, User
from qa import services
from qa.models import Answer, HelpfulVote, MeToo, Revision, Thread, ThreadSubscription
from tests.brands.factories import BrandFactory, ProductFactory
from tests.community.factories import UserFactory
from tests.qa.factories import AnswerFactory, ThreadFactory

pytestmark = pytest.mark.django_db

NOW = timezone.now()


def refreshed(obj):
    obj.refresh_from_db()
    return obj


# --- Asking -------------------------------------------------------------------------------


def test_thread_create_renders_markdown_and_keeps_the_source(customer, brand, product):
    thread = services.thread_create(
        author=customer,
        brand=brand,
        product=product,
        type=Thread.Type.PROBLEM,
        title="  Z5 won't charge  ",
        body="It **stopped** charging.\n\n<script>alert(1)</script>",
    )
    assert thread.title == "Z5 won't charge"
    assert thread.body.startswith("It **stopped**")
    assert "<strong>stopped</strong>" in thread.body_html
    assert "<script" not in thread.body_html
    assert thread.status == Thread.Status.OPEN
    assert thread.excerpt.startswith("It stopped charging")
    assert refreshed(brand).thread_count == 1


def test_thread_create_keeps_revision_one_and_subscribes_the_asker(customer, brand):
    thread = services.thread_create(author=customer, brand=brand, title="Q", body="Details")
    assert list(thread.revisions.values_list("number", "title", "body")) == [(1, "Q", "Details")]
    assert ThreadSubscription.objects.filter(thread=thread, user=customer).exists()


def test_japanese_title_gets_a_readable_slug(customer, brand):
    thread = services.thread_create(
        author=customer, brand=brand, title="充電できない", body="困っています"
    )
    assert thread.slug == "充電できない"
    assert thread.get_absolute_url().startswith(f"/t/{thread.pk}/")


@pytest.mark.parametrize(
    ("title", "body", "field"),
    [
        ("", "Body", "title"),
        ("   ", "Body", "title"),
        ("Title", "", "body"),
        ("Title", "  \n ", "body"),
        ("T" * 201, "Body", "title"),
        ("Title", "x" * 20_001, "body"),
    ],
)
def test_thread_create_refuses_bad_input_and_writes_nothing(customer, brand, title, body, field):
    with pytest.raises(ValidationError) as error:
        services.thread_create(author=customer, brand=brand, title=title, body=body)
    assert field in error.value.message_dict
    assert not Thread.objects.exists()
    assert refreshed(brand).thread_count == 0


def test_oversized_body_error_names_the_limit(customer, brand):
    with pytest.raises(ValidationError) as error:
        services.thread_create(author=customer, brand=brand, title="T", body="x" * 20_001)
    assert "20001" in error.value.message_dict["body"][0]
    assert "20000" in error.value.message_dict["body"][0]


def test_thread_create_refuses_unknown_type(customer, brand):
    with pytest.raises(ValidationError):
        services.thread_create(author=customer, brand=brand, title="T", body="B", type="rant")


def test_thread_create_refuses_another_brands_product(customer, brand):
    foreign = ProductFactory(brand=BrandFactory())
    with pytest.raises(ValidationError) as error:
        services.thread_create(author=customer, brand=brand, title="T", body="B", product=foreign)
    assert "product" in error.value.message_dict


def test_a_thread_names_a_release_of_its_own_product_only(customer, brand, product):
    released = ProductVersion.objects.create(product=product, name="2.1", released_at=NOW)
    other = ProductVersion.objects.create(
        product=ProductFactory(brand=brand), name="9.0", released_at=NOW
    )
    unpublished = ProductVersion.objects.create(product=product, name="3.0")
    for version, product_given in ((other, product), (released, None), (unpublished, product)):
        with pytest.raises(ValidationError) as error:
            services.thread_create(
                author=customer,
                brand=brand,
                title="T",
                body="B",
                product=product_given,
                version=version,
            )
        assert list(error.value.message_dict) == ["version"]
    assert not Thread.objects.exists()
    thread = services.thread_create(
        author=customer, brand=brand, title="T", body="B", product=product, version=released
    )
    assert refreshed(thread).version == released


def test_unverified_member_cannot_ask(unverified, brand):
    with pytest.raises(PermissionDenied, match="Confirm your e-mail"):
        services.thread_create(author=unverified, brand=brand, title="T", body="B")
    assert not Thread.objects.exists()


def test_deactivated_member_cannot_ask(customer, brand):
    customer.is_active = False
    customer.save()
    with pytest.raises(PermissionDenied):
        services.thread_create(author=customer, brand=brand, title="T", body="B")


# --- Answering ----------------------------------------------------------------------------


def test_answer_marks_thread_answered_and_counts(thread, other_customer):
    services.answer_create(author=other_customer, thread=thread, body="Hold the button for 10 s.")
    thread = refreshed(thread)
    assert thread.answer_count == 1
    assert thread.status == Thread.Status.ANSWERED


def test_answer_notifies_the_asker_in_app_and_by_email(thread, customer, other_customer, committed):
    mail.outbox.clear()
    with committed():
        answer = services.answer_create(author=other_customer, thread=thread, body="Try this")
    notification = Notification.objects.get(recipient=customer)
    assert notification.kind == Notification.Kind.ANSWER_POSTED
    assert notification.answer == answer
    assert notification.emailed_at is not None
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [customer.email]
    assert thread.title in mail.outbox[0].subject
    assert answer.get_absolute_url() in mail.outbox[0].body


def test_answerer_is_not_notified_of_their_own_answer(thread, customer, other_customer, committed):
    services.thread_me_too_toggle(user=other_customer, thread=thread)
    with committed():
        services.answer_create(author=customer, thread=thread, body="Solved it myself: reset.")
    assert list(Notification.objects.values_list("recipient__username", flat=True)) == ["ken"]


def test_email_respects_the_opt_out_but_in_app_notice_stays(
    thread, customer, other_customer, committed
):
    User.objects.filter(pk=customer.pk).update(email_notifications=False)
    mail.outbox.clear()
    with committed():
        services.answer_create(author=other_customer, thread=thread, body="Try this")
    assert Notification.objects.filter(recipient=customer).count() == 1
    assert mail.outbox == []


def test_japanese_member_gets_a_japanese_email(thread, customer, other_customer, committed):
    User.objects.filter(pk=customer.pk).update(language="ja")
    mail.outbox.clear()
    with committed():
        services.answer_create(author=other_customer, thread=thread, body="再起動してください")
    assert "新しい回答" in mail.outbox[0].subject


def test_notification_task_is_idempotent(answer, customer):
    from community.tasks import notify_answer_posted

    mail.outbox.clear()
    notify_answer_posted(answer.pk)
    notify_answer_posted(answer.pk)
    assert Notification.objects.filter(recipient=customer).count() == 1
    assert len(mail.outbox) == 1


def test_answer_notifies_me_too_subscribers(thread, other_customer, committed):
    third = UserFactory()
    services.thread_me_too_toggle(user=third, thread=thread)
    with committed():
        services.answer_create(author=other_customer, thread=thread, body="Fixed in 2.2")
    assert Notification.objects.filter(recipient=third).exists()


def test_unverified_member_cannot_answer(thread, unverified):
    with pytest.raises(PermissionDenied):
        services.answer_create(author=unverified, thread=thread, body="Hi")
    assert refreshed(thread).answer_count == 0


def test_empty_answer_is_refused(thread, other_customer):
    with pytest.raises(ValidationError):
        services.answer_create(author=other_customer, thread=thread, body="   ")
    assert not Answer.objects.exists()


# --- Helpful votes ------------------------------------------------------------------------


def test_vote_toggles_and_counts(answer, customer, other_customer):
    assert services.answer_vote_toggle(user=customer, answer=answer) is True
    assert refreshed(answer).helpful_count == 1
    assert refreshed(other_customer).reputation == services.REPUTATION_HELPFUL_VOTE
    assert services.answer_vote_toggle(user=customer, answer=answer) is False
    assert refreshed(answer).helpful_count == 0
    assert refreshed(other_customer).reputation == 0


def test_votes_from_different_people_add_up(answer):
    for voter in UserFactory.create_batch(3):
        services.answer_vote_toggle(user=voter, answer=answer)
    assert refreshed(answer).helpful_count == 3


def test_cannot_vote_own_answer(answer, other_customer):
    with pytest.raises(PermissionDenied, match="your own answer"):
        services.answer_vote_toggle(user=other_customer, answer=answer)
    assert refreshed(answer).helpful_count == 0


def test_anonymous_cannot_vote(answer):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied, match="Log in"):
        services.answer_vote_toggle(user=AnonymousUser(), answer=answer)


def test_one_vote_per_person_is_a_database_rule(answer, customer):
    from django.db import IntegrityError, transaction

    HelpfulVote.objects.create(answer=answer, user=customer)
    with pytest.raises(IntegrityError), transaction.atomic():
        HelpfulVote.objects.create(answer=answer, user=customer)


# --- Me too -------------------------------------------------------------------------------


def test_me_too_toggles_counts_and_subscribes(thread, other_customer):
    assert services.thread_me_too_toggle(
        user=other_customer, thread=thread, version="2.1", platform="iOS 19"
    )
    assert refreshed(thread).me_too_count == 1
    me_too = MeToo.objects.get()
    assert (me_too.version, me_too.platform) == ("2.1", "iOS 19")
    assert ThreadSubscription.objects.filter(thread=thread, user=other_customer).exists()
    assert services.thread_me_too_toggle(user=other_customer, thread=thread) is False
    assert refreshed(thread).me_too_count == 0


def test_asker_cannot_me_too_their_own_thread(thread, customer):
    with pytest.raises(PermissionDenied, match="already follow"):
        services.thread_me_too_toggle(user=customer, thread=thread)


# --- Accepting ----------------------------------------------------------------------------


def test_asker_accepts_an_answer(thread, answer, customer, other_customer, committed):
    with committed():
        services.answer_accept(actor=customer, answer=answer)
    thread, answer = refreshed(thread), refreshed(answer)
    assert thread.status == Thread.Status.SOLVED
    assert thread.accepted_answer == answer
    assert answer.accepted_by == customer
    assert answer.accepted_at is not None
    assert refreshed(other_customer).reputation == services.REPUTATION_ACCEPTED
    note = Notification.objects.get(recipient=other_customer)
    assert note.kind == Notification.Kind.ANSWER_ACCEPTED


def test_accepting_another_answer_moves_the_mark(thread, answer, customer, other_customer):
    second = AnswerFactory(thread=thread)
    services.answer_accept(actor=customer, answer=answer)
    services.answer_accept(actor=customer, answer=second)
    assert refreshed(answer).accepted_at is None
    assert refreshed(second).accepted_at is not None
    assert refreshed(thread).accepted_answer == second
    assert refreshed(other_customer).reputation == 0


def test_undo_accept_returns_thread_to_answered(thread, answer, customer, other_customer):
    services.answer_accept(actor=customer, answer=answer)
    services.answer_unaccept(actor=customer, answer=answer)
    thread = refreshed(thread)
    assert thread.status == Thread.Status.ANSWERED
    assert thread.accepted_answer is None
    assert refreshed(answer).accepted_at is None
    assert refreshed(other_customer).reputation == 0


def test_only_the_asker_accepts(answer, other_customer):
    stranger = UserFactory()
    for person in (stranger, other_customer):
        with pytest.raises(PermissionDenied, match="Only the person who asked"):
            services.answer_accept(actor=person, answer=answer)
    assert refreshed(answer).accepted_at is None


def test_a_global_moderator_may_accept(answer):
    from moderation.models import ModeratorAppointment

    moderator = UserFactory()
    ModeratorAppointment.objects.create(user=moderator)
    services.answer_accept(actor=moderator, answer=answer)
    assert refreshed(answer).accepted_by == moderator


def test_a_moderator_of_another_brand_may_not_accept(answer):
    from moderation.models import ModeratorAppointment

    moderator = UserFactory()
    ModeratorAppointment.objects.create(user=moderator, brand=BrandFactory())
    with pytest.raises(PermissionDenied):
        services.answer_accept(actor=moderator, answer=answer)


def test_a_moderator_who_works_for_the_brand_is_not_neutral(answer, thread):
    from brands.models import Membership
    from moderation.models import ModeratorAppointment

    moderator = UserFactory()
    ModeratorAppointment.objects.create(user=moderator)
    Membership.objects.create(brand=thread.brand, user=moderator, role=Membership.Role.REP)
    with pytest.raises(PermissionDenied):
        services.answer_accept(actor=moderator, answer=answer)


# --- Editing ------------------------------------------------------------------------------


def test_editing_a_thread_keeps_every_revision(thread, customer):
    services.thread_edit(actor=customer, thread=thread, title="New title", body="New **body**")
    services.thread_edit(actor=customer, thread=thread, title="Newer title", body="Newer body")
    thread = refreshed(thread)
    assert thread.title == "Newer title"
    assert thread.revision_count == 3
    assert thread.edited_at is not None
    assert list(Revision.objects.filter(thread=thread).values_list("number", "title")) == [
        (3, "Newer title"),
        (2, "New title"),
        (1, "Lens cap stuck after firmware 2.1"),
    ]


def test_saving_unchanged_text_makes_no_revision(thread, customer):
    services.thread_edit(actor=customer, thread=thread, title=thread.title, body=thread.body)
    assert refreshed(thread).revision_count == 1


def test_editing_an_answer_keeps_every_revision(answer, other_customer):
    services.answer_edit(actor=other_customer, answer=answer, body="Better: hold 15 s.")
    answer = refreshed(answer)
    assert answer.body == "Better: hold 15 s."
    assert list(answer.revisions.values_list("number", flat=True)) == [2, 1]


def test_only_the_author_edits(thread, answer, customer, other_customer):
    with pytest.raises(PermissionDenied, match="Only the person who asked"):
        services.thread_edit(actor=other_customer, thread=thread, title="X", body="Y")
    with pytest.raises(PermissionDenied, match="Only the person who wrote"):
        services.answer_edit(actor=customer, answer=answer, body="Hijacked")
    assert refreshed(thread).title != "X"
    assert refreshed(answer).body != "Hijacked"


def test_a_brand_rep_cannot_edit_a_customers_post(thread):
    from brands.models import Membership

    rep = UserFactory()
    Membership.objects.create(brand=thread.brand, user=rep, role=Membership.Role.ADMIN)
    with pytest.raises(PermissionDenied):
        services.thread_edit(actor=rep, thread=thread, title="Nicer title", body="Nicer")


def test_bad_edit_changes_nothing(thread, customer):
    with pytest.raises(ValidationError):
        services.thread_edit(actor=customer, thread=thread, title="", body="")
    assert refreshed(thread).revision_count == 1


# --- Counters under concurrency (real transactions, PostgreSQL only) ------------------------


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_votes_keep_the_count_exact():
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL (SQLite serialises every writer)")
    brand = Brand.objects.create(name="Race", slug="race")
    thread = ThreadFactory(brand=brand)
    answer = AnswerFactory(thread=thread)
    voters = UserFactory.create_batch(8)
    barrier = threading.Barrier(len(voters) * 2)
    errors = []

    def vote(user):
        try:
            barrier.wait()
            services.answer_vote_toggle(user=user, answer=answer)
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    # Each voter votes twice at the same moment: one vote must stand, never two.
    workers = [threading.Thread(target=vote, args=(u,)) for u in voters for _ in range(2)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert not errors
    answer.refresh_from_db()
    assert answer.helpful_count == HelpfulVote.objects.filter(answer=answer).count()
