"""Product feedback's services: items, links, merging, statuses, closing the loop,
comments with mentions, labels, and every refusal."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from community.models import Notification
from feedback import selectors
from feedback.models import (
    FeedbackEmailOptOut,
    FeedbackItem,
    FeedbackLabel,
    FeedbackLink,
    FeedbackLoopClosure,
    FeedbackStatusChange,
    ThreadLabel,
)
from feedback.services import items as services
from moderation.models import AuditLogEntry
from qa import services as qa_services
from tests.brands.conftest import fresh
from tests.community.factories import UserFactory
from tests.qa.factories import AnswerFactory, ThreadFactory

pytestmark = pytest.mark.django_db

Status = FeedbackItem.Status
CROSS_BRAND = "You work for Kumo Mobile, not for Hoshino Camera"


@pytest.fixture
def threads(official, customer, other_customer, z5):
    first = ThreadFactory(
        brand=official, author=customer, product=z5, type="problem", title="Battery drains"
    )
    second = ThreadFactory(
        brand=official, author=other_customer, product=z5, type="problem", title="Battery empty"
    )
    return first, second


@pytest.fixture
def item(official, product_member, threads):
    return services.feedback_item_create(
        actor=product_member, brand=official, title="Battery drain since 2.1", threads=threads
    )


def people(item):
    return selectors.board_items(brand=item.brand).get(pk=item.pk).people


def shipped_notifications(item):
    return Notification.objects.filter(
        kind=Notification.Kind.FEEDBACK_SHIPPED, dedupe_key=f"feedback_shipped:{item.pk}"
    )


# --- Items and links ---------------------------------------------------------------------------


def test_a_product_member_creates_an_item_with_threads(item, threads, product_member):
    assert item.status == Status.NEW
    assert set(item.links.values_list("thread_id", flat=True)) == {t.pk for t in threads}
    assert FeedbackLink.objects.get(thread=threads[0]).linked_by == product_member
    assert AuditLogEntry.objects.filter(action="feedback.create", target_id=str(item.pk)).exists()
    assert AuditLogEntry.objects.filter(action="feedback.link", target_id=str(item.pk)).exists()


@pytest.mark.parametrize("role", ["rep", "brand_admin", "product_member", "staff"])
def test_the_whole_team_and_staff_may_create_items(request, role, official):
    actor = request.getfixturevalue(role)
    item = services.feedback_item_create(actor=actor, brand=official, title="Wi-Fi drops")
    assert item.pk


def test_customers_may_not_create_items(official, customer):
    with pytest.raises(PermissionDenied, match="Only Hoshino Camera's reps, admins and product"):
        services.feedback_item_create(actor=customer, brand=official, title="Please")


def test_another_brands_member_is_refused_with_the_reason(official, rival_rep):
    with pytest.raises(PermissionDenied, match=CROSS_BRAND):
        services.feedback_item_create(actor=rival_rep, brand=official, title="Poach")


def test_a_suspended_member_reads_but_does_not_act(official, product_member):
    product_member.suspended_until = timezone.now() + timezone.timedelta(days=1)
    product_member.suspension_reason = "Spam"
    product_member.save()
    with pytest.raises(PermissionDenied, match="suspended"):
        services.feedback_item_create(actor=fresh(product_member), brand=official, title="X")


def test_an_item_needs_a_title_and_a_known_type(official, rep):
    with pytest.raises(ValidationError) as error:
        services.feedback_item_create(actor=rep, brand=official, title="  ")
    assert "title" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.feedback_item_create(actor=rep, brand=official, title="X", kind="rant")
    assert "kind" in error.value.message_dict
    assert not FeedbackItem.objects.exists()


def test_one_thread_one_item(item, threads, official, rep):
    other = services.feedback_item_create(actor=rep, brand=official, title="Another")
    with pytest.raises(ValidationError, match=f"already linked to item #{item.pk}"):
        services.feedback_threads_link(actor=rep, item=other, threads=[threads[0]])
    assert FeedbackLink.objects.get(thread=threads[0]).item == item


def test_linking_again_to_the_same_item_changes_nothing(item, threads, rep):
    assert services.feedback_threads_link(actor=rep, item=item, threads=threads) == []
    assert item.links.count() == 2


def test_a_thread_of_another_brand_cannot_be_linked(item, rep, rival, customer):
    foreign = ThreadFactory(brand=rival, author=customer)
    with pytest.raises(ValidationError, match="belongs to another brand"):
        services.feedback_threads_link(actor=rep, item=item, threads=[foreign])
    assert not FeedbackLink.objects.filter(thread=foreign).exists()


def test_rival_members_cannot_link_threads_to_the_brands_items(item, rival_admin, rival):
    foreign = ThreadFactory(brand=rival)
    with pytest.raises(PermissionDenied, match=CROSS_BRAND):
        services.feedback_threads_link(actor=rival_admin, item=item, threads=[foreign])


def test_unlinking_frees_the_thread(item, threads, rep):
    services.feedback_thread_unlink(actor=rep, thread=threads[0])
    assert not FeedbackLink.objects.filter(thread=threads[0]).exists()
    other = services.feedback_item_create(actor=rep, brand=item.brand, title="Elsewhere")
    services.feedback_threads_link(actor=rep, item=other, threads=[threads[0]])


def test_issue_links_are_unique_within_a_brand(official, rep):
    services.feedback_item_create(
        actor=rep, brand=official, title="A", issue_url="https://tracker.example/issues/1"
    )
    with pytest.raises(ValidationError) as error:
        services.feedback_item_create(
            actor=rep, brand=official, title="B", issue_url="https://TRACKER.example/issues/1"
        )
    assert "issue_url" in error.value.message_dict


# --- People affected: each person once -------------------------------------------------------


def test_each_person_counts_once_across_threads_and_kinds_of_involvement(
    item, threads, customer, other_customer, official
):
    first, second = threads
    assert people(item) == 2  # the two askers
    # The first asker also says "me too" on the second thread and votes an answer there:
    qa_services.thread_me_too_toggle(user=customer, thread=second, version="2.1", platform="Z5")
    answer = AnswerFactory(thread=second)
    qa_services.answer_vote_toggle(user=customer, answer=answer)
    assert people(item) == 2
    # A third person says "me too" on both threads and votes: still one more person.
    third = UserFactory()
    qa_services.thread_me_too_toggle(user=third, thread=first)
    qa_services.thread_me_too_toggle(user=third, thread=second)
    qa_services.answer_vote_toggle(user=third, answer=answer)
    assert people(item) == 3
    # A voter who is otherwise not involved counts too.
    voter = UserFactory()
    qa_services.answer_vote_toggle(user=voter, answer=answer)
    assert people(item) == 4
    assert [p.user_id for p in selectors.affected_people(item)] == sorted(
        [customer.pk, other_customer.pk, third.pk, voter.pk]
    )


def test_a_merge_keeps_each_person_once(official, rep, customer, other_customer):
    first = ThreadFactory(brand=official, author=customer)
    second = ThreadFactory(brand=official, author=other_customer)
    qa_services.thread_me_too_toggle(user=other_customer, thread=first)
    a = services.feedback_item_create(actor=rep, brand=official, title="A", threads=[first])
    b = services.feedback_item_create(actor=rep, brand=official, title="B", threads=[second])
    assert people(a) == 2 and people(b) == 1
    services.feedback_items_merge(actor=rep, source=a, target=b)
    a.refresh_from_db()
    assert a.merged_into == b
    assert people(b) == 2
    assert set(b.links.values_list("thread_id", flat=True)) == {first.pk, second.pk}
    assert not FeedbackItem.objects.active().filter(pk=a.pk).exists()
    with pytest.raises(ValidationError, match="merged into"):
        services.feedback_status_set(actor=rep, item=a, status=Status.SHIPPED)


def test_merging_across_brands_or_into_itself_is_refused(item, rep, rival, rival_admin):
    with pytest.raises(ValidationError):
        services.feedback_items_merge(actor=rep, source=item, target=item)
    foreign = services.feedback_item_create(actor=rival_admin, brand=rival, title="Theirs")
    with pytest.raises(ValidationError, match="same brand"):
        services.feedback_items_merge(actor=rep, source=item, target=foreign)


def test_the_board_counts_threads_and_community_solutions(item, threads, customer, other_customer):
    answer = AnswerFactory(thread=threads[0], author=other_customer)
    qa_services.answer_accept(actor=customer, answer=answer)
    row = selectors.board_items(brand=item.brand).get(pk=item.pk)
    assert row.thread_count == 2
    assert row.solved_by_community == 1


def test_an_official_solution_is_not_a_community_one(item, threads, customer, rep):
    answer = AnswerFactory(thread=threads[0], author=rep)
    assert answer.is_official
    qa_services.answer_accept(actor=customer, answer=answer)
    assert selectors.board_items(brand=item.brand).get(pk=item.pk).solved_by_community == 0


def test_growth_counts_people_new_this_week(item, threads):
    from qa.models import Thread

    Thread.objects.filter(pk=threads[0].pk).update(
        created_at=timezone.now() - timezone.timedelta(days=30)
    )
    row = selectors.board_items(brand=item.brand).get(pk=item.pk)
    assert (row.people, row.growth) == (2, 1)


def test_the_board_sorts_and_filters(official, rep, brand_admin, z5):
    big = services.feedback_item_create(actor=rep, brand=official, title="Big", kind="idea")
    small = services.feedback_item_create(actor=rep, brand=official, title="Small")
    for _ in range(3):
        services.feedback_threads_link(
            actor=rep, item=big, threads=[ThreadFactory(brand=official, product=z5)]
        )
    services.feedback_threads_link(actor=rep, item=small, threads=[ThreadFactory(brand=official)])
    services.feedback_status_set(actor=rep, item=small, status=Status.UNDER_REVIEW)
    by_people = list(selectors.board_items(brand=official, sort="people"))
    assert by_people == [big, small]
    assert list(selectors.board_items(brand=official, sort="status")) == [big, small]
    assert list(selectors.board_items(brand=official, product_slug="z5")) == [big]
    assert list(selectors.board_items(brand=official, kind="idea")) == [big]
    assert list(selectors.board_items(brand=official, status="under_review")) == [small]
    label = services.feedback_label_create(actor=brand_admin, brand=official, name="UX")
    thread = small.links.get().thread
    services.thread_labels_set(actor=rep, thread=thread, labels=[label])
    assert list(selectors.board_items(brand=official, label_id=label.pk)) == [small]


# --- Statuses --------------------------------------------------------------------------------


def test_the_status_walks_the_pipeline_with_history_and_audit(item, product_member):
    for status in (Status.UNDER_REVIEW, Status.PLANNED, Status.IN_PROGRESS):
        item = services.feedback_status_set(actor=product_member, item=item, status=status)
    assert item.status == Status.IN_PROGRESS
    changes = list(FeedbackStatusChange.objects.filter(item=item).order_by("id"))
    assert [(c.from_status, c.to_status) for c in changes] == [
        ("new", "under_review"),
        ("under_review", "planned"),
        ("planned", "in_progress"),
    ]
    assert AuditLogEntry.objects.filter(action="feedback.status").count() == 3


def test_declining_needs_a_reason_that_customers_see(item, rep, threads):
    with pytest.raises(ValidationError) as error:
        services.feedback_status_set(actor=rep, item=item, status=Status.DECLINED)
    assert "reason" in error.value.message_dict
    item.refresh_from_db()
    assert item.status == Status.NEW
    services.feedback_status_set(
        actor=rep, item=item, status=Status.DECLINED, reason="It would break older lenses."
    )
    status = selectors.public_status(FeedbackItem.objects.get(pk=item.pk))
    assert status.headline == "The team has decided not to do this"
    assert status.message == "It would break older lenses."


def test_an_unknown_status_is_refused(item, rep):
    with pytest.raises(ValidationError):
        services.feedback_status_set(actor=rep, item=item, status="done-ish")


def test_customers_and_other_brands_cannot_change_the_status(item, customer, rival_admin):
    with pytest.raises(PermissionDenied):
        services.feedback_status_set(actor=customer, item=item, status=Status.SHIPPED)
    with pytest.raises(PermissionDenied, match=CROSS_BRAND):
        services.feedback_status_set(actor=rival_admin, item=item, status=Status.SHIPPED)
    item.refresh_from_db()
    assert item.status == Status.NEW


def test_public_status_wording(item):
    item.status = Status.IN_PROGRESS
    assert selectors.public_status(item).headline == "The team is working on this"
    item.status, item.shipped_in = Status.SHIPPED, "2.3"
    assert selectors.public_status(item).headline == "Fixed in version 2.3"
    item.kind = FeedbackItem.Kind.IDEA
    assert selectors.public_status(item).headline == "Available in version 2.3"


# --- Closing the loop ------------------------------------------------------------------------


@pytest.fixture
def cohort(item, threads):
    """Two askers, a me-too on each thread (one of them on both) and a voter."""
    me_too_both, me_too_one, voter = UserFactory(), UserFactory(), UserFactory()
    for thread in threads:
        qa_services.thread_me_too_toggle(user=me_too_both, thread=thread, version="2.1")
    qa_services.thread_me_too_toggle(user=me_too_one, thread=threads[1], platform="Z5")
    answer = AnswerFactory(thread=threads[0])
    qa_services.answer_vote_toggle(user=voter, answer=answer)
    return {"me_too_both": me_too_both, "me_too_one": me_too_one, "voter": voter, "answer": answer}


def test_shipping_tells_everyone_affected_once_in_app_and_by_email(
    item, threads, cohort, product_member, committed, customer
):
    mail.outbox.clear()
    with committed():
        services.feedback_status_set(
            actor=product_member,
            item=item,
            status=Status.SHIPPED,
            shipped_in="2.3",
            message="Update to 2.3: the battery lasts a week again. Thank you for telling us.",
        )
    told = shipped_notifications(item)
    # two askers, two me-too people, one voter (the answer's author is not affected)
    assert told.count() == 5
    assert set(told.values_list("recipient_id", flat=True)) == {
        customer.pk,
        threads[1].author_id,
        cohort["me_too_both"].pk,
        cohort["me_too_one"].pk,
        cohort["voter"].pk,
    }
    notice = told.get(recipient=customer)
    assert notice.thread == threads[0]
    assert "Fixed in version 2.3" in notice.message and "lasts a week" in notice.message
    shipped_mails = [m for m in mail.outbox if "Fixed in version 2.3" in m.subject]
    assert len(shipped_mails) == 5
    body = shipped_mails[0].body
    assert "Thank you for telling us" in body and "/settings/feedback-emails/stop/" in body
    assert FeedbackLoopClosure.objects.filter(item=item, notified_at__isnull=False).count() == 5


def test_toggling_the_status_or_retrying_never_tells_anyone_twice(
    item, cohort, product_member, committed
):
    with committed():
        services.feedback_status_set(actor=product_member, item=item, status=Status.SHIPPED)
    mail.outbox.clear()
    with committed():
        services.feedback_status_set(actor=product_member, item=item, status=Status.IN_PROGRESS)
    with committed():
        services.feedback_status_set(actor=product_member, item=item, status=Status.SHIPPED)
    assert services.feedback_loop_close(item_id=item.pk) == 0  # the task, retried
    assert shipped_notifications(item).count() == 5
    assert mail.outbox == []


def test_someone_affected_after_shipping_is_told_when_it_ships_again(
    item, threads, cohort, product_member, committed
):
    with committed():
        services.feedback_status_set(actor=product_member, item=item, status=Status.SHIPPED)
    latecomer = UserFactory()
    qa_services.thread_me_too_toggle(user=latecomer, thread=threads[0])
    services.feedback_status_set(actor=product_member, item=item, status=Status.IN_PROGRESS)
    with committed():
        services.feedback_status_set(actor=product_member, item=item, status=Status.SHIPPED)
    assert shipped_notifications(item).count() == 6
    assert shipped_notifications(item).filter(recipient=latecomer).count() == 1


def test_an_opt_out_is_honoured_and_the_in_app_notice_still_arrives(
    item, cohort, product_member, committed, customer
):
    services.feedback_email_opt_out_set(user=customer, opted_out=True)
    mail.outbox.clear()
    with committed():
        services.feedback_status_set(actor=product_member, item=item, status=Status.SHIPPED)
    assert shipped_notifications(item).filter(recipient=customer).exists()
    assert not [m for m in mail.outbox if customer.email in m.to]
    assert len(mail.outbox) == 4


def test_people_with_all_emails_off_get_none(item, cohort, product_member, committed, customer):
    customer.email_notifications = False
    customer.save()
    mail.outbox.clear()
    with committed():
        services.feedback_status_set(actor=product_member, item=item, status=Status.SHIPPED)
    assert not [m for m in mail.outbox if customer.email in m.to]


def test_the_opt_out_token_names_its_person_and_nothing_else(customer):
    token = services.opt_out_token(customer)
    assert services.opt_out_user(token) == customer
    assert services.opt_out_user(token + "x") is None
    services.feedback_email_opt_out_set(user=customer, opted_out=True)
    services.feedback_email_opt_out_set(user=customer, opted_out=True)
    assert FeedbackEmailOptOut.objects.filter(user=customer).count() == 1
    services.feedback_email_opt_out_set(user=customer, opted_out=False)
    assert not FeedbackEmailOptOut.objects.exists()


def test_a_status_change_refreshes_the_cached_thread_pages(
    client, settings, item, threads, product_member, committed
):
    settings.SODAN_PAGE_CACHE = True
    url = threads[0].get_absolute_url()
    assert "Passed on to the product team" in client.get(url).content.decode()
    assert client.get(url)["X-Sodan-Cache"] == "hit"
    with committed():
        services.feedback_status_set(
            actor=product_member, item=item, status=Status.SHIPPED, shipped_in="2.3"
        )
    page = client.get(url).content.decode()
    assert "Fixed in version 2.3" in page


# --- Comments and mentions -------------------------------------------------------------------


def test_a_mention_tells_members_of_the_team_only(
    item, product_member, rep, customer, rival_rep, committed
):
    with committed():
        comment = services.feedback_comment_add(
            actor=product_member,
            item=item,
            body=f"@{rep.username} can you check? cc @{customer.username} @{rival_rep.username}",
        )
    mentions = Notification.objects.filter(kind=Notification.Kind.FEEDBACK_MENTION)
    assert list(mentions.values_list("recipient_id", flat=True)) == [rep.pk]
    notice = mentions.get()
    assert notice.actor == product_member and "can you check" in notice.message
    # a retried task repeats nothing
    assert services.feedback_mentions_notify(comment_id=comment.pk) == 1
    assert mentions.count() == 1


def test_a_comment_needs_words_and_a_team_member(item, product_member, customer):
    with pytest.raises(ValidationError):
        services.feedback_comment_add(actor=product_member, item=item, body="   ")
    with pytest.raises(PermissionDenied):
        services.feedback_comment_add(actor=customer, item=item, body="Let me in")


# --- Labels ----------------------------------------------------------------------------------


def test_admins_define_labels_and_the_team_applies_them(official, brand_admin, rep, threads):
    label = services.feedback_label_create(
        actor=brand_admin, brand=official, name="Customer impression"
    )
    with pytest.raises(ValidationError):
        services.feedback_label_create(
            actor=brand_admin, brand=official, name="customer IMPRESSION"
        )
    with pytest.raises(PermissionDenied, match="Only Hoshino Camera's admins define its labels"):
        services.feedback_label_create(actor=rep, brand=official, name="Mine")
    services.thread_labels_set(actor=rep, thread=threads[0], labels=[label])
    services.thread_labels_set(actor=rep, thread=threads[0], labels=[label])
    assert ThreadLabel.objects.filter(thread=threads[0]).count() == 1
    services.thread_labels_set(actor=rep, thread=threads[0], labels=[])
    assert not ThreadLabel.objects.exists()


def test_labels_of_another_brand_cannot_be_applied(official, rival, rival_admin, rep, threads):
    theirs = services.feedback_label_create(actor=rival_admin, brand=rival, name="Theirs")
    with pytest.raises(ValidationError):
        services.thread_labels_set(actor=rep, thread=threads[0], labels=[theirs])
    with pytest.raises(PermissionDenied, match=CROSS_BRAND):
        services.thread_labels_set(actor=rival_admin, thread=threads[0], labels=[])
    assert FeedbackLabel.objects.count() == 1
