"""Moderation at volume: one decision on many posts from the queue (each post still gets
its own audit entry, notice and appeal; all or nothing), "ban and remove all their posts"
for spammers, and the first-post hold for new members."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from brands.models import Brand, Membership
from community.models import Notification
from moderation import services
from moderation.models import AuditLogEntry, Flag, Sanction
from qa.models import Answer, Thread, Visibility
from search.models import IndexOutbox
from tests.brands.factories import BrandFactory
from tests.community.factories import UserFactory
from tests.qa.factories import AnswerFactory, ThreadFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def spam(brand, customer):
    """A spammer's three answers in one thread, each flagged."""
    spammer = UserFactory(username="spammer")
    thread = ThreadFactory(brand=brand, author=customer)
    answers = [
        AnswerFactory(thread=thread, author=spammer, body=f"Buy pills {n}") for n in range(3)
    ]
    for answer in answers:
        services.flag_create(flagger=customer, answer=answer, reason="spam")
    return spammer, thread, answers


# --- Batch actions ----------------------------------------------------------------------------


def test_a_batch_hides_every_post_with_one_audit_entry_and_notice_each(spam, moderator, committed):
    spammer, thread, answers = spam
    with committed():
        entries = services.posts_act_in_batch(
            actor=moderator,
            action="hide",
            reason="Spam wave.",
            posts=[
                (a, list(Flag.objects.filter(answer=a).values_list("pk", flat=True)))
                for a in answers
            ],
        )
    assert len(entries) == 3
    for answer in answers:
        answer.refresh_from_db()
        assert answer.visibility == Visibility.HIDDEN
        [entry] = AuditLogEntry.objects.for_object(answer).filter(action="answer.hide")
        assert entry.actor == moderator and entry.reason == "Spam wave."
    assert not Flag.objects.open().exists()
    notices = Notification.objects.filter(recipient=spammer, kind="moderation_action")
    assert notices.count() == 3
    thread.refresh_from_db()
    assert thread.answer_count == 0
    # Each removal is appealed on its own.
    services.appeal_create(author=spammer, post=answers[0], message="Not spam.")
    services.appeal_create(author=spammer, post=answers[1], message="Not spam either.")


def test_a_batch_with_one_post_of_the_moderators_own_brand_does_nothing(
    spam, moderator, customer, brand
):
    _spammer, _thread, answers = spam
    other = BrandFactory(name="Mori Audio", slug="mori")
    Membership.objects.create(brand=other, user=moderator, role=Membership.Role.REP)
    theirs = AnswerFactory(thread=ThreadFactory(brand=other, author=customer))
    with pytest.raises(PermissionDenied, match="Mori Audio"):
        services.posts_act_in_batch(
            actor=moderator,
            action="delete",
            reason="Spam.",
            posts=[(answers[0], None), (theirs, None), (answers[1], None)],
        )
    for answer in [*answers, theirs]:
        answer.refresh_from_db()
        assert answer.visibility == Visibility.PUBLISHED
    assert not AuditLogEntry.objects.filter(action="answer.delete").exists()


def test_a_batch_rolls_back_when_one_post_was_decided_meanwhile(spam, moderator, second_moderator):
    _spammer, _thread, answers = spam
    shown = {
        a.pk: list(Flag.objects.filter(answer=a).values_list("pk", flat=True)) for a in answers
    }
    services.post_dismiss_flags(actor=second_moderator, post=answers[2], reason="Fine.")
    with pytest.raises(ValidationError, match="Already decided"):
        services.posts_act_in_batch(
            actor=moderator,
            action="hide",
            reason="Spam wave.",
            posts=[(a, shown[a.pk]) for a in answers],
        )
    assert Answer.objects.filter(visibility=Visibility.HIDDEN).count() == 0
    assert Flag.objects.open().count() == 2


def test_a_batch_needs_posts_an_action_and_a_reason(spam, moderator):
    _spammer, _thread, answers = spam
    for kwargs, field in [
        ({"posts": [], "action": "hide", "reason": "x"}, "posts"),
        ({"posts": [(answers[0], None)], "action": "lock", "reason": "x"}, "action"),
        ({"posts": [(answers[0], None)], "action": "hide", "reason": ""}, "reason"),
    ]:
        with pytest.raises(ValidationError) as refused:
            services.posts_act_in_batch(actor=moderator, **kwargs)
        assert field in refused.value.message_dict


def test_the_queue_form_acts_on_the_ticked_posts(login, spam, moderator):
    _spammer, _thread, answers = spam
    client = login(moderator)
    page = client.get(reverse("moderation:queue")).content.decode()
    assert f'value="answer:{answers[0].pk}"' in page and 'id="queue-batch"' in page
    data = {
        "post": [f"answer:{answers[0].pk}", f"answer:{answers[1].pk}"],
        "action": "delete",
        "reason": "Spam wave.",
        f"flags:answer:{answers[0].pk}": str(Flag.objects.get(answer=answers[0]).pk),
    }
    response = client.post(reverse("moderation:queue_batch"), data, follow=True)
    assert "Done for 2 posts" in response.content.decode()
    assert [
        a.visibility for a in Answer.objects.filter(pk__in=[a.pk for a in answers]).order_by("pk")
    ] == [
        Visibility.DELETED,
        Visibility.DELETED,
        Visibility.PUBLISHED,
    ]


