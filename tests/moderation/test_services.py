import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from brands.models import Brand
from community.models import Notification
from moderation import services
from moderation.models import (
    Appeal,
    AuditLogEntry,
    Flag,
    ModeratorAppointment,
    Sanction,
    Verification,
)
from moderation.ratelimit import RateLimited
from qa import services as qa_services
from qa.models import Answer, MeToo, Thread, ThreadSubscription
from tests.brands.factories import BrandFactory, ProductFactory
from tests.community.factories import UserFactory
from tests.qa.factories import AnswerFactory, ThreadFactory

pytestmark = pytest.mark.django_db


def fresh(obj):
    obj.refresh_from_db()
    return obj


# --- Flags -------------------------------------------------------------------------------


def test_a_customer_flags_a_thread_once(thread, other_customer):
    flag = services.flag_create(flagger=other_customer, thread=thread, reason="spam")
    assert (flag.brand, flag.reason, flag.resolved_at) == (thread.brand, "spam", None)
    with pytest.raises(ValidationError, match="already flagged"):
        services.flag_create(flagger=other_customer, thread=thread, reason="abusive")
    assert Flag.objects.count() == 1


def test_flag_refusals_and_bad_input(thread, answer, customer, other_customer, unverified):
    with pytest.raises(PermissionDenied, match="your own post"):
        services.flag_create(flagger=customer, thread=thread, reason="spam")
    with pytest.raises(PermissionDenied, match="Confirm your e-mail"):
        services.flag_create(flagger=unverified, thread=thread, reason="spam")
    with pytest.raises(ValidationError) as error:
        services.flag_create(flagger=customer, answer=answer, reason="inaccurate")
    assert "note" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.flag_create(flagger=other_customer, thread=thread, reason="duplicate")
    assert "duplicate_of" in error.value.message_dict
    with pytest.raises(ValidationError):
        services.flag_create(flagger=other_customer, thread=thread, reason="crisis")
    with pytest.raises(ValidationError):
        services.flag_create(
            flagger=other_customer, thread=thread, reason="duplicate", duplicate_of=thread
        )
    assert not Flag.objects.exists()


def test_enough_flags_hide_the_post_and_it_vanishes_from_lists_and_counts(
    client, thread, settings, committed
):
    settings.SODAN_FLAGS_TO_HIDE = 2
    brand = thread.brand
    assert fresh(brand).thread_count == 1
    services.flag_create(flagger=UserFactory(), thread=thread, reason="spam")
    assert fresh(thread).visibility == "published"
    with committed():
        services.flag_create(flagger=UserFactory(), thread=thread, reason="abusive")
    assert fresh(thread).visibility == "hidden"
    assert fresh(brand).thread_count == 0
    assert client.get(brand.get_absolute_url()).context["page"].paginator.count == 0
    assert client.get(thread.get_absolute_url()).status_code == 404
    note = Notification.objects.get(recipient=thread.author, kind="moderation_action")
    assert "hidden pending review" in note.message
    assert AuditLogEntry.objects.filter(action="thread.auto_hide").exists()


def test_a_moderators_flag_hides_at_once(answer, moderator, thread):
    services.flag_create(flagger=moderator, answer=answer, reason="abusive")
    assert fresh(answer).visibility == "hidden"
    assert fresh(thread).answer_count == 0
    assert fresh(thread).status == Thread.Status.OPEN


def test_a_brand_reps_flag_counts_like_a_customers(answer, brand_rep):
    services.flag_create(flagger=brand_rep, answer=answer, reason="inaccurate", note="Wrong")
    assert fresh(answer).visibility == "published"


# --- Actions -------------------------------------------------------------------------------


def test_hide_and_restore_keep_counts_exact(thread, answer, moderator, customer):
    services.post_hide(actor=moderator, post=answer, reason="Off-topic")
    assert fresh(thread).answer_count == 0
    services.post_restore(actor=moderator, post=answer, reason="On second look, fine")
    assert fresh(thread).answer_count == 1
    assert fresh(thread).status == Thread.Status.ANSWERED


