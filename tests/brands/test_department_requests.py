"""Requests to other departments: a rep asks a department of the brand about a thread or a
private case with a due date; the department works it in its own list and answers inside
the team; the rep is told. Departments are labels on team members, given on the team page
or with the invitation."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from brands import services
from brands.models import Department, DepartmentRequest, Invitation, Membership
from cases import services as case_services
from community.models import Notification
from moderation.models import AuditLogEntry
from tests.community.factories import UserFactory

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    return response.content.decode().replace("&#x27;", "'").replace("&quot;", '"')


@pytest.fixture
def engineer(official, brand_admin):
    """A product-team member of Hoshino Camera in its Engineering department."""
    user = UserFactory(username="kenji", display_name="Kenji")
    membership = Membership.objects.create(brand=official, user=user, role="product")
    services.membership_department_set(
        actor=brand_admin, membership=membership, label="Engineering"
    )
    return user


@pytest.fixture
def engineering(official, engineer):
    return Department.objects.get(brand=official, name="Engineering")


@pytest.fixture
def rival_logistics(rival, rival_admin):
    membership = Membership.objects.get(brand=rival, user=rival_admin)
    services.membership_department_set(actor=rival_admin, membership=membership, label="物流")
    return Department.objects.get(brand=rival)


def _tomorrow():
    return timezone.localdate() + timedelta(days=1)


def _send(rep, official, engineering, customer_thread, **overrides):
    arguments = {
        "actor": rep,
        "brand": official,
        "department": engineering,
        "body": "Is E-12 the lens motor? The customer updated to 2.1 yesterday.",
        "due_on": _tomorrow(),
        "thread": customer_thread,
    } | overrides
    return services.department_request_send(**arguments)


# --- Departments on the team ---------------------------------------------------------------


def test_a_member_gets_a_department_label_once_per_brand(official, brand_admin, engineer, rep):
    membership = Membership.objects.get(brand=official, user=rep)
    services.membership_department_set(
        actor=brand_admin, membership=membership, label="engineering"
    )
    assert Department.objects.filter(brand=official).count() == 1  # same label, any case
    membership.refresh_from_db()
    assert membership.department.name == "Engineering"
    assert AuditLogEntry.objects.filter(action="membership.department").count() == 2


def test_only_admins_give_departments(official, rep, engineer):
    membership = Membership.objects.get(brand=official, user=engineer)
    with pytest.raises(PermissionDenied, match="admins manage its team"):
        services.membership_department_set(actor=rep, membership=membership, label="Quality")


def test_an_invitation_carries_the_department_to_the_membership(official, brand_admin):
    invitation = services.invitation_create(
        actor=brand_admin,
        brand=official,
        email="mika@hoshino-camera.example",
        role="product",
        department="品質保証",
    )
    person = UserFactory(username="mika", email="mika@hoshino-camera.example")
    membership = services.invitation_accept(
        user=person, invitation=Invitation.objects.get(pk=invitation.pk)
    )
    assert membership.department.name == "品質保証"
    assert membership.department.brand == official


def test_the_team_page_sets_a_members_department(login, official, brand_admin, rep):
    membership = Membership.objects.get(brand=official, user=rep)
    response = login(brand_admin).post(
        reverse("brands:member_department", args=[official.slug, membership.pk]),
        {"department": "Logistics"},
    )
    assert response.status_code == 302
    page = login(brand_admin).get(reverse("brands:team", args=[official.slug]))
    assert 'value="Logistics"' in _text(page)


# --- Sending --------------------------------------------------------------------------------


def test_a_rep_sends_a_request_and_the_department_hears(
    official, rep, engineer, engineering, customer_thread, committed
):
    with committed():
        request = _send(rep, official, engineering, customer_thread)
    assert request.status == DepartmentRequest.Status.OPEN
    notice = Notification.objects.get(recipient=engineer)
    assert notice.kind == "department_request"
    assert "Engineering" in notice.message and "E-12" in notice.message
    assert AuditLogEntry.objects.filter(action="department_request.send").exists()


def test_a_request_to_another_brands_department_is_refused_with_the_reason(
    official, rep, rival_logistics, customer_thread
):
    with pytest.raises(PermissionDenied, match="department of another brand"):
        _send(rep, official, rival_logistics, customer_thread)
    assert not DepartmentRequest.objects.exists()


def test_the_page_answers_403_for_another_brands_department(
    login, official, rep, rival_logistics, customer_thread
):
    response = login(rep).post(
        reverse("brands:department_request_send", args=[official.slug]),
        {
            "department": rival_logistics.pk,
            "due_on": _tomorrow().isoformat(),
            "body": "Where is the parcel?",
            "thread": customer_thread.pk,
        },
    )
    assert response.status_code == 403
    assert "department of another brand" in _text(response)
    assert not DepartmentRequest.objects.exists()


def test_a_past_due_date_is_refused_beside_the_field(
    login, official, rep, engineering, customer_thread
):
    yesterday = timezone.localdate() - timedelta(days=1)
    response = login(rep).post(
        reverse("brands:department_request_send", args=[official.slug]),
        {
            "department": engineering.pk,
            "due_on": yesterday.isoformat(),
            "body": "Is E-12 the lens motor?",
            "thread": customer_thread.pk,
        },
    )
    assert response.status_code == 400
    text = _text(response)
    assert "has passed" in text
    # the error sits with the due date field, not above the form
    assert text.index("has passed") > text.index('for="id_due_on"')
    assert not DepartmentRequest.objects.exists()


def test_customers_and_the_product_team_do_not_send(
    official, customer, engineer, engineering, customer_thread
):
    for person in (customer, engineer):
        with pytest.raises(PermissionDenied):
            _send(person, official, engineering, customer_thread)


def test_an_empty_request_is_refused(official, rep, engineering, customer_thread):
    with pytest.raises(ValidationError) as error:
        _send(rep, official, engineering, customer_thread, body="  ")
    assert "body" in error.value.message_dict


# --- The department's work ------------------------------------------------------------------


def test_the_department_starts_and_answers_and_the_rep_is_told(
    official, rep, engineer, engineering, customer_thread, committed
):
    request = _send(rep, official, engineering, customer_thread)
    services.department_request_start(actor=engineer, request=request)
    request.refresh_from_db()
    assert request.status == DepartmentRequest.Status.IN_PROGRESS
    with committed():
        services.department_request_answer(
            actor=engineer, request=request, answer="Yes: the 2.1 motor table. Fixed in 2.2."
        )
    request.refresh_from_db()
    assert (request.status, request.answered_by) == (DepartmentRequest.Status.ANSWERED, engineer)
    told = Notification.objects.get(recipient=rep, kind="department_request")
    assert "Fixed in 2.2" in told.message


def test_someone_outside_the_department_cannot_answer(
    official, rep, second_rep, engineering, customer_thread
):
    request = _send(rep, official, engineering, customer_thread)
    with pytest.raises(PermissionDenied, match="Engineering department"):
        services.department_request_answer(actor=second_rep, request=request, answer="No idea")
    request.refresh_from_db()
    assert request.status == DepartmentRequest.Status.OPEN


def test_the_departments_list_shows_its_requests_by_status(
    login, official, rep, engineer, engineering, customer_thread
):
    open_one = _send(rep, official, engineering, customer_thread, body="Open question")
    answered = _send(rep, official, engineering, customer_thread, body="Answered question")
    services.department_request_answer(actor=engineer, request=answered, answer="Done")
    url = reverse("brands:department_requests", args=[official.slug])
    page = login(engineer).get(url, {"department": engineering.pk, "status": "open"})
    assert page.status_code == 200
    assert "Open question" in _text(page) and "Answered question" not in _text(page)
    detail = login(engineer).get(
        reverse("brands:department_request", args=[official.slug, open_one.pk])
    )
    assert "Start working on it" in _text(detail)


def test_the_department_answers_on_the_requests_page(
    login, official, rep, engineer, engineering, customer_thread
):
    request = _send(rep, official, engineering, customer_thread)
    url = reverse("brands:department_request", args=[official.slug, request.pk])
    assert login(engineer).post(url, {"start": "1"}).status_code == 302
    assert login(engineer).post(url, {"answer": "Motor table, fixed in 2.2"}).status_code == 302
    request.refresh_from_db()
    assert request.answer == "Motor table, fixed in 2.2"


def test_customers_and_other_brands_never_see_the_lists(
    login, official, customer, rival_rep, rep, engineering, customer_thread
):
    request = _send(rep, official, engineering, customer_thread)
    for person in (customer, rival_rep):
        assert (
            login(person)
            .get(reverse("brands:department_requests", args=[official.slug]))
            .status_code
            == 403
        )
        assert (
            login(person)
            .get(reverse("brands:department_request", args=[official.slug, request.pk]))
            .status_code
            == 403
        )


# --- Part of the thread's and the case's internal history ---------------------------------------


def test_the_thread_page_shows_requests_to_the_team_only(
    login, official, rep, customer, engineer, engineering, customer_thread
):
    _send(rep, official, engineering, customer_thread, body="Is E-12 the lens motor?")
    services.department_request_answer(
        actor=engineer, request=DepartmentRequest.objects.get(), answer="Yes, fixed in 2.2"
    )
    as_rep = _text(login(rep).get(customer_thread.get_absolute_url()))
    assert "Is E-12 the lens motor?" in as_rep and "Yes, fixed in 2.2" in as_rep
    assert "Send the request" in as_rep
    as_customer = _text(login(customer).get(customer_thread.get_absolute_url()))
    assert "Is E-12 the lens motor?" not in as_customer
    assert "Requests to other departments" not in as_customer


def test_a_request_from_a_private_case_shows_on_the_case(
    login, official, rep, customer, engineering, customer_thread
):
    case = case_services.case_open(
        actor=rep, thread=customer_thread, customer=customer, body="Your serial number?"
    )
    response = login(rep).post(
        reverse("brands:department_request_send", args=[official.slug]),
        {
            "department": engineering.pk,
            "due_on": _tomorrow().isoformat(),
            "body": "Serial HC-123: warranty repair?",
            "case": case.pk,
        },
    )
    assert response.status_code == 302
    request = DepartmentRequest.objects.get()
    assert (request.case, request.thread) == (case, customer_thread)
    assert "Serial HC-123" in _text(login(rep).get(case.get_absolute_url()))
    assert "Serial HC-123" not in _text(login(customer).get(case.get_absolute_url()))
