"""brands.permissions: who may do what inside one brand, and that nothing crosses brands."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext

from brands import permissions, selectors
from brands.models import Membership
from qa.models import Thread
from tests.brands.conftest import fresh
from tests.brands.factories import BrandFactory

pytestmark = pytest.mark.django_db

CROSS_BRAND = "You work for Kumo Mobile, not for Hoshino Camera"


def _refusal(check, *args) -> str:
    with pytest.raises(PermissionDenied) as refused:
        check(*args)
    return str(refused.value)


def test_roles_are_per_brand(official, rival, rep, brand_admin, product_member, rival_rep):
    assert permissions.brand_roles(rep, official) == {"rep"}
    assert permissions.brand_roles(rep, rival) == frozenset()
    assert permissions.is_rep(brand_admin, official) and permissions.is_brand_admin(
        brand_admin, official
    )
    assert not permissions.is_rep(product_member, official)
    assert permissions.is_brand_member(product_member, official)
    assert not permissions.is_brand_member(rival_rep, official)
    assert permissions.brand_roles(AnonymousUser(), official) == frozenset()


def test_an_inactive_account_has_no_brand_role(official, rep):
    rep.is_active = False
    assert permissions.brand_roles(rep, official) == frozenset()


def test_roles_are_remembered_for_one_request_and_can_be_forgotten(official, rep):
    permissions.is_rep(rep, official)
    with CaptureQueriesContext(connection) as ctx:
        permissions.is_rep(rep, official)
    assert len(ctx.captured_queries) == 0
    Membership.objects.filter(user=rep).update(revoked_at="2026-01-01T00:00:00Z")
    permissions.forget_brand_roles(rep)
    assert not permissions.is_rep(rep, official)


def test_the_role_loaded_with_the_thread_needs_no_extra_query(official, rep, customer_thread):
    viewer = fresh(rep)
    thread = selectors.threads_with_ownership(
        Thread.objects.select_related("brand"), viewer=viewer
    ).get(pk=customer_thread.pk)
    selectors.remember_viewer_role(viewer, thread)
    with CaptureQueriesContext(connection) as ctx:
        assert permissions.is_rep(viewer, official)
    assert len(ctx.captured_queries) == 0


def test_the_hint_for_one_brand_does_not_answer_for_another(official, rival, rival_rep):
    viewer = fresh(rival_rep)
    permissions.remember_brand_role(viewer, official.pk, None)
    assert not permissions.is_rep(viewer, official)
    assert permissions.is_rep(viewer, rival)  # asked the database for this one


# --- Every brand power, refused across brands with the reason ---------------------------------


def test_cross_brand_claim_is_refused(rival_rep):
    community_brand = BrandFactory(name="Hoshino Camera")
    message = _refusal(permissions.check_can_claim, rival_rep, community_brand)
    assert "You work for Kumo Mobile, not for Hoshino Camera" in message


def test_cross_brand_take_and_release_are_refused(customer_thread, rival_rep, rep):
    assert CROSS_BRAND in _refusal(permissions.check_can_take, rival_rep, customer_thread)
    assert CROSS_BRAND in _refusal(permissions.check_can_release, rival_rep, customer_thread, None)
    assert permissions.can_take(rep, customer_thread)


def test_cross_brand_endorse_is_refused(customer_answer, rival_rep, rep):
    assert CROSS_BRAND in _refusal(permissions.check_can_endorse, rival_rep, customer_answer)
    assert permissions.can_endorse(rep, customer_answer)


def test_cross_brand_invite_is_refused(official, rival_admin, brand_admin):
    assert CROSS_BRAND in _refusal(permissions.check_can_manage_team, rival_admin, official)
    permissions.check_can_manage_team(brand_admin, official)


def test_cross_brand_inbox_and_customer_card_are_refused(official, rival_rep, product_member):
    assert CROSS_BRAND in _refusal(permissions.check_can_read_inbox, rival_rep, official)
    assert CROSS_BRAND in _refusal(permissions.check_can_read_customer_card, rival_rep, official)
    permissions.check_can_read_inbox(product_member, official)
    permissions.check_can_read_customer_card(product_member, official)


def test_cross_brand_publish_and_notes_are_refused(official, rival_rep):
    assert CROSS_BRAND in _refusal(permissions.check_can_publish_version, rival_rep, official)
    assert CROSS_BRAND in _refusal(permissions.check_can_write_customer_note, rival_rep, official)


# --- Customers and the product team -----------------------------------------------------------


def test_a_customer_has_no_brand_power(official, customer, customer_thread, customer_answer):
    assert not permissions.can_take(customer, customer_thread)
    assert not permissions.can_endorse(customer, customer_answer)
    assert not permissions.can_manage_team(customer, official)
    assert not permissions.can_publish_version(customer, official)
    assert "team" in _refusal(permissions.check_can_read_inbox, customer, official)
    assert "customers and other brands never see them" in _refusal(
        permissions.check_can_read_customer_card, customer, official
    )


def test_the_product_team_reads_but_does_not_speak(
    official, product_member, customer_thread, customer_answer
):
    assert not permissions.can_take(product_member, customer_thread)
    assert not permissions.can_endorse(product_member, customer_answer)
    assert not permissions.can_write_customer_note(product_member, official)
    assert not permissions.can_manage_team(product_member, official)


def test_staff_read_and_manage_but_do_not_speak_for_a_brand(
    official, staff, customer_thread, customer_answer
):
    permissions.check_can_read_inbox(staff, official)
    permissions.check_can_read_customer_card(staff, official)
    permissions.check_can_manage_team(staff, official)
    permissions.check_can_decide_claims(staff)
    permissions.check_can_read_audit_log(staff)
    assert not permissions.can_take(staff, customer_thread)
    assert not permissions.can_endorse(staff, customer_answer)


def test_only_staff_read_the_audit_log(brand_admin):
    assert "Only Sodan staff" in _refusal(permissions.check_can_read_audit_log, brand_admin)