def test_hiding_the_accepted_answer_unsolves_until_restored(thread, answer, moderator, customer):
    qa_services.answer_accept(actor=customer, answer=answer)
    services.post_hide(actor=moderator, post=answer, reason="Unsafe advice")
    assert fresh(thread).status == Thread.Status.OPEN
    services.post_restore(actor=moderator, post=answer, reason="Corrected")
    assert fresh(thread).status == Thread.Status.SOLVED


def test_delete_is_soft_and_logged(thread, moderator):
    services.post_delete(actor=moderator, post=thread, reason="Spam")
    thread = Thread.objects.get(pk=thread.pk)
    assert thread.visibility == "deleted"
    assert thread.body  # content kept for the audit
    entry = AuditLogEntry.objects.get(action="thread.delete")
    assert (entry.actor, entry.reason, entry.brand) == (moderator, "Spam", thread.brand)
    assert fresh(thread.brand).thread_count == 0


def test_every_action_needs_a_reason_and_changes_nothing_without_one(thread, moderator):
    for action in (services.post_hide, services.post_delete, services.post_dismiss_flags):
        with pytest.raises(ValidationError, match="Say why"):
            action(actor=moderator, post=thread, reason="  ")
    assert fresh(thread).visibility == "published"
    assert not AuditLogEntry.objects.exists()


def test_dismiss_resolves_flags_and_shows_the_post_again(thread, moderator, settings):
    settings.SODAN_FLAGS_TO_HIDE = 1
    services.flag_create(flagger=UserFactory(), thread=thread, reason="spam")
    assert fresh(thread).visibility == "hidden"
    services.post_dismiss_flags(actor=moderator, post=thread, reason="Not spam")
    assert fresh(thread).visibility == "published"
    assert Flag.objects.get().resolution == Flag.Resolution.DISMISSED


def test_lock_stops_new_answers(thread, moderator, other_customer):
    services.thread_lock(actor=moderator, thread=thread, reason="Heated")
    with pytest.raises(PermissionDenied, match="locked"):
        qa_services.answer_create(author=other_customer, thread=fresh(thread), body="Hi")
    services.thread_unlock(actor=moderator, thread=thread, reason="Calm again")
    qa_services.answer_create(author=other_customer, thread=fresh(thread), body="Hi")


def test_close_as_duplicate_carries_me_toos_and_subscribers_and_redirects(client, brand, moderator):
    original = ThreadFactory(brand=brand, title="Original")
    duplicate = ThreadFactory(brand=brand, title="Duplicate")
    both, only_dup = UserFactory(), UserFactory()
    for user in (both, only_dup):
        qa_services.thread_me_too_toggle(user=user, thread=duplicate)
    qa_services.thread_me_too_toggle(user=both, thread=original)
    services.thread_close_as_duplicate(
        actor=moderator, thread=duplicate, original=original, reason="Same problem"
    )
    assert fresh(original).me_too_count == 2
    assert set(MeToo.objects.filter(thread=original).values_list("user", flat=True)) == {
        both.pk,
        only_dup.pk,
    }
    assert ThreadSubscription.objects.filter(thread=original, user=duplicate.author).exists()
    assert fresh(brand).thread_count == 1
    response = client.get(duplicate.get_absolute_url())
    assert response.status_code == 302
    assert response["Location"] == original.get_absolute_url()
    assert [t.title for t in client.get(brand.get_absolute_url()).context["page"]] == ["Original"]


def test_close_as_duplicate_refuses_nonsense(thread, moderator):
    other_brand_thread = ThreadFactory()
    with pytest.raises(ValidationError):
        services.thread_close_as_duplicate(
            actor=moderator, thread=thread, original=thread, reason="x"
        )
    with pytest.raises(ValidationError):
        services.thread_close_as_duplicate(
            actor=moderator, thread=thread, original=other_brand_thread, reason="x"
        )
    assert fresh(thread).duplicate_of is None


