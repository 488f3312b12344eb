"""Removal requests: filing, the seven-day clock (on a frozen clock), the decision, the
e-mails and notices it sends, and who may decide."""

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from community.models import Notification
from legal import services
from legal.models import RemovalRequest
from moderation.models import Appeal, AuditLogEntry
from moderation.services import appeal_create
from qa.models import Revision, Visibility

pytestmark = pytest.mark.django_db

FILED = dt.datetime(2026, 4, 1, 9, 0, tzinfo=dt.UTC)


def _to_requester():
    return [m for m in mail.outbox if m.to == ["sato@example.jp"]]


def _file(post, **overrides):
    fields = {
        "requester": None,
        "name": "Sato Ichiro",
        "email": "sato@example.jp",
        "post_url": f"https://sodan.example{post.get_absolute_url()}",
        "right": "privacy",
        "explanation": "It gives my home address.",
    }
    return services.removal_request_file(**(fields | overrides))


def test_anyone_files_a_request_about_a_thread_or_an_answer(thread, answer):
    about_thread = _file(thread)
    about_answer = _file(answer)
    assert about_thread.thread == thread and about_thread.brand == thread.brand
    assert about_answer.answer == answer and about_answer.thread is None
    assert about_thread.requester is None


@pytest.mark.parametrize(
    "address",
    [
        "/t/{thread}/",
        "https://help.hoshino.example/t/{thread}/slug/#answer-{answer}",
        "/a/{answer}/",
    ],
)
def test_the_post_is_found_from_its_address(thread, answer, address):
    post = services.post_from_url(address.format(thread=thread.pk, answer=answer.pk))
    assert post == (thread if "answer" not in address and "/a/" not in address else answer)


def test_an_address_that_names_no_post_is_refused(thread):
    for address in ["https://example.com/", "/t/999999/", f"/t/{thread.pk + 1}/#answer-1"]:
        with pytest.raises(ValidationError) as refused:
            _file(thread, post_url=address)
        assert "post_url" in refused.value.message_dict


@pytest.mark.parametrize(
    ("field", "value"),
    [("name", " "), ("email", "not-an-address"), ("right", "taste"), ("explanation", "")],
)
def test_every_field_is_required(thread, field, value):
    with pytest.raises(ValidationError) as refused:
        _file(thread, **{field: value})
    assert field in refused.value.message_dict
    assert not RemovalRequest.objects.exists()


def test_the_decision_is_due_seven_days_after_filing_on_a_frozen_clock(thread):
    with time_machine.travel(FILED, tick=False):
        request = _file(thread)
    assert request.created_at == FILED
    assert request.due_at == FILED + dt.timedelta(days=7)
    with time_machine.travel(FILED + dt.timedelta(days=7), tick=False):
        assert not request.is_overdue()
        assert not RemovalRequest.objects.overdue().exists()
    with time_machine.travel(FILED + dt.timedelta(days=7, seconds=1), tick=False):
        assert request.is_overdue()
        assert list(RemovalRequest.objects.overdue()) == [request]


def test_the_clock_is_a_setting(thread, settings):
    settings.SODAN_REMOVAL_REQUEST_DAYS = 3
    with time_machine.travel(FILED, tick=False):
        request = _file(thread)
    assert request.due_at == FILED + dt.timedelta(days=3)


def test_filing_sends_a_receipt_and_tells_the_poster(thread, customer, committed):
    with committed():
        request = _file(thread)
    receipt = [m for m in mail.outbox if m.to == ["sato@example.jp"]]
    assert len(receipt) == 1
    assert f"request {request.pk}" in receipt[0].subject
    assert "Privacy" in receipt[0].body
    notice = Notification.objects.get(recipient=customer)
    assert "removed" in notice.message
    [to_poster] = [m for m in mail.outbox if m.to == [customer.email]]
    assert f"/removal-requests/{request.pk}/respond/" in to_poster.body
    assert "Sato" not in notice.message and "sato@" not in notice.message


def test_the_poster_responds_until_the_decision(thread, customer, other_customer, moderator):
    request = _file(thread)
    with pytest.raises(PermissionDenied):
        services.removal_request_respond(author=other_customer, request=request, message="Hi")
    services.removal_request_respond(author=customer, request=request, message="It is a shop.")
    request.refresh_from_db()
    assert request.poster_response == "It is a shop."
    services.removal_request_decide(
        moderator=moderator, request=request, decision="keep", reason="A shop's address."
    )
    with pytest.raises(ValidationError):
        services.removal_request_respond(author=customer, request=request, message="More")