def test_a_brand_rep_cannot_use_the_batch_form(login, spam, brand_rep):
    _spammer, _thread, answers = spam
    response = login(brand_rep).post(
        reverse("moderation:queue_batch"),
        {"post": [f"answer:{answers[0].pk}"], "action": "delete", "reason": "Critic."},
    )
    assert response.status_code == 403
    answers[0].refresh_from_db()
    assert answers[0].visibility == Visibility.PUBLISHED


# --- Ban and remove all their posts -------------------------------------------------------------


def test_ban_and_remove_hides_every_post_audits_each_and_tells_once(
    spam, moderator, brand, committed
):
    spammer, _thread, answers = spam
    their_thread = ThreadFactory(brand=brand, author=spammer, title="Cheap pills here")
    with committed():
        sanction = services.member_ban_and_remove_posts(
            moderator=moderator, member=spammer, reason="Spammer."
        )
    assert sanction.kind == Sanction.Kind.BAN
    spammer.refresh_from_db()
    assert spammer.is_banned
    assert Answer.objects.filter(author=spammer, visibility=Visibility.PUBLISHED).count() == 0
    their_thread.refresh_from_db()
    assert their_thread.visibility == Visibility.HIDDEN
    for post in [*answers, their_thread]:
        [entry] = AuditLogEntry.objects.for_object(post).filter(action__endswith=".hide")
        assert entry.data["ban"] == sanction.pk
    assert not Flag.objects.open().exists()
    assert list(Notification.objects.filter(recipient=spammer).values_list("kind", flat=True)) == [
        "sanction"
    ]
    brand.refresh_from_db()
    assert brand.thread_count == 1  # the customer's thread only


def test_ban_and_remove_is_refused_whole_where_the_moderator_works_for_a_brand(
    spam, moderator, customer
):
    spammer, _thread, _answers = spam
    other = BrandFactory(name="Mori Audio", slug="mori")
    Membership.objects.create(brand=other, user=moderator, role=Membership.Role.REP)
    AnswerFactory(thread=ThreadFactory(brand=other, author=customer), author=spammer)
    with pytest.raises(PermissionDenied, match="Mori Audio"):
        services.member_ban_and_remove_posts(moderator=moderator, member=spammer, reason="Spam.")
    spammer.refresh_from_db()
    assert not spammer.is_banned
    assert not Answer.objects.filter(author=spammer).exclude(visibility="published").exists()


def test_only_global_moderators_and_staff_ban_and_remove(spam, brand_moderator):
    spammer, _thread, _answers = spam
    with pytest.raises(PermissionDenied):
        services.member_ban_and_remove_posts(
            moderator=brand_moderator, member=spammer, reason="Spam."
        )


def test_the_sanction_page_offers_ban_and_remove(login, spam, moderator):
    spammer, _thread, _answers = spam
    client = login(moderator)
    url = reverse("moderation:member_sanction", args=[spammer.username])
    assert 'value="ban_remove"' in client.get(url).content.decode()
    client.post(url, {"kind": "ban_remove", "reason": "Spammer."})
    assert not Answer.objects.filter(author=spammer, visibility="published").exists()


# --- The first-post hold ---------------------------------------------------------------------


@pytest.fixture
def holding(brand, brand_admin):
    services.first_post_hold_set(actor=brand_admin, brand=brand, posts=1)
    return Brand.objects.get(pk=brand.pk)  # a fresh object: no remembered setting


def test_without_a_hold_posts_are_published_at_once(brand):
    post = ThreadFactory(brand=brand, author=UserFactory())
    assert post.visibility == Visibility.PUBLISHED


def test_a_new_members_first_thread_is_held_out_of_sight(holding, committed):
    newcomer = UserFactory()
    IndexOutbox.objects.all().delete()
    with committed():
        thread = ThreadFactory(brand=holding, author=newcomer, title="Is the Z5 waterproof?")
    thread.refresh_from_db()
    assert thread.visibility == Visibility.HIDDEN
    assert services.is_held(thread)
    assert Flag.objects.open().get(thread=thread).reason == Flag.Reason.HELD
    holding.refresh_from_db()
    assert holding.thread_count == 0
    assert not Thread.objects.listed().filter(pk=thread.pk).exists()
    assert not IndexOutbox.objects.filter(thread_id=thread.pk).exists()
    assert not Notification.objects.filter(recipient=newcomer).exists()