def test_move_to_another_brand_and_product(thread, moderator):
    target = BrandFactory()
    product = ProductFactory(brand=target)
    services.thread_move(
        actor=moderator, thread=thread, brand=target, product=product, reason="Wrong brand"
    )
    thread = fresh(thread)
    assert (thread.brand, thread.product) == (target, product)
    assert fresh(target).thread_count == 1
    with pytest.raises(ValidationError):
        services.thread_move(
            actor=moderator, thread=thread, brand=target, product=ProductFactory(), reason="x"
        )


# --- Who may moderate ----------------------------------------------------------------------


def test_customers_cannot_moderate(thread, other_customer):
    with pytest.raises(PermissionDenied, match="Only moderators"):
        services.post_hide(actor=other_customer, post=thread, reason="I dislike it")


def test_a_brand_moderator_acts_only_on_that_brand(brand_moderator, thread):
    services.post_hide(actor=brand_moderator, post=thread, reason="Spam")
    elsewhere = ThreadFactory()
    with pytest.raises(PermissionDenied, match="other brands"):
        services.post_hide(actor=brand_moderator, post=elsewhere, reason="Spam")
    assert fresh(elsewhere).visibility == "published"


@pytest.mark.parametrize("role_fixture", ["brand_rep", "brand_admin"])
def test_a_brands_own_people_never_remove_customer_posts(request, thread, role_fixture):
    person = request.getfixturevalue(role_fixture)
    ModeratorAppointment.objects.create(user=person)  # even if appointed moderator
    for action in (services.post_hide, services.post_delete):
        with pytest.raises(PermissionDenied, match="neutral moderators"):
            action(actor=person, post=thread, reason="Criticism")
    with pytest.raises(PermissionDenied):
        services.thread_move(
            actor=person, thread=thread, brand=BrandFactory(), product=None, reason="Away"
        )
    assert fresh(thread).visibility == "published"


def test_moving_into_a_brand_you_work_for_is_refused(thread, moderator):
    from brands.models import Membership

    target = BrandFactory()
    Membership.objects.create(brand=target, user=moderator, role=Membership.Role.REP)
    with pytest.raises(PermissionDenied):
        services.thread_move(actor=moderator, thread=thread, brand=target, product=None, reason="x")


def test_moderator_edit_needs_a_reason_and_tells_the_author(answer, moderator, committed):
    with pytest.raises(ValidationError, match="Say why"):
        qa_services.answer_edit(actor=moderator, answer=answer, body="Fixed link")
    with committed():
        qa_services.answer_edit(
            actor=moderator, answer=answer, body="Fixed link", reason="Broken link"
        )
    assert AuditLogEntry.objects.filter(action="answer.edit", reason="Broken link").exists()
    assert Notification.objects.filter(recipient=answer.author, kind="moderation_action").exists()


# --- Verification --------------------------------------------------------------------------


def test_verify_shows_who_and_when(answer, moderator):
    verification = services.answer_verify(
        moderator=moderator,
        answer=answer,
        note="Checked the manual",
        source_url="https://x.example/m",
    )
    answer = fresh(answer)
    assert answer.verified_by == moderator
    assert answer.verified_at is not None
    assert verification.status == Verification.Status.ACTIVE


def test_editing_a_verified_answer_withdraws_it_into_the_recheck_queue(
    answer, moderator, other_customer
):
    services.answer_verify(moderator=moderator, answer=answer)
    qa_services.answer_edit(actor=other_customer, answer=answer, body="New advice")
    answer = fresh(answer)
    assert answer.verified_at is None
    verification = Verification.objects.get()
    assert verification.status == Verification.Status.WITHDRAWN
    assert AuditLogEntry.objects.filter(action="answer.verification_withdrawn").exists()
    # Re-verify from the re-check queue...
    services.answer_verify(moderator=moderator, answer=answer)
    assert fresh(verification).status == Verification.Status.RECHECKED
    assert fresh(answer).verified_at is not None