def test_remove_deletes_the_post_audits_it_tells_everyone_and_allows_an_appeal(
    thread, customer, moderator, committed
):
    with time_machine.travel(FILED, tick=False):
        request = _file(thread)
    mail.outbox.clear()
    with time_machine.travel(FILED + dt.timedelta(days=2), tick=False), committed():
        services.removal_request_decide(
            moderator=moderator, request=request, decision="remove", reason="An address."
        )
    thread.refresh_from_db()
    assert thread.visibility == Visibility.DELETED
    assert AuditLogEntry.objects.for_object(thread).filter(action="thread.delete").exists()
    decided = AuditLogEntry.objects.get(action="removal_request.remove")
    assert decided.data["in_time"] is True and decided.data["hours"] == 48.0
    [email] = _to_requester()
    assert "The post was removed." in email.body and "An address." in email.body
    assert Notification.objects.filter(
        recipient=customer, message__contains="removed your post"
    ).exists()
    appeal = appeal_create(author=customer, post=thread, message="It was my shop's address.")
    assert isinstance(appeal, Appeal)


def test_the_decision_email_goes_once(thread, moderator, committed):
    from legal.tasks import email_removal_decision

    request = _file(thread)
    with committed():
        services.removal_request_decide(
            moderator=moderator, request=request, decision="keep", reason="Fair criticism."
        )
    assert len(_to_requester()) == 1
    assert email_removal_decision(request.pk) == 0
    assert len(_to_requester()) == 1


def test_keep_changes_nothing_and_tells_the_poster_why(thread, customer, moderator, committed):
    request = _file(thread, right="defamation", explanation="Calls our shop slow.")
    with committed():
        services.removal_request_decide(
            moderator=moderator, request=request, decision="keep", reason="Fair criticism."
        )
    thread.refresh_from_db()
    assert thread.visibility == Visibility.PUBLISHED
    assert "The post stays" in _to_requester()[-1].body
    assert Notification.objects.filter(
        recipient=customer, message__contains="Fair criticism."
    ).exists()


def test_partly_edits_the_post_and_clears_earlier_revisions(answer, moderator, committed):
    request = _file(answer)
    with committed():
        services.removal_request_decide(
            moderator=moderator,
            request=request,
            decision="partly",
            reason="The address is out.",
            revised_body="Turn off background refresh.",
        )
    answer.refresh_from_db()
    assert answer.body == "Turn off background refresh."
    assert answer.visibility == Visibility.PUBLISHED
    first, latest = Revision.objects.filter(answer=answer).order_by("number")
    assert "Settings" not in first.body and "removal request" in first.body
    assert latest.body == "Turn off background refresh."
    assert "part of the post" in _to_requester()[-1].body


def test_partly_needs_the_text_without_the_part(answer, moderator):
    request = _file(answer)
    with pytest.raises(ValidationError) as refused:
        services.removal_request_decide(
            moderator=moderator, request=request, decision="partly", reason="Out."
        )
    assert "revised_body" in refused.value.message_dict
    request.refresh_from_db()
    assert request.decided_at is None


def test_a_request_is_decided_once(thread, moderator, second_moderator):
    request = _file(thread)
    services.removal_request_decide(
        moderator=moderator, request=request, decision="keep", reason="Fine."
    )
    with pytest.raises(ValidationError, match="Already decided"):
        services.removal_request_decide(
            moderator=second_moderator, request=request, decision="remove", reason="No."
        )
    assert AuditLogEntry.objects.filter(action__startswith="removal_request.").count() == 2


def test_a_reason_is_required(thread, moderator):
    request = _file(thread)
    with pytest.raises(ValidationError) as refused:
        services.removal_request_decide(
            moderator=moderator, request=request, decision="keep", reason=" "
        )
    assert "reason" in refused.value.message_dict


def test_the_brands_own_people_never_decide(thread, brand_rep, brand_admin, customer):
    request = _file(thread)
    for person in (brand_rep, brand_admin, customer):
        with pytest.raises(PermissionDenied):
            services.removal_request_decide(
                moderator=person, request=request, decision="remove", reason="Bad for us."
            )
    thread.refresh_from_db()
    assert thread.visibility == Visibility.PUBLISHED


def test_a_brand_moderator_who_joins_the_brand_may_no_longer_decide(thread, brand, brand_moderator):
    from brands.models import Membership

    request = _file(thread)
    Membership.objects.create(brand=brand, user=brand_moderator, role=Membership.Role.REP)
    with pytest.raises(PermissionDenied, match="work for"):
        services.removal_request_decide(
            moderator=brand_moderator, request=request, decision="remove", reason="x"
        )