def test_the_author_sees_waiting_for_review_and_others_see_nothing(client, holding, login):
    newcomer = UserFactory()
    thread = ThreadFactory(brand=holding, author=newcomer, title="Is the Z5 waterproof?")
    assert client.get(thread.get_absolute_url()).status_code == 404
    page = login(newcomer).get(thread.get_absolute_url()).content.decode()
    assert "Waiting for review" in page
    assert "hidden pending review" not in page


def test_a_held_answer_notifies_nobody_until_approved(
    thread, holding, customer, moderator, committed
):
    thread = Thread.objects.get(pk=thread.pk)  # its brand as it is now, with the hold
    newcomer = UserFactory()
    with committed():
        answer = AnswerFactory(thread=thread, author=newcomer)
    assert answer.visibility == Visibility.HIDDEN
    assert not Notification.objects.filter(recipient=customer, kind="answer_posted").exists()
    thread.refresh_from_db()
    assert thread.answer_count == 0
    with committed():
        services.post_approve_held(actor=moderator, post=answer)
    answer.refresh_from_db()
    thread.refresh_from_db()
    assert answer.visibility == Visibility.PUBLISHED and thread.answer_count == 1
    assert thread.status == Thread.Status.ANSWERED
    assert Notification.objects.filter(recipient=customer, kind="answer_posted").exists()
    assert Notification.objects.filter(
        recipient=newcomer, message__contains="approved your post"
    ).exists()
    assert AuditLogEntry.objects.for_object(answer).filter(action="answer.approve").exists()
    assert not services.is_held(answer)


def test_after_an_approved_post_the_member_is_no_longer_held(holding, moderator):
    newcomer = UserFactory()
    first = ThreadFactory(brand=holding, author=newcomer)
    services.post_approve_held(actor=moderator, post=first)
    second = ThreadFactory(brand=Brand.objects.get(pk=holding.pk), author=newcomer)
    assert second.visibility == Visibility.PUBLISHED


def test_rejecting_a_held_post_hides_it_with_a_notice_and_an_appeal(holding, moderator, committed):
    newcomer = UserFactory()
    thread = ThreadFactory(brand=holding, author=newcomer)
    with committed():
        services.post_hide(actor=moderator, post=thread, reason="Advertising.")
    assert not services.is_held(thread)
    assert Notification.objects.filter(
        recipient=newcomer, message__contains="Advertising."
    ).exists()
    services.appeal_create(author=newcomer, post=thread, message="It is a real question.")


def test_the_brands_people_and_moderators_are_never_held(holding, brand_rep, moderator):
    assert ThreadFactory(brand=holding, author=brand_rep).visibility == Visibility.PUBLISHED
    assert ThreadFactory(brand=holding, author=moderator).visibility == Visibility.PUBLISHED


def test_held_posts_are_approved_in_a_batch_and_brand_people_cannot(holding, moderator, brand_rep):
    held = [ThreadFactory(brand=holding, author=UserFactory()) for _n in range(2)]
    with pytest.raises(PermissionDenied):
        services.posts_act_in_batch(
            actor=brand_rep, action="approve", reason="", posts=[(t, None) for t in held]
        )
    services.posts_act_in_batch(
        actor=moderator, action="approve", reason="Welcome.", posts=[(t, None) for t in held]
    )
    assert Thread.objects.listed().filter(pk__in=[t.pk for t in held]).count() == 2
    holding.refresh_from_db()
    assert holding.thread_count == 2


def test_only_the_brands_admins_and_staff_set_the_hold(brand, brand_rep, moderator, login):
    for person in (brand_rep, moderator):
        with pytest.raises(PermissionDenied):
            services.first_post_hold_set(actor=person, brand=brand, posts=2)
    url = reverse("moderation:first_post_hold", args=[brand.slug])
    assert login(brand_rep).get(url).status_code == 403


def test_a_held_post_is_approved_not_dismissed(holding, moderator):
    thread = ThreadFactory(brand=holding, author=UserFactory())
    with pytest.raises(ValidationError, match="waiting for review"):
        services.post_dismiss_flags(actor=moderator, post=thread, reason="Fine.")
    assert services.is_held(thread)


def test_the_queue_approves_a_held_post_in_one_click(login, holding, moderator, committed):
    thread = ThreadFactory(brand=holding, author=UserFactory(), title="Is the Z5 waterproof?")
    client = login(moderator)
    page = client.get(reverse("moderation:queue")).content.decode()
    assert "Approve and publish" in page and "waiting for review" in page
    held_flag = Flag.objects.get(thread=thread)
    with committed():
        client.post(
            reverse("moderation:queue_batch"),
            {
                "post": f"thread:{thread.pk}",
                f"flags:thread:{thread.pk}": str(held_flag.pk),
                "action": "approve",
                "reason": "Approved: welcome to the community.",
            },
        )
    assert Thread.objects.listed().filter(pk=thread.pk).exists()