def test_declining_a_recheck(answer, moderator, other_customer):
    services.answer_verify(moderator=moderator, answer=answer)
    qa_services.answer_edit(actor=other_customer, answer=answer, body="Dubious now")
    verification = Verification.objects.get()
    with pytest.raises(ValidationError):
        services.verification_decline(moderator=moderator, verification=verification, reason="")
    services.verification_decline(
        moderator=moderator, verification=verification, reason="Now wrong"
    )
    assert fresh(verification).status == Verification.Status.DECLINED


def test_verification_refusals(answer, other_customer, brand_rep, moderator):
    with pytest.raises(PermissionDenied):
        services.answer_verify(moderator=other_customer, answer=answer)
    ModeratorAppointment.objects.create(user=brand_rep)
    with pytest.raises(PermissionDenied, match="neutral"):
        services.answer_verify(moderator=brand_rep, answer=answer)
    own = AnswerFactory(thread=answer.thread, author=moderator)
    with pytest.raises(PermissionDenied, match="your own answer"):
        services.answer_verify(moderator=moderator, answer=own)
    with pytest.raises(ValidationError):
        services.answer_verify(moderator=moderator, answer=answer, source_url="javascript:alert(1)")
    services.answer_verify(moderator=moderator, answer=answer)
    with pytest.raises(ValidationError, match="already verified"):
        services.answer_verify(moderator=moderator, answer=answer)
    assert Verification.objects.count() == 1


def test_verified_answers_sort_right_after_the_accepted_one(client, thread, customer, moderator):
    popular = AnswerFactory(thread=thread, body="Popular")
    verified = AnswerFactory(thread=thread, body="Verified")
    accepted = AnswerFactory(thread=thread, body="Accepted")
    for voter in UserFactory.create_batch(3):
        qa_services.answer_vote_toggle(user=voter, answer=popular)
    services.answer_verify(moderator=moderator, answer=verified)
    qa_services.answer_accept(actor=customer, answer=accepted)
    bodies = [a.body for a in client.get(thread.get_absolute_url()).context["answers"]]
    assert bodies == ["Accepted", "Verified", "Popular"]


# --- Appeals -------------------------------------------------------------------------------


def test_appeal_once_and_a_different_moderator_decides(
    thread, customer, moderator, second_moderator, committed
):
    services.post_delete(actor=moderator, post=thread, reason="Looked like spam")
    appeal = services.appeal_create(author=customer, post=thread, message="It is a real problem")
    with pytest.raises(PermissionDenied, match="appealed once"):
        services.appeal_create(author=customer, post=thread, message="Again")
    with pytest.raises(PermissionDenied, match="different moderator"):
        services.appeal_decide(
            moderator=moderator, appeal=appeal, decision="reversed", reason="Fine"
        )
    with committed():
        services.appeal_decide(
            moderator=second_moderator, appeal=appeal, decision="reversed", reason="Genuine"
        )
    assert fresh(thread).visibility == "published"
    assert fresh(appeal).decision == Appeal.Decision.REVERSED
    assert AuditLogEntry.objects.filter(action="thread.appeal_reversed").exists()
    note = Notification.objects.get(recipient=customer, kind="appeal_decided")
    assert "Genuine" in note.message


def test_appeal_refusals(thread, customer, other_customer, moderator):
    with pytest.raises(PermissionDenied, match="not been removed"):
        services.appeal_create(author=customer, post=thread, message="?")
    services.post_hide(actor=moderator, post=thread, reason="x")
    with pytest.raises(PermissionDenied, match="Only the author"):
        services.appeal_create(author=other_customer, post=thread, message="Free it")
    with pytest.raises(ValidationError):
        services.appeal_create(author=customer, post=thread, message="  ")
    assert not Appeal.objects.exists()


# --- Sanctions -----------------------------------------------------------------------------


def test_a_suspended_member_reads_but_cannot_post_vote_or_flag(
    client, customer, thread, answer, moderator, committed
):
    with committed():
        services.member_suspend(moderator=moderator, member=customer, days=7, reason="Insults")
    customer = fresh(customer)
    assert customer.is_suspended and not customer.is_banned
    for attempt in (
        lambda: qa_services.thread_create(author=customer, brand=thread.brand, title="T", body="B"),
        lambda: qa_services.answer_vote_toggle(user=customer, answer=answer),
        lambda: services.flag_create(flagger=customer, answer=answer, reason="spam"),
    ):
        with pytest.raises(PermissionDenied, match=r"suspended until .*Insults"):
            attempt()
    client.force_login(customer)
    page = client.get(thread.get_absolute_url())
    assert page.status_code == 200
    assert "suspended until" in page.content.decode()
    assert Notification.objects.filter(recipient=customer, kind="sanction").exists()


def test_a_suspension_ends_by_itself(customer, moderator, brand):
    services.member_suspend(moderator=moderator, member=customer, days=1, reason="Cool off")
    customer = fresh(customer)
    customer.suspended_until = timezone.now() - dt.timedelta(seconds=1)
    customer.save(update_fields=["suspended_until"])
    qa_services.thread_create(author=fresh(customer), brand=brand, title="Back", body="Hello")


def test_ban_and_lift(customer, moderator, brand):
    services.member_ban(moderator=moderator, member=customer, reason="Spam bot")
    with pytest.raises(PermissionDenied, match="banned: Spam bot"):
        qa_services.thread_create(author=fresh(customer), brand=brand, title="T", body="B")
    services.sanction_lift(moderator=moderator, member=customer, reason="Appeal by e-mail")
    assert not fresh(customer).is_suspended
    assert Sanction.objects.get().lifted_at is not None


def test_sanction_refusals(customer, brand_moderator, moderator, other_customer):
    with pytest.raises(PermissionDenied, match="global moderators"):
        services.member_suspend(moderator=brand_moderator, member=customer, days=3, reason="x")
    with pytest.raises(PermissionDenied):
        services.member_suspend(moderator=other_customer, member=customer, days=3, reason="x")
    with pytest.raises(ValidationError):
        services.member_suspend(moderator=moderator, member=customer, days=0, reason="x")
    with pytest.raises(ValidationError):
        services.member_suspend(moderator=moderator, member=customer, days=3, reason="")
    with pytest.raises(PermissionDenied):
        services.member_ban(moderator=moderator, member=moderator, reason="me")
    assert not Sanction.objects.exists()


# --- Crisis keywords -----------------------------------------------------------------------


def test_crisis_keyword_in_japanese_without_spaces_alerts_admins_and_moderators(
    brand, brand_admin, moderator, brand_moderator, customer, committed
):
    services.crisis_keyword_add(actor=brand_admin, brand=brand, phrase="発火")
    mail.outbox.clear()
    with committed():
        thread = qa_services.thread_create(
            author=customer, brand=brand, title="充電中に本体が発火しました", body="危険です"
        )
    flag = Flag.objects.get(thread=thread, reason="crisis")
    assert flag.note == "発火"
    alerted = set(
        Notification.objects.filter(kind="crisis_alert").values_list(
            "recipient__username", flat=True
        )
    )
    assert alerted == {"boss", "mod", "brandmod"}
    assert {m.to[0] for m in mail.outbox} >= {brand_admin.email, moderator.email}


def test_crisis_matching_ignores_case_and_width(brand, customer):
    services.crisis_keyword_add(actor=UserFactory(is_staff=True), brand=None, phrase="recall")
    thread = qa_services.thread_create(
        author=customer, brand=brand, title="Is there a ＲＥＣＡＬＬ?", body="Asking"
    )
    assert Flag.objects.filter(thread=thread, reason="crisis").exists()
    other = qa_services.thread_create(author=customer, brand=brand, title="Fine", body="All good")
    assert not Flag.objects.filter(thread=other).exists()


def test_an_edit_that_adds_a_keyword_is_caught(brand, brand_admin, thread, customer):
    thread.brand = brand
    services.crisis_keyword_add(actor=brand_admin, brand=brand, phrase="lawsuit")
    qa_services.thread_edit(actor=customer, thread=thread, title=thread.title, body="A LAWSUIT")
    assert Flag.objects.filter(thread=thread, reason="crisis").count() == 1


def test_keyword_refusals(brand, brand_rep, customer):
    with pytest.raises(PermissionDenied):
        services.crisis_keyword_add(actor=brand_rep, brand=brand, phrase="x")
    with pytest.raises(PermissionDenied):
        services.crisis_keyword_add(actor=customer, brand=None, phrase="x")
    other_admin_brand = BrandFactory()
    with pytest.raises(PermissionDenied):
        services.crisis_keyword_add(actor=brand_rep, brand=other_admin_brand, phrase="x")


def test_keyword_bad_input(brand, brand_admin):
    services.crisis_keyword_add(actor=brand_admin, brand=brand, phrase="Recall")
    with pytest.raises(ValidationError, match="already"):
        services.crisis_keyword_add(actor=brand_admin, brand=brand, phrase="ＲＥＣＡＬＬ")
    with pytest.raises(ValidationError):
        services.crisis_keyword_add(actor=brand_admin, brand=brand, phrase="   ")


# --- Rate limits ---------------------------------------------------------------------------


@pytest.fixture
def limits_on(settings):
    settings.SODAN_RATE_LIMITS_ENABLED = True
    return settings


def test_new_members_post_only_a_few_times_an_hour(limits_on, customer, brand):
    limits_on.SODAN_NEW_MEMBER = {**limits_on.SODAN_NEW_MEMBER, "posts_per_hour": 2}
    for n in range(2):
        qa_services.thread_create(author=customer, brand=brand, title=f"T{n}", body="B")
    with pytest.raises(RateLimited) as limited:
        qa_services.thread_create(author=customer, brand=brand, title="T3", body="B")
    assert "try again in" in limited.value.message
    assert 0 < limited.value.retry_after <= 3600
    assert Thread.objects.count() == 2


def test_established_members_have_the_general_limit(limits_on, customer, brand):
    limits_on.SODAN_RATE_LIMITS = {**limits_on.SODAN_RATE_LIMITS, "post": (3, 3600)}
    customer.date_joined = timezone.now() - dt.timedelta(days=30)
    customer.reputation = 100
    customer.save()
    for n in range(3):
        qa_services.thread_create(author=customer, brand=brand, title=f"T{n}", body="B")
    with pytest.raises(RateLimited):
        qa_services.thread_create(author=customer, brand=brand, title="T4", body="B")


def test_new_members_may_include_only_a_few_links(limits_on, customer, brand):
    body = "See https://a.example https://b.example https://c.example"
    with pytest.raises(ValidationError, match="up to 2 links"):
        qa_services.thread_create(author=customer, brand=brand, title="Links", body=body)
    assert not Thread.objects.exists()


def test_votes_and_flags_are_rate_limited(limits_on, answer, customer):
    limits_on.SODAN_RATE_LIMITS = {**limits_on.SODAN_RATE_LIMITS, "vote": (2, 3600)}
    qa_services.answer_vote_toggle(user=customer, answer=answer)
    qa_services.answer_vote_toggle(user=customer, answer=answer)
    with pytest.raises(RateLimited):
        qa_services.answer_vote_toggle(user=customer, answer=answer)
    assert Answer.objects.get(pk=answer.pk).helpful_count == 0


def test_brand_counts_only_listed_threads(brand, moderator):
    threads = ThreadFactory.create_batch(3, brand=brand)
    services.post_hide(actor=moderator, post=threads[0], reason="x")
    services.thread_close_as_duplicate(
        actor=moderator, thread=threads[1], original=threads[2], reason="y"
    )
    assert Brand.objects.get(pk=brand.pk).thread_count == 1
